"""Open data: a campaign's answers as a Frictionless data package.

A folder (or a zip, from the web) holding ``reponses.csv`` and ``datapackage.json``, whose
table schema says what each column is: its type, its allowed codes (a closed question's
choices, with their labels in the description), the question it comes from. Software reads it
without guessing (``frictionless validate``, CKAN, data.gouv.fr).

Privacy first (RGPD): by default the package holds no personal field — no first name, no
collector, and a free-text answer only when its author agreed to its reuse
(``model.consent.may_quote``); hidden answers are left out as in every export. A coordinator
includes the rest only by saying so (``ExportOptions.personal``), and the description says
which it is.

The CSV is plain for software: UTF-8 without BOM, comma, codes rather than labels, no
spreadsheet-formula guard (it would change the data); numbers typed as words on paper are left
empty in a number column rather than break its type.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from ..model.campaign import CHANNELS
from ..model.consent import may_quote
from .columns import DATE_COLUMNS, FLAG_COLUMNS, MEDIA_COLUMN_SUFFIX, TRANSCRIPTION_COLUMN_SUFFIX, Column, Plan

if TYPE_CHECKING:
    from . import Export

DATA_FILE = "reponses.csv"
DESCRIPTOR = "datapackage.json"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
# Columns that name or point to a person: out of the package unless asked for.
PERSONAL_COLUMNS = ("person_first_name", "collector")
LICENSE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
ROWS_PER_CHUNK = 500
ZIP_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Shape:
    """Which columns the package keeps, and which cells need their author's reuse consent."""

    kept: list[int]  # indexes into the plan's columns
    consented: frozenset[int]  # of those, free-text cells kept only when ``may_quote``
    numbers: frozenset[int]  # number columns: a cell that is not a number is left empty


def shape_of(plan: Plan, personal: bool) -> Shape:
    open_keys = {q.id for q in plan.questions if q.is_open} | {f"{q.id}__autre" for q in plan.questions if q.other}
    # A transcription is a person's words too; a recording's or a drawing's file is not in the package.
    open_keys |= {c.key for c in plan.columns if c.key.endswith(TRANSCRIPTION_COLUMN_SUFFIX)}
    kept, consented, numbers = [], set(), set()
    for index, column in enumerate(plan.columns):
        if column.key.endswith(MEDIA_COLUMN_SUFFIX):
            continue
        if not personal and column.key in PERSONAL_COLUMNS:
            continue
        kept.append(index)
        if not personal and column.key in open_keys:
            consented.add(index)
        if column.kind == "number":
            numbers.add(index)
    return Shape(kept, frozenset(consented), frozenset(numbers))


def rows(plan: Plan, shape: Shape, answers: Iterable[dict]) -> Iterator[list]:
    for answer in answers:
        cells = plan.row(answer)
        quotable = may_quote(answer)
        out = []
        for index in shape.kept:
            value = cells[index]
            if index in shape.consented and not quotable:
                value = None
            elif index in shape.numbers and not (value is None or isinstance(value, (int, float))):
                value = None
            out.append(value)
        yield out


def csv_chunks(plan: Plan, shape: Shape, answers: Iterable[dict]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([plan.columns[i].key for i in shape.kept])
    pending = 0
    for row in rows(plan, shape, answers):
        writer.writerow(row)
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def descriptor(export: Export, labelled: Plan, shape: Shape, personal: bool) -> dict:
    """``datapackage.json``: the package, its licence and the table schema of the CSV."""
    plan, campaign = export.plan, export.campaign
    fields = [_field(plan, plan.columns[i], labelled.columns[i]) for i in shape.kept]
    period = " – ".join(d for d in (campaign.starts_on, campaign.ends_on) if d)
    privacy = (
        "Contient des données personnelles (prénoms, réponses libres sans accord de réutilisation) : à ne pas publier."
        if personal
        else "Sans données personnelles : ni prénom, ni personne qui a recueilli la réponse ; une réponse "
        "libre n'y figure que si la personne a accepté qu'elle soit réutilisée ; les réponses masquées "
        "sont retirées."
    )
    return {
        "name": _package_name(campaign.id),
        "title": campaign.title,
        "description": " ".join(
            part
            for part in (
                f"Réponses au questionnaire « {plan.questionnaire.title} »",
                f"({campaign.place})." if campaign.place else ".",
                f"Période : {period}." if period else "",
                privacy,
            )
            if part
        ).replace(" .", "."),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENSE],
        "keywords": ["porteur de parole", "parole des habitants", "quartiers prioritaires"],
        "resources": [
            {
                "name": "reponses",
                "title": f"Réponses – {campaign.title}",
                "path": DATA_FILE,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
            }
        ],
    }


def _package_name(identifier: str) -> str:
    """A package name is lowercase letters, digits and ``-_.``: campaign ids already are."""
    return "".join(ch for ch in identifier.lower() if ch.isalnum() or ch in "-_.") or "campagne"


def _field(plan: Plan, column: Column, labelled: Column) -> dict:
    """One column of the table schema: its code, its French title, its type and codes."""
    field: dict = {"name": column.key, "title": labelled.header}
    question = _question_of(plan, column.key)
    if column.key in DATE_COLUMNS:
        field.update(type="datetime", format=DATE_FORMAT)
    elif column.key == "channel":
        field.update(type="string", constraints={"enum": list(CHANNELS)})
        field["description"] = "; ".join(f"{code} = {label}" for code, label in CHANNELS.items())
    elif column.key in FLAG_COLUMNS or column.key == "version":
        field.update(type="integer")
        if column.key in FLAG_COLUMNS:
            field["constraints"] = {"enum": [0, 1]}
            field["description"] = "1 = oui, 0 = non" + (", vide = non demandé" if "consent" in column.key else "")
    elif question is not None and "/" in column.key:  # one choice of a multiple choice, 0/1
        field.update(type="integer", constraints={"enum": [0, 1]}, description="1 = coché, 0 = non coché")
    elif question is not None and column.key == question.id and question.closed and not question.is_multiple:
        codes = [c.value for c in question.options]
        if question.is_scale:
            field.update(type="integer", constraints={"enum": [int(c) for c in codes]})
        else:
            field.update(type="string", constraints={"enum": codes})
        field["description"] = "; ".join(f"{c.value} = {c.label}" for c in question.options)
    elif question is not None and column.key == question.id and question.is_multiple:
        field.update(type="string")
        field["description"] = "Codes choisis, séparés par « | » : " + "; ".join(
            f"{c.value} = {c.label}" for c in question.options
        )
    elif column.kind == "number":
        field.update(type="number")
    else:
        field.update(type="string")
    if question is not None:
        field["description"] = " — ".join(p for p in (f"Question : {question.label}", field.get("description")) if p)
    return field


def _question_of(plan: Plan, key: str):
    base = key.split("/", 1)[0].removesuffix("__autre")
    return next((q for q in plan.questions if q.id == base), None)


def write_folder(export: Export, folder: Path, source: Iterable[dict] | None = None) -> int:
    """The package in ``folder`` (made if needed); its two files are written beside it and
    renamed into place, so a failed export never leaves half a package. How many answers."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".paquet-", dir=folder))
    try:
        for name, chunks in _files(export, source):
            with open(staging / name, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        for name in (DATA_FILE, DESCRIPTOR):  # the data first: a descriptor never names a missing file
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return export.exported


def zip_chunks(export: Export, source: Iterable[dict] | None = None) -> Iterator[bytes]:
    """The package as a zip, streamed: the CSV is compressed as it is written."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, chunks in _files(export, source):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
                    if sink.size() >= ZIP_CHUNK:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


def _files(export: Export, source: Iterable[dict] | None) -> Iterator[tuple[str, Iterable[bytes]]]:
    personal = export.options.personal
    labelled = export.labelled_plan()
    shape = shape_of(export.plan, personal)
    yield DATA_FILE, csv_chunks(export.plan, shape, export.answers(source))
    text = json.dumps(descriptor(export, labelled, shape, personal), ensure_ascii=False, indent=2) + "\n"
    yield DESCRIPTOR, [text.encode("utf-8")]


class _Sink(io.RawIOBase):
    """Where ``zipfile`` writes: bytes kept until taken (not seekable, so zipfile streams)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self._size += len(data)
        return len(data)

    def size(self) -> int:
        return self._size

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts, self._size = [], 0
        return out
