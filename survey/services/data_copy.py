"""Move a whole data folder from one storage to another (issue 15 §4): `survey data copy`.

A laptop's folder goes to the shared instance's PostgreSQL (or back, or folder to folder)
through the two storage interfaces only, so it works between any two storages:

- every record collection (``RecordCollections.names``), record by record: one already at the
  target as it is counts as copied before; one whose ``id`` is taken there by other content is
  refused and listed, never overwritten;
- every campaign's answers, streamed oldest first and written with ``AnswerStore.add``: copying
  twice stores once, an interrupted copy is finished by running it again, and an answer the
  target holds with other content is refused and listed. An answer corrected since it was
  received keeps the fingerprint of what was sent (what a tablet resending it is compared
  with): its first version is added, then changed into the corrected one;
- the files the stores do not hold yet: ``photos/`` and ``questionnaires/`` (edited in the
  browser). A database holds those of a shared instance itself (the ``photos`` table, the
  ``edited_questionnaires`` collection): they count as its files, so a copy to a folder writes
  them where a laptop reads them. The secret key and ``tls/`` are not copied: they belong to
  their machine (a new key only signs everybody out; a certificate names its host).
- the recordings and drawings of answers (``Services.media``), with the answer naming them,
  each checked again from its bytes (``media_transfer.py``).

Then both sides are read again and compared: per campaign, per collection and for the files,
the count and an order-independent digest (the sum of one hash per item, so two stores that
return the same answers in another order agree). The digest of an answer covers its fingerprint
and every other field (tags, hidden, corrections). A target that already holds data the source
does not is refused unless merging (``merge``): a copy interrupted earlier is not « other data ».
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..config import DEFAULTS
from ..model.errors import SurveyError
from ..model.media import media_of
from ..storage import AnswerConflict, AnswerStore, RecordCollections
from ..storage.answers import fingerprint
from ..storage.atomic import atomic_write_bytes
from . import EDITED_QUESTIONNAIRES, Services
from .charts import count_text
from .media import MediaRefused
from .media_transfer import STORED, described, media_items, receive_medium
from .questionnaire_files import COLLECTION as EDITED_COLLECTION

DATABASE_SCHEMES = ("postgresql://", "postgres://")
# The folders of files copied (under the data folder); what is left out is said in the report.
FILE_FOLDERS = ("photos", EDITED_QUESTIONNAIRES)
NOT_COPIED = "la clé secrète (secret_key) et le certificat HTTPS (tls/) restent propres à chaque machine"
LISTED = 50  # refusals and differences listed one by one; the rest are counted


class DataCopyError(SurveyError):
    """A copy that cannot start (same place twice, a missing folder, a target with other data)."""


def is_database(location: str) -> bool:
    return location.startswith(DATABASE_SCHEMES)


@dataclass
class DataSide:
    """One end of a copy: its two stores and the data folder holding its files (None: its
    files are not copied, e.g. both ends share one folder)."""

    label: str
    answers: AnswerStore
    records: RecordCollections
    files: Path | None
    # A database's own files (``database_files``); None for a folder.
    held_files: Callable[[], dict[str, Callable[[], bytes]]] | None = None
    # The recordings and drawings of answers (``Services.media``): copied with the answer naming them.
    media: Any = None

    @classmethod
    def of(cls, svc: Services, label: str) -> "DataSide":
        held = partial(database_files, svc) if svc.shared else None
        return cls(label, svc.answers, svc.records, svc.data_dir, held, svc.media)


def _plain(part: Any) -> bool:
    """A name that stays one folder or file of the data folder (never ``..`` nor hidden)."""
    return isinstance(part, str) and part != "" and "/" not in part and "\\" not in part and not part.startswith(".")


def database_files(svc: Services) -> dict[str, Callable[[], bytes]]:
    """What a shared instance's database holds that a folder keeps as files, by the path the
    folder keeps it at: the board photos and the questionnaires edited in the browser."""
    found: dict[str, Callable[[], bytes]] = {}
    for campaign, session, name in svc.photos.names():  # type: ignore[attr-defined]  # the database's store
        if _plain(campaign) and _plain(session) and _plain(name):
            found[f"photos/{campaign}/{session}/{name}"] = partial(_photo, svc, campaign, session, name)
    for record in svc.records.all(EDITED_COLLECTION):
        if _plain(record.get("id")) and isinstance(record.get("yaml"), str):
            found[f"{EDITED_QUESTIONNAIRES}/{record['id']}.yaml"] = partial(str.encode, record["yaml"], "utf-8")
    return found


def _photo(svc: Services, campaign: str, session: str, name: str) -> bytes:
    return svc.photos.read(campaign, session, name) or b""


@contextmanager
def opened(location: str, data_dir: str | Path, pool_size: int = 2) -> Iterator[DataSide]:
    """A folder or a ``postgresql://`` URL opened through ``Services.open`` (for a URL, its
    files are those of ``data_dir``); the database's connections are closed at the end."""
    database = is_database(location)
    folder = Path(data_dir if database else location)
    config = {
        **DEFAULTS,
        "DATA_DIR": str(folder),
        "DATABASE_URL": location if database else None,
        "DATABASE_POOL_SIZE": pool_size,
    }
    svc = Services.open(config)
    try:
        yield DataSide.of(svc, location)
    finally:
        pool = getattr(svc.answers, "pool", None)  # a database's (storage/postgres): its threads end here
        if pool is not None:
            pool.close()


def check_source(location: str) -> None:
    """A source folder must exist and look like a data folder (opening it would create one)."""
    if is_database(location):
        return
    folder = Path(location)
    if not folder.is_dir():
        raise DataCopyError(f"Le dossier « {location} » n'existe pas.")
    if not any((folder / part).exists() for part in ("answers", "records", *FILE_FOLDERS)):
        raise DataCopyError(f"Le dossier « {location} » ne contient pas de données de l'outil.")


def check_target(location: str) -> None:
    if not is_database(location) and Path(location).exists() and not Path(location).is_dir():
        raise DataCopyError(f"« {location} » est un fichier, pas un dossier.")


def same_place(source: str, target: str) -> bool:
    if is_database(source) or is_database(target):
        return source.strip() == target.strip()
    return Path(source).resolve() == Path(target).resolve()


# -- hashing ---------------------------------------------------------------------------------


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def item_hash(value: Any) -> int:
    return int.from_bytes(hashlib.blake2b(canonical(value).encode("utf-8"), digest_size=16).digest(), "big")


@dataclass(frozen=True)
class Tally:
    """How many items and the sum of their hashes (mod 2¹²⁸): the same whatever the order."""

    count: int
    digest: str

    def __str__(self) -> str:
        return f"{count_text(self.count)} (empreinte {self.digest[:12]})"


def tally(hashes: Iterable[int]) -> Tally:
    count, total = 0, 0
    for h in hashes:
        count += 1
        total = (total + h) % (1 << 128)
    return Tally(count, f"{total:032x}")


def kept_form(answer: dict) -> dict:
    """The answer as a store keeps it: with the fingerprint ``add`` gives it (old answers may lack it)."""
    return answer if answer.get("fingerprint") else dict(answer, fingerprint=fingerprint(answer))


def answer_hash(answer: dict) -> int:
    return item_hash(kept_form(answer))


class Unrestorable(Exception):
    """A corrected answer whose first version cannot be rebuilt from its corrections."""


def first_version(answer: dict) -> dict | None:
    """What was first stored, when a correction changed what the fingerprint covers (None:
    the answer can be added as it is). Rebuilt from the first correction's ``answers_before``
    (services/corrections.py) and accepted only if its fingerprint is the kept one."""
    kept = answer.get("fingerprint")
    if not kept or kept == fingerprint(answer):
        return None
    corrections = answer.get("corrections")
    if isinstance(corrections, list) and corrections and isinstance(corrections[0], dict):
        before = corrections[0].get("answers_before")
        if isinstance(before, dict):
            first = {k: v for k, v in answer.items() if k != "corrections"}
            first["answers"] = before
            if fingerprint(first) == kept:
                return first
    raise Unrestorable(answer.get("id"))


def accepted_hashes(answer: dict) -> set[int]:
    """What the target may hold for this answer without it being other data: the answer, or
    its first version (a copy interrupted between adding it and correcting it)."""
    hashes = {answer_hash(answer)}
    try:
        first = first_version(answer)
    except Unrestorable:
        first = None
    if first is not None:
        hashes.add(answer_hash(first))
    return hashes


def file_items(side: DataSide) -> dict[str, Callable[[], bytes]]:
    """The copied files of a side by relative path, each with how to read it: its data folder's
    (lock and temporary files start with a dot), then its database's, which win."""
    found: dict[str, Callable[[], bytes]] = {}
    data_dir = side.files or Path()
    for name in FILE_FOLDERS if side.files is not None else ():
        root = data_dir / name
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(data_dir)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                found[relative.as_posix()] = path.read_bytes
    if side.held_files is not None:
        found.update(side.held_files())
    return found


def file_hash(relative: str, read: Callable[[], bytes]) -> int:
    return item_hash([relative, hashlib.sha256(read()).hexdigest()])


# -- the report ------------------------------------------------------------------------------


@dataclass
class Refusal:
    where: str  # « campagne x, réponse y », « collection y, enregistrement z », « fichier … »
    reason: str

    def __str__(self) -> str:
        return f"{self.where} : {self.reason}"


@dataclass
class CopyReport:
    campaigns: int = 0
    answers_copied: int = 0
    answers_present: int = 0
    records_copied: int = 0
    records_present: int = 0
    media_copied: int = 0
    media_present: int = 0
    files_copied: int = 0
    files_present: int = 0
    files_note: str = ""
    refused: list[Refusal] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.differences

    def lines(self) -> list[str]:
        """The report in French, for the command line."""
        answers = f"{plural(self.answers_copied, 'réponse copiée', 'réponses copiées')}"
        refused = plural(len(self.refused), "refusée", "refusées")
        lines = [
            f"{plural(self.campaigns, 'campagne', 'campagnes')}, {answers}, {refused}"
            f" ; vérifié : {'identiques' if not self.differences else 'DIFFÉRENCES'}.",
            f"Déjà présents à l'arrivée : {plural(self.answers_present, 'réponse', 'réponses')}, "
            f"{plural(self.records_present, 'enregistrement', 'enregistrements')}, "
            f"{plural(self.files_present, 'fichier', 'fichiers')}, "
            f"{plural(self.media_present, 'enregistrement ou dessin', 'enregistrements ou dessins')}.",
            f"Copiés aussi : {plural(self.records_copied, 'enregistrement', 'enregistrements')} "
            f"(campagnes, sessions, comptes, journal…), {plural(self.files_copied, 'fichier', 'fichiers')} "
            f"({self.files_note or 'photos et questionnaires modifiés dans le navigateur'}), "
            f"{plural(self.media_copied, 'enregistrement ou dessin', 'enregistrements ou dessins')} des réponses.",
            f"Non copiés : {NOT_COPIED}.",
        ]
        lines += listed("Refusé", [str(r) for r in self.refused])
        lines += listed("Différence", self.differences)
        return lines


def plural(n: int, one: str, many: str) -> str:
    return f"{count_text(n)} {one if n <= 1 else many}"


def listed(label: str, items: list[str]) -> list[str]:
    lines = [f"{label} — {item}" for item in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(f"{label} — et {count_text(len(items) - LISTED)} de plus.")
    return lines


# -- the copy --------------------------------------------------------------------------------


def copy_data(source: DataSide, target: DataSide, merge: bool = False) -> CopyReport:
    """Copy everything of ``source`` to ``target``, then verify both sides (``CopyReport.ok``).

    Without ``merge``, a target holding anything the source does not is refused before
    anything is written (``DataCopyError``)."""
    report = CopyReport()
    folders = file_folders(source, target)
    files = folders is not None
    if folders is None:
        report.files_note = "aucun : les deux côtés partagent le même dossier de fichiers"
    if not merge:
        foreign = other_data(source, target, files)
        if foreign:
            shown = " ; ".join(foreign[:5]) + (" ; …" if len(foreign) > 5 else "")
            raise DataCopyError(
                f"La destination contient déjà d'autres données ({shown}). Rien n'a été copié. "
                "Pour les garder et y ajouter celles-ci : --fusionner."
            )
    for name in source.records.names():
        copy_collection(source, target, name, report)
    campaigns = source.answers.campaigns()
    report.campaigns = len(campaigns)
    for campaign_id in campaigns:
        copy_campaign(source, target, campaign_id, report)
    if folders is not None:
        copy_files(source, target, folders[1], report)
    report.differences = verify(source, target, merge, files)
    return report


def file_folders(source: DataSide, target: DataSide) -> tuple[Path, Path] | None:
    """The two folders whose files are copied; None when a side has none or two folders share
    one (a database beside its folder still has files of its own to give or compare)."""
    if source.files is None or target.files is None:
        return None
    shared = source.held_files is not None or target.held_files is not None
    if source.files.resolve() == target.files.resolve() and not shared:
        return None
    return source.files, target.files


def other_data(source: DataSide, target: DataSide, files: bool) -> list[str]:
    """What the target holds that the source does not (an interrupted copy of this source holds none)."""
    found: list[str] = []
    source_campaigns = set(source.answers.campaigns())
    for campaign_id in target.answers.campaigns():
        held = {a["id"]: answer_hash(a) for a in target.answers.iter_answers(campaign_id)}
        if held and campaign_id in source_campaigns:
            for answer in source.answers.iter_answers(campaign_id):
                if held.get(answer["id"]) in accepted_hashes(answer):
                    del held[answer["id"]]
        if held:
            found.append(f"campagne {campaign_id} : {plural(len(held), 'réponse', 'réponses')}")
    for name in target.records.names():
        extra = Counter(canonical(r) for r in target.records.all(name))
        extra.subtract(Counter(canonical(r) for r in source.records.all(name)))
        if (n := sum(v for v in extra.values() if v > 0)) > 0:
            found.append(f"collection {name} : {plural(n, 'enregistrement', 'enregistrements')}")
    if files:
        mine = {rel: file_hash(rel, read) for rel, read in file_items(source).items()}
        extra_files = [rel for rel, read in file_items(target).items() if mine.get(rel) != file_hash(rel, read)]
        if extra_files:
            found.append(f"{plural(len(extra_files), 'fichier', 'fichiers')} ({extra_files[0]}…)")
    return found


def copy_collection(source: DataSide, target: DataSide, name: str, report: CopyReport) -> None:
    """Each record not already at the target as it is: ``add`` when it has an id (refused if
    the id is taken by other content), ``append`` when it has none (the journal's order kept)."""
    present = Counter(canonical(r) for r in target.records.all(name))
    taken = {r["id"] for r in target.records.all(name) if isinstance(r.get("id"), str)}
    for record in source.records.all(name):
        text = canonical(record)
        if present[text] > 0:
            present[text] -= 1
            report.records_present += 1
            continue
        key = record.get("id")
        where = f"collection {name}, enregistrement {key}"
        try:
            if isinstance(key, str):
                if key in taken or not target.records.add(name, record):
                    report.refused.append(Refusal(where, "déjà présent à l'arrivée avec un autre contenu"))
                    continue
                taken.add(key)
            else:
                target.records.append(name, record)
        except SurveyError as error:  # a value the target cannot hold (storage/postgres/values.py)
            report.refused.append(Refusal(where, error.message))
            continue
        report.records_copied += 1


def copy_campaign(source: DataSide, target: DataSide, campaign_id: str, report: CopyReport) -> None:
    """The campaign's answers, oldest first; those already at the target as they are are skipped."""
    held = {a["id"]: answer_hash(a) for a in target.answers.iter_answers(campaign_id)}
    for answer in source.answers.iter_answers(campaign_id):
        before = len(report.refused)
        copy_answer(target.answers, answer, held.get(answer["id"]), report)
        if len(report.refused) == before:  # the target holds this answer: its media go with it
            copy_media(source, target, answer, report)


def copy_media(source: DataSide, target: DataSide, answer: dict, report: CopyReport) -> None:
    """The recordings and drawings the answer names, each checked again from its bytes and
    stored once (``media_transfer.receive_medium``); one missing or refused is listed."""
    if source.media is None or target.media is None:
        return
    campaign_id = answer["campaign"]
    for entry in media_of(answer):
        name = entry["file"]
        where = f"campagne {campaign_id}, {described(answer, name)}"
        data = source.media.read(campaign_id, name)
        if data is None:
            report.refused.append(Refusal(where, "fichier introuvable au départ"))
            continue
        try:
            outcome = receive_medium(target.media, campaign_id, answer, name, data)
        except MediaRefused as refusal:
            report.refused.append(Refusal(where, refusal.message))
            continue
        if outcome == STORED:
            report.media_copied += 1
        else:
            report.media_present += 1


def copy_answer(target: AnswerStore, answer: dict, held: int | None, report: CopyReport) -> None:
    """``held``: the hash of what the target holds under this id (None: nothing)."""
    where = f"campagne {answer['campaign']}, réponse {answer['id']}"
    if held == answer_hash(answer):
        report.answers_present += 1
        return
    try:
        first = first_version(answer)
    except Unrestorable:
        report.refused.append(Refusal(where, "corrigée, et sa première version (son empreinte) est introuvable"))
        return
    if held is not None and (first is None or held != answer_hash(first)):
        report.refused.append(Refusal(where, "déjà présente à l'arrivée avec un autre contenu"))
        return
    try:
        target.add(first or answer)
        if first is not None:  # the correction, over the first version: the kept fingerprint stays
            corrected = copy.deepcopy(answer)
            target.change(answer["campaign"], answer["id"], lambda _stored: corrected)
    except AnswerConflict:
        report.refused.append(Refusal(where, "déjà présente à l'arrivée avec un autre contenu"))
        return
    except SurveyError as error:
        report.refused.append(Refusal(where, error.message))
        return
    report.answers_copied += 1


def copy_files(source: DataSide, target: DataSide, folder: Path, report: CopyReport) -> None:
    """Each file of ``source`` (its folder's and its database's) that ``target`` lacks, into its
    ``folder``: on a shared instance, its database takes the photos in at the next start
    (``Services.open``)."""
    held = file_items(target)
    for relative, read in file_items(source).items():
        data = read()
        there = folder / relative
        if relative in held:
            if held[relative]() == data:
                report.files_present += 1
            else:
                report.refused.append(Refusal(f"fichier {relative}", "déjà présent à l'arrivée avec un autre contenu"))
            continue
        there.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(there, data)
        report.files_copied += 1


# -- the verification ------------------------------------------------------------------------


def media_differences(source: DataSide, target: DataSide, campaign_id: str) -> list[str]:
    """The media the source's answers name, read on both sides: count and digest."""
    answers = list(source.answers.iter_answers(campaign_id)) if source.media is not None else []
    if not any(media_of(a) for a in answers):
        return []
    here = tally(item_hash(i) for i in media_items(source.media, campaign_id, answers))
    there = tally(item_hash(i) for i in media_items(target.media, campaign_id, answers))
    if here == there:
        return []
    return [f"campagne {campaign_id} : au départ {here}, à l'arrivée {there} enregistrements et dessins"]


def verify(source: DataSide, target: DataSide, merge: bool, files: bool) -> list[str]:
    """Both sides read again: per campaign, per collection and for the files, count and digest.
    When merging, the target is compared on the items the source has (its others stay)."""
    differences: list[str] = []
    campaigns = set(source.answers.campaigns()) | (set() if merge else set(target.answers.campaigns()))
    for campaign_id in sorted(campaigns):
        mine = {a["id"]: answer_hash(a) for a in source.answers.iter_answers(campaign_id)}
        theirs = (
            (h for a in target.answers.iter_answers(campaign_id) if (h := answer_hash(a)) == mine.get(a["id"]))
            if merge
            else (answer_hash(a) for a in target.answers.iter_answers(campaign_id))
        )
        here, there = tally(mine.values()), tally(theirs)
        if here != there:
            differences.append(f"campagne {campaign_id} : au départ {here}, à l'arrivée {there} réponses")
        elif not merge and (kept := (source.answers.count(campaign_id), target.answers.count(campaign_id))) != (
            here.count,
            there.count,
        ):
            differences.append(
                f"campagne {campaign_id} : nombres gardés {kept[0]} au départ, {kept[1]} à l'arrivée, "
                f"pour {here.count} réponses lues"
            )
        if source.media is not None and target.media is not None:
            differences += media_differences(source, target, campaign_id)
    names = set(source.records.names()) | (set() if merge else set(target.records.names()))
    for name in sorted(names):
        mine_records = Counter(canonical(r) for r in source.records.all(name))
        theirs_records = Counter(canonical(r) for r in target.records.all(name))
        if merge:
            theirs_records &= mine_records
        here = tally(item_hash(text) for text in mine_records.elements())
        there = tally(item_hash(text) for text in theirs_records.elements())
        if here != there:
            differences.append(f"collection {name} : au départ {here}, à l'arrivée {there} enregistrements")
    if files:
        mine_files = {rel: file_hash(rel, read) for rel, read in file_items(source).items()}
        theirs_files = {rel: file_hash(rel, read) for rel, read in file_items(target).items()}
        if merge:
            theirs_files = {rel: h for rel, h in theirs_files.items() if mine_files.get(rel) == h}
        here, there = tally(mine_files.values()), tally(theirs_files.values())
        if here != there:
            differences.append(f"fichiers : au départ {here}, à l'arrivée {there}")
    return differences
