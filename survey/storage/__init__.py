"""Local storage: TinyDB files in the data folder, written atomically."""

from .answers import AnswerConflict, ChunkedAnswerStore
from .interfaces import AnswerStore, RecordCollections
from .looks import StaleLook
from .records import RecordStore

__all__ = ["AnswerConflict", "AnswerStore", "ChunkedAnswerStore", "RecordCollections", "RecordStore", "StaleLook"]
