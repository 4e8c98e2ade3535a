"""Exports of a campaign's answers: CSV, XLSX and JSON, streamed, from the web and the CLI.

``Export`` gathers what one file needs (the questionnaire versions, the column
plan, the filters) before any byte is written, so that a problem is a French
message, not a broken download.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Iterable, Iterator
from zoneinfo import ZoneInfo

from ..model.campaign import Campaign
from ..model.errors import SurveyError
from ..services.snapshots import known_versions
from .columns import Plan
from .csv_export import csv_chunks
from .filters import DEFAULT_TIMEZONE, Filters
from .json_export import json_chunks

# openpyxl (and numpy behind it) is loaded only when an XLSX is asked for: the
# server that takes answers stays small.
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# format -> (mimetype, what a coordinator reads about it)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "CSV (Excel, LibreOffice, tableurs)"),
    "xlsx": (XLSX_MIMETYPE, "XLSX (classeur Excel, avec la description et les comptes)"),
    "json": ("application/json", "JSON (pour d'autres logiciels)"),
    "datapackage": (
        "application/zip",
        "Données ouvertes (un tableau et sa description, à publier : sans données personnelles)",
    ),
}
# What a downloaded file of each format ends with (a data package travels as a zip).
EXTENSIONS = {"datapackage": "zip"}
SEPARATORS = {";": "point-virgule", ",": "virgule"}


class ExportError(SurveyError, ValueError):
    """Nothing can be exported; the message is for the coordinator, in French."""


@dataclass(frozen=True)
class ExportOptions:
    format: str = "csv"
    separator: str = ";"
    bom: bool = True
    codes: bool = False
    filters: Filters = field(default_factory=Filters)
    # Open data only: first names, collectors and free texts without reuse consent, included
    # because the coordinator said so knowingly (exports/datapackage.py).
    personal: bool = False

    def problems(self) -> list[str]:
        problems = []
        if self.format not in FORMATS:
            problems.append(f"Le format « {self.format} » n'existe pas : choisissez csv, xlsx, json ou datapackage.")
        if self.separator not in SEPARATORS:
            problems.append("Le séparateur doit être « ; » (point-virgule) ou « , » (virgule).")
        return problems + self.filters.problems()


class Export:
    """One export of one campaign, ready to be streamed or written to a file."""

    def __init__(self, services, campaign: Campaign, options: ExportOptions):
        problems = options.problems()
        if problems:
            raise ExportError(" ".join(problems))
        self.services = services
        self.campaign = campaign
        self.options = options
        self.exported = 0  # answers written so far
        self.definitions = known_versions(services, campaign.questionnaire)
        if not self.definitions:
            raise ExportError(
                f"Le questionnaire « {campaign.questionnaire} » de cette campagne est introuvable : "
                "impossible de savoir quelles colonnes écrire."
            )
        self.plan = self._plan(codes=options.codes or options.format == "datapackage")

    def _plan(self, codes: bool) -> Plan:
        return Plan(
            self.definitions,
            place=self.campaign.place,
            sessions=self._sessions(),
            codes=codes,
            for_csv=self.options.format == "csv",
            timezone_name=self.options.filters.timezone,
            voice_on_open_questions=self.campaign.voice_answers,
        )

    def labelled_plan(self) -> Plan:
        """The same columns with their French labels (a data package's titles)."""
        return self._plan(codes=False)

    @property
    def mimetype(self) -> str:
        return FORMATS[self.options.format][0]

    def place_of(self, answer: dict) -> str:
        """Where an answer was collected: its own place, its field session's, or the campaign's."""
        return self.plan.place_of(answer)

    def filename(self, now: datetime | None = None) -> str:
        now = now or datetime.now(ZoneInfo(self.options.filters.timezone or DEFAULT_TIMEZONE))
        extension = EXTENSIONS.get(self.options.format, self.options.format)
        return f"{self.campaign.id}-{now:%Y%m%d-%H%M}.{extension}"

    def answers(self, source: Iterable[dict] | None = None) -> Iterator[dict]:
        """The answers to export, read chunk by chunk from the store unless ``source`` is given."""
        if source is None:
            source = self.services.answers.iter_answers(self.campaign.id)
        for answer in self.options.filters.apply(source, self.place_of):
            self.exported += 1
            yield answer

    def stream(self, source: Iterable[dict] | None = None) -> Iterator[bytes]:
        """The file as byte chunks (for a streamed response or a file)."""
        fmt = self.options.format
        if fmt == "datapackage":  # a zip of the CSV and its description
            from .datapackage import zip_chunks

            return zip_chunks(self, source)
        answers = self.answers(source)
        if fmt == "csv":
            return csv_chunks(self.plan, answers, separator=self.options.separator, bom=self.options.bom)
        if fmt == "json":
            sessions = [
                {"id": key, "label": label, "place": place} for key, (label, place) in self.plan.sessions.items()
            ]
            return json_chunks(self.definitions, answers, campaign=self._campaign_summary(), sessions=sessions)
        from .xlsx_export import xlsx_chunks

        return xlsx_chunks(self.plan, answers)

    def write(self, target: BinaryIO, source: Iterable[dict] | None = None) -> None:
        """Write the whole file to a binary file object (seekable for XLSX)."""
        if self.options.format == "xlsx":
            from .xlsx_export import write_xlsx

            write_xlsx(self.plan, self.answers(source), target)
            return
        for chunk in self.stream(source):
            target.write(chunk)

    def _sessions(self) -> dict[str, tuple[str, str]]:
        """The campaign's field sessions, ``id -> (label, place)``, read once per export."""
        found = self.services.sessions.for_campaign(self.campaign.id)
        return {s.id: (s.label, s.place) for s in found}

    def _campaign_summary(self) -> dict:
        c = self.campaign
        return {
            "id": c.id,
            "title": c.title,
            "questionnaire": c.questionnaire,
            "place": c.place,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
        }
