"""What the services ask of storage, written down as ``typing.Protocol`` classes.

The TinyDB files of ``survey.storage`` implement them today (``ChunkedAnswerStore``,
``RecordStore``); a PostgreSQL storage (issue 15) implements the same methods with the
same promises, and ``Services`` (survey.services) only ever sees these types. The
promises that matter for a second implementation are in the docstrings: read-modify-write
is one operation that takes a function, an acknowledged write is durable, and the same
answer id with other content is refused.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, Iterator, Protocol, Sequence, TypeVar

T = TypeVar("T")


class AnswerStore(Protocol):
    """Every campaign's answers, each a dict with an ``id`` unique in its ``campaign``."""

    def add(self, answer: dict, held: dict[str, int] | None = None) -> bool:
        """Store ``answer`` durably before returning. True if new, False if the same id was
        already stored with the same content; raises ``AnswerConflict`` (survey.storage)
        when it was stored with other content. ``held``: ``RecordCollections.held_look()``,
        versions to find unchanged in the same operation, else ``StaleLook`` and nothing stored
        (a local store never gives any)."""
        ...

    def get(self, campaign_id: str, answer_id: str) -> dict | None:
        """The stored answer, or None."""
        ...

    def count(self, campaign_id: str) -> int:
        """How many answers the campaign holds (kept, not counted: cheap at any size)."""
        ...

    def iter_answers(self, campaign_id: str) -> Iterator[dict]:
        """Every answer of the campaign, oldest first, without holding them all in memory."""
        ...

    def iter_newest(self, campaign_id: str) -> Iterator[dict]:
        """Every answer of the campaign, newest stored first, lazily: a page of the newest
        answers must cost the page, not the campaign."""
        ...

    def iter_newest_matching(
        self, campaign_id: str, key: str, test: Callable[[dict], bool], skip: int = 0
    ) -> Iterator[dict]:
        """The answers that pass ``test``, newest first, less the first ``skip`` of them
        (``islice(filter(test, iter_newest(…)), skip, None)``), lazily: page N of a filtered list.
        ``key`` names ``test`` (as for ``partials``): the store may keep how many answers pass it
        per part, so as not to read the parts before the page."""
        ...

    def iter_newest_containing(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[dict]:
        """``iter_newest`` for a search: may skip answers whose free text cannot contain every
        one of ``words``, never one that does. Free text here is the strings of the answer's
        ``answers`` joined by a space, then ``fold``ed (lower case without accents); ``words``
        are already folded and hold no space; ``key`` names ``fold`` and its version (kept
        texts made with another fold are not reused). The caller still tests each answer it
        gets (the local store returns whole chunks of 100 where a word occurs; a database
        would use a trigram index). With no words, every answer."""
        ...

    def iter_newest_found(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[tuple[int, dict | None]]:
        """``iter_newest_containing`` for a search that counts ahead: pairs (how many answers
        were passed to reach this one, itself included; the answer). The store may leave out
        more answers than there (those whose own free text cannot hold every word) and count
        them in the next pair, or in a pair (passed, None), so that the caller's bound on the
        answers read gives the same page. A store that knows no better gives every answer of
        ``iter_newest_containing`` with 1."""
        ...

    def partials(
        self,
        campaign_id: str,
        key: str,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        """``summarise`` applied to each part of the campaign's answers; the caller merges
        the parts. ``key`` names the computation (with its parameters) so that parts whose
        answers did not change may be served from a cache; the result is always the same as
        summarising every answer afresh (a hosted store may return a single part). With
        ``merge`` (which returns a new value and changes neither argument), the store may
        return fewer parts, already merged: pass it for bounded memory at a million answers.
        The parts returned may be the store's kept copies: the caller must not change them."""
        ...

    def change(self, campaign_id: str, answer_id: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read, change and write one answer as one operation (no other writer in between).

        ``fn`` gets a copy, changes it in place or returns the new answer; the id (and what
        a resent copy is compared with) stays. Returns the answer as stored, None if absent.
        An exception raised by ``fn`` leaves the answer as it was and reaches the caller."""
        ...

    def delete(self, campaign_id: str, answer_id: str) -> bool:
        """Delete one answer; False if there was none."""
        ...

    def delete_many(self, campaign_id: str, answer_ids: Iterable[str]) -> int:
        """Delete these answers in one operation; how many were deleted."""
        ...

    def campaigns(self) -> list[str]:
        """The ids of the campaigns that hold (or held) answers, sorted."""
        ...

    def warm(self) -> None:
        """Get ready before the first request (indexes, connections): may do nothing."""
        ...


class RecordCollections(Protocol):
    """Small collections of records (dicts) by name, each record keyed by its ``id``.

    Campaigns, field sessions, doors, volunteer and kiosk codes, short codes, tags,
    settings, drafts, questionnaire versions, accounts and the journal live here
    (docs/DESIGN.md « Storage » lists them); most are reached through a repository of
    ``storage/repositories/`` that owns the collection's name. Every method is one operation: two
    processes (the server, the command line) may write at the same time."""

    def all(self, name: str) -> list[dict]:
        """Every record of the collection (an empty list if it was never written)."""
        ...

    def get(self, name: str, key: str) -> dict | None:
        """The record with this ``id``, or None."""
        ...

    def put(self, name: str, record: dict) -> None:
        """Insert or replace the record with this ``id``."""
        ...

    def add(self, name: str, record: dict) -> bool:
        """Insert a record whose ``id`` is new; False (and nothing written) if it is taken."""
        ...

    def append(self, name: str, record: dict) -> None:
        """Insert a record without an id check (the journal)."""
        ...

    def change(self, name: str, key: str, fn: Callable[[dict], dict | None], create: bool = False) -> dict | None:
        """Read, change and write one record as one operation.

        ``fn`` gets a copy of the record (``{"id": key}`` when there is none and ``create``
        is true), changes it in place or returns the new record. Returns the record as
        stored, or None when there is none and ``create`` is false. An exception raised by
        ``fn`` leaves the record as it was. ``fn`` must be quick and must not use the same
        collection."""
        ...

    def delete(self, name: str, key: str) -> bool:
        """Delete the record with this ``id``; False if there was none."""
        ...

    def delete_where(self, name: str, test: Callable[[dict], bool]) -> int:
        """Delete every record for which ``test`` is true, in one operation; how many."""
        ...

    def stamp(self, name: str) -> Hashable | None:
        """A value that changes whenever the collection is written (None if it was never
        written): lets a process keep a map read from a collection until it changes."""
        ...

    def names(self) -> list[str]:
        """The names of the collections ever written here, sorted: what moves a whole data
        folder (``services/data_copy.py``) without a list of names that could fall behind."""
        ...

    def begin_look(self, provisional: bool = False) -> None:
        """A request starts on this thread: ``stamp`` and ``get`` may answer from one look at
        every collection's version taken at its first lookup (a database asked once, not at
        each lookup); this store's own writes are seen at once. ``provisional``: the request
        may read under the versions this process found last, held by its answer's write
        (``held_look``) or checked before it ends (``confirm_look``)."""
        ...

    def held_look(self) -> dict[str, int] | None:
        """The versions a provisional look still has to find unchanged, or None."""
        ...

    def look_held(self) -> None:
        """An answer's write found them unchanged: the look needs no other check."""
        ...

    def confirm_look(self) -> None:
        """Check a provisional look now: ``StaleLook`` (survey.storage) if a version changed."""
        ...

    def end_look(self) -> None:
        """The request ended: every call asks the store again."""
        ...
