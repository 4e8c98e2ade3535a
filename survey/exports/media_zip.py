"""An export with its media (issue 16 §2): one zip holding the CSV or XLSX and, in ``medias/``,
every recording and drawing of the answers exported; each answer's row names its files in the
column ``<question>__fichier`` (``columns.py``), so a partner finds the file of a row.

The data file is written first to a temporary file (an XLSX needs to seek), then each medium is
copied as it is (stored, not compressed: audio and images are compressed already).
"""

from __future__ import annotations

import tempfile
import zipfile
from typing import BinaryIO, Iterable, Iterator

from ..model.media import media_of
from . import Export, ExportError
from .columns import MEDIA_FOLDER

# Formats a zip with media can carry: a table that names each file.
ZIP_FORMATS = ("csv", "xlsx")
ZIP_MIMETYPE = "application/zip"


def media_filename(job: Export) -> str:
    """``<campaign>-<date>-avec-medias.zip``."""
    return job.filename().rsplit(".", 1)[0] + "-avec-medias.zip"


def write_with_media(job: Export, target: BinaryIO, source: Iterable[dict] | None = None) -> int:
    """Write the zip to ``target`` (any binary file); returns how many media it holds."""
    if job.options.format not in ZIP_FORMATS:
        raise ExportError("Les enregistrements et les dessins s'exportent avec un fichier CSV ou XLSX.")
    entries: list[tuple[str, str]] = []  # (campaign, file) of the answers exported

    def noting(answers: Iterable[dict]) -> Iterator[dict]:
        for answer in answers:
            entries.extend((job.campaign.id, entry["file"]) for entry in media_of(answer))
            yield answer

    data_name = job.filename()
    if source is None:
        source = job.services.answers.iter_answers(job.campaign.id)
    kept = 0
    with tempfile.TemporaryFile() as table, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        # The job's own filters decide which answers are exported; their media are noted as they pass.
        job.write(table, noting(job.options.filters.apply(source, job.place_of)))
        table.seek(0)
        with archive.open(data_name, "w") as member:
            while chunk := table.read(1 << 20):
                member.write(chunk)
        for campaign_id, name in entries:
            data = job.services.media.read(campaign_id, name)
            if data is None:  # deleted meanwhile: the row names it, the zip cannot hold it
                continue
            archive.writestr(zipfile.ZipInfo(f"{MEDIA_FOLDER}/{name}"), data, compress_type=zipfile.ZIP_STORED)
            kept += 1
    return kept
