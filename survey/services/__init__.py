"""The objects a request needs, owned by the app (no module-level state)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic
from typing import Any, Hashable

from ..formats.yaml_files import load_library
from ..model.campaign import Campaign
from ..model.questionnaire import Library, Questionnaire
from ..storage import AnswerStore, ChunkedAnswerStore, RecordCollections, RecordStore
from ..storage.media import MediaStore
from ..storage.photos import PhotoStore
from ..storage.repositories import (
    AccountRepository,
    DemarcheRepository,
    DoorRepository,
    DraftRepository,
    Journal,
    KioskCodeRepository,
    SessionRepository,
    SignInRepository,
    StructureRepository,
    VersionRepository,
    VolunteerCodeRepository,
)
from .campaigns import Campaigns

# What a printed code (``affiche``) or a session id may look like: short, no markup, no spaces.
POSTER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")

# Questionnaires created or edited in the browser, under the data folder.
EDITED_QUESTIONNAIRES = "questionnaires"
# On a shared instance, this host's copy of the edited questionnaires the database holds.
SHARED_QUESTIONNAIRES = ".questionnaires-de-la-base"


@dataclass
class Services:
    data_dir: Path
    library: Library
    records: RecordCollections
    answers: AnswerStore
    campaigns: Campaigns
    form_classes: dict = field(default_factory=dict)
    # (questionnaire id, version) pairs already snapshotted by this process (survey.services.snapshots).
    remembered_versions: set = field(default_factory=set)
    questionnaires_dir: str = ""
    # The questionnaire folders' modification times when the library was read.
    library_stamp: tuple = ()
    # Field sessions by id, with the stamp of the file they were read from (session_campaigns).
    sessions_index: dict = field(default_factory=dict)
    sessions_stamp: Hashable = ()
    # A shared instance (DATABASE_URL): edited questionnaires and photos live in the database,
    # the questionnaires folder of the data folder is only this host's copy of them.
    shared: bool = False
    # On a shared instance, how often the folders' stamp is read (config SHARED_FOLDERS_LOOK_SECONDS),
    # the last one read and when (``time.monotonic``).
    shared_folders_every: float = 0.0
    shared_folders_seen: tuple | None = None
    shared_folders_read_at: float = 0.0
    # One repository per small collection, over ``records`` (storage/repositories/).
    sessions: SessionRepository = field(init=False)
    doors: DoorRepository = field(init=False)
    accounts: AccountRepository = field(init=False)
    sign_ins: SignInRepository = field(init=False)
    journal: Journal = field(init=False)
    versions: VersionRepository = field(init=False)
    volunteer_codes: VolunteerCodeRepository = field(init=False)
    kiosk_codes: KioskCodeRepository = field(init=False)
    drafts: DraftRepository = field(init=False)
    structures: StructureRepository = field(init=False)
    demarches: DemarcheRepository = field(init=False)
    photos: PhotoStore = field(init=False)
    # Recordings and drawings of answers (issue 16 §2): files, or rows on a shared instance.
    media: MediaStore = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = SessionRepository(self.records)
        self.doors = DoorRepository(self.records)
        self.accounts = AccountRepository(self.records)
        self.sign_ins = SignInRepository(self.records)
        self.journal = Journal(self.records)
        self.versions = VersionRepository(self.records)
        self.volunteer_codes = VolunteerCodeRepository(self.records)
        self.kiosk_codes = KioskCodeRepository(self.records)
        self.drafts = DraftRepository(self.records)
        self.structures = StructureRepository(self.records)
        self.demarches = DemarcheRepository(self.records)
        self.photos = PhotoStore(self.data_dir / "photos")
        self.media = MediaStore(self.data_dir / "media")

    @classmethod
    def open(cls, config: dict) -> "Services":
        data_dir = Path(config["DATA_DIR"])
        records: RecordCollections
        answers: AnswerStore
        database = None
        if config.get("DATABASE_URL"):  # the shared instance (issue 15): every collection in PostgreSQL
            from ..storage.postgres import open_database

            database = open_database(
                config["DATABASE_URL"],
                pool_size=config["DATABASE_POOL_SIZE"],
                wait=float(config["DATABASE_WAIT_SECONDS"]),
            )
            records, answers = database.records, database.answers
        else:
            records = RecordStore(data_dir / "records")
            answers = ChunkedAnswerStore(data_dir / "answers", chunk_size=config["ANSWER_CHUNK_SIZE"])
        svc = cls(
            data_dir=data_dir,
            library=Library({}, []),
            records=records,
            answers=answers,
            campaigns=Campaigns(records),
            questionnaires_dir=str(config["QUESTIONNAIRES_DIR"]),
            shared=bool(config.get("DATABASE_URL")),
            shared_folders_every=float(config["SHARED_FOLDERS_LOOK_SECONDS"]),
        )
        if database is not None:
            svc.photos = database.photos  # type: ignore[assignment]  # same methods, rows not files
            database.photos.take_in(data_dir / "photos")  # files from before, or from survey data copy
            svc.media = database.media  # type: ignore[assignment]  # same methods, rows not files
            database.media.take_in(data_dir / "media")
        svc.reload_library()
        return svc

    @property
    def questionnaire_folders(self) -> tuple[Path, Path]:
        """Shipped questionnaires, then those edited in the browser (which win): on a shared
        instance, this host's copy of those the database holds (``questionnaire_files.py``)."""
        edited = SHARED_QUESTIONNAIRES if self.shared else EDITED_QUESTIONNAIRES
        return Path(self.questionnaires_dir), self.data_dir / edited

    def library_folders(self) -> tuple[Path, ...]:
        """The folders the library is read from, the later winning: on a shared instance, the
        files left in ``questionnaires/`` from before are read under the database's copy."""
        shipped, edited = self.questionnaire_folders
        return (shipped, self.data_dir / EDITED_QUESTIONNAIRES, edited) if self.shared else (shipped, edited)

    def folders_stamp(self) -> tuple:
        """Changes whenever a questionnaire file is added, replaced or removed: every
        write renames a new file into place, which touches its folder."""
        stamp: list[int | None] = []
        for folder in self.library_folders():
            try:
                stamp.append(folder.stat().st_mtime_ns)
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    def library_version(self) -> tuple:
        """The folders' stamp, and on a shared instance the version of the edited questionnaires
        in the database: a questionnaire edited through another server changes it."""
        if not self.shared:
            return self.folders_stamp()
        from .questionnaire_files import COLLECTION

        return self.shared_folders_stamp() + (self.records.stamp(COLLECTION),)

    def shared_folders_stamp(self, again: bool = False) -> tuple:
        """On a shared instance, the folders change only by hand on this host (every edit in
        the app goes through the database, whose version is read at each request): their stamp
        is read again at most every ``shared_folders_every`` seconds, or when ``again``."""
        now = monotonic()
        seen = self.shared_folders_seen
        if again or seen is None or now - self.shared_folders_read_at >= self.shared_folders_every:
            seen = self.shared_folders_seen = self.folders_stamp()
            self.shared_folders_read_at = now
        return seen

    def reload_library(self) -> None:
        """After a questionnaire file changed: new library, no stale form class."""
        if self.shared:
            from .questionnaire_files import COLLECTION, copy_from_database

            version = self.records.stamp(COLLECTION)  # before copying: a write meanwhile is seen next time
            copy_from_database(self)
            self.library_stamp = self.shared_folders_stamp(again=True) + (version,)
        else:
            self.library_stamp = self.folders_stamp()  # before reading: a write meanwhile is seen next time
        self.library = load_library(*self.library_folders())
        self.form_classes.clear()

    def request_begins(self, provisional: bool = False) -> None:
        """Before each request: one look at the stored versions (``RecordCollections.begin_look``;
        ``provisional`` for a respondent's posted answer), then the questionnaires another
        process wrote are taken in."""
        self.records.begin_look(provisional)
        self.refresh_library()

    def confirm_look(self) -> None:
        """Before a provisional request's page leaves: ``StaleLook`` if what it read changed."""
        self.records.confirm_look()

    def request_ended(self, _error: BaseException | None = None) -> None:
        self.records.end_look()

    def refresh_library(self) -> None:
        """Take in what another process wrote (the CLI, a second worker, another server):
        two stat calls, and one indexed query on a shared instance."""
        if self.library_version() != self.library_stamp:
            self.reload_library()

    def save_answer(self, questionnaire: Questionnaire, answer: dict) -> bool:
        """Store an answer durably (True if new), keeping its questionnaire version's definition."""
        from .snapshots import remember_version

        remember_version(self, questionnaire)
        answer["session"] = self.known_session(answer["campaign"], answer.get("session"))
        answer["poster"] = poster_code(answer.get("poster"))
        held = self.records.held_look()
        stored = self.answers.add(answer, held)
        if held is not None:
            self.records.look_held()
        return stored

    def known_session(self, campaign_id: str, session_id: Any) -> str | None:
        """A field session of this campaign, or None: whatever a link or a tablet sends, a
        stranger cannot add answers to the counts of a session (nor store 100 KB of id)."""
        if not isinstance(session_id, str) or not POSTER_CODE.fullmatch(session_id):
            return None
        return session_id if self.session_campaigns().get(session_id) == campaign_id else None

    def session_campaigns(self) -> dict[str, str]:
        """Field session id → its campaign, read again only when the sessions file changed
        (every write renames a new file into place): parsing every session on every answer
        cost 0.7 ms at 300 sessions, 2.5 ms at 1 000."""
        stamp = self.sessions.stamp()
        if stamp is None:
            return {}
        if stamp != self.sessions_stamp:
            self.sessions_index = self.sessions.campaign_of_each()
            self.sessions_stamp = stamp  # after reading: a write meanwhile is read next time
        return self.sessions_index

    def questionnaire_for(self, campaign: Campaign) -> Questionnaire | None:
        return self.library.get(campaign.questionnaire)


def poster_code(value: Any) -> str | None:
    """The printed code an answer came from (``A-q1``, ``P-campagne-v2``…), or None."""
    return value if isinstance(value, str) and POSTER_CODE.fullmatch(value) else None
