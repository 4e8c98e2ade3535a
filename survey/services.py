"""The objects a request needs, owned by the app (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from .campaigns import CampaignRepository
from .questionnaires import Library, Questionnaire, load_library
from .storage import ChunkedAnswerStore, RecordStore

# Questionnaires created or edited in the browser, under the data folder.
EDITED_QUESTIONNAIRES = "questionnaires"


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
    questionnaires_dir: str = ""

    @classmethod
    def open(cls, config: dict) -> "Services":
        data_dir = Path(config["DATA_DIR"])
        records = RecordStore(data_dir / "records")
        return cls(
            data_dir=data_dir,
            library=load_library(config["QUESTIONNAIRES_DIR"], data_dir / EDITED_QUESTIONNAIRES),
            records=records,
            answers=ChunkedAnswerStore(data_dir / "answers", chunk_size=config["ANSWER_CHUNK_SIZE"]),
            campaigns=CampaignRepository(records),
            questionnaires_dir=str(config["QUESTIONNAIRES_DIR"]),
        )

    @property
    def questionnaire_folders(self) -> tuple[Path, Path]:
        """Shipped questionnaires, then those edited in the browser (which win)."""
        return Path(self.questionnaires_dir), self.data_dir / EDITED_QUESTIONNAIRES

    def reload_library(self) -> None:
        """After a questionnaire file changed: new library, no stale form class."""
        self.library = load_library(*self.questionnaire_folders)
        self.form_classes.clear()

    def save_answer(self, questionnaire: Questionnaire, answer: dict) -> bool:
        """Store an answer durably (True if new), keeping its questionnaire version's definition."""
        from .versions import remember_version
        remember_version(self, questionnaire)
        return self.answers.add(answer)

    def questionnaire_for(self, campaign) -> Questionnaire | None:
        return self.library.get(campaign.questionnaire)


def services() -> Services:
    return current_app.extensions["survey"]
