"""Helpers for the printables tests: a data folder with demo campaigns and answers,
real PDF text (pypdf), real QR decoding (pdftoppm + zbarimg)."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from survey import create_app
from survey.services.demo import load_demo
from tests.factories import make_answer

BASE = "http://imprimerie.test:8000"
MM_PER_PT = 25.4 / 72
needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="pdftoppm and zbarimg are needed (scripts/system-packages.sh)",
)

# Answers of the porteur de parole campaign, for the quote cards.
CONSENTED = "Pour la cantine c'est pratique, mais la CAF en ligne m'a fait pleurer !"
CONSENTED_NAMED = "Il faudrait quelqu'un pour nous montrer, pas une vidéo."
REFUSED = "Cette phrase ne doit jamais être affichée sur le fil."
HIDDEN = "Réponse masquée par la coordination."
WITHDRAWN = "Réponse retirée du mur."
NO_CONSENT_KEY = "Réponse sans accord enregistré."


def make_printing_app(folder: Path, **config):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(folder), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, **config}
    )
    svc = app.extensions["survey"]
    load_demo(svc)
    campaign = "porteur-de-parole-numerique"
    # A scribe's card stores both consents; quote cards need both (survey/model/consent.py).
    rows = [
        ({"simplifie": CONSENTED}, {"consent_display": True, "consent_report": True, "collector": "Mireille"}),
        (
            {"complique": CONSENTED_NAMED},
            {"consent_display": True, "consent_report": True, "first_name": "Karim", "age_band": "30 à 44 ans"},
        ),
        ({"partout": REFUSED}, {"consent_display": False, "first_name": "Josiane"}),
        ({"plaisir": HIDDEN}, {"consent_display": True, "hidden": True}),
        ({"rapport": WITHDRAWN}, {"consent_display": True, "wall_hidden": True}),
        ({"citoyen": NO_CONSENT_KEY}, {}),
    ]
    for answers, extra in rows:
        answer = make_answer(campaign, campaign, answers=answers, channel="porteur-de-parole")
        answer.update(extra)
        svc.answers.add(answer)
    return app


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width) * MM_PER_PT, float(p.mediabox.height) * MM_PER_PT) for p in reader(pdf).pages]


def flat(text: str) -> str:
    """Text as a person reads it: typographic apostrophes and no-break spaces made plain,
    lines joined (a line may break after the hyphen of « demandez-vous »)."""
    text = text.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")
    text = " ".join(text.split())
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    pages = reader(pdf).pages
    chosen = pages if page is None else [pages[page]]
    return flat(" ".join(p.extract_text() for p in chosen))


def decode_qr(pdf: bytes, tmp: Path, page: int = 1, dpi: int = 150) -> list[str]:
    """Every QR code zbarimg finds on one rendered page (as a phone would see the print)."""
    pdf_path = tmp / "page.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf_path),
            str(tmp / "page"),
        ],
        check=True,
        timeout=60,
    )
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", str(tmp / "page.png")], capture_output=True, text=True, timeout=60
    )
    return [line for line in found.stdout.splitlines() if line]


def render_png(pdf: bytes, tmp: Path, dpi: float, name: str, first: int = 1, last: int | None = None) -> list[Path]:
    pdf_path = tmp / f"{name}.pdf"
    pdf_path.write_bytes(pdf)
    args = ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(first)]
    if last:
        args += ["-l", str(last)]
    subprocess.run(args + [str(pdf_path), str(tmp / name)], check=True, timeout=120)
    return sorted(tmp.glob(f"{name}-*.png"))
