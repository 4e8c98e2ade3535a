"""The objects a request needs, owned by the app (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from .campaigns import CampaignRepository
from .questionnaires import Library, Questionnaire, load_library
from .storage import ChunkedAnswerStore, RecordStore


@dataclass
class Services:
    data_dir: Path
    library: Library
    records: RecordStore
    answers: ChunkedAnswerStore
    campaigns: CampaignRepository
    form_classes: dict = field(default_factory=dict)
    # (questionnaire id, version) pairs already snapshotted by this process (survey.versions).
    remembered_versions: set = field(default_factory=set)

    @classmethod
    def open(cls, config: dict) -> "Services":
        data_dir = Path(config["DATA_DIR"])
        records = RecordStore(data_dir / "records")
        return cls(
            data_dir=data_dir,
            library=load_library(config["QUESTIONNAIRES_DIR"]),
            records=records,
            answers=ChunkedAnswerStore(data_dir / "answers", chunk_size=config["ANSWER_CHUNK_SIZE"]),
            campaigns=CampaignRepository(records),
        )

    def questionnaire_for(self, campaign) -> Questionnaire | None:
        return self.library.get(campaign.questionnaire)


def services() -> Services:
    return current_app.extensions["survey"]
