"""A small known dataset for the export tests: its own questionnaire (two versions),
one campaign and fixed answers, so that files can be compared byte for byte."""

from __future__ import annotations

from pathlib import Path

from survey import create_app
from survey.model.campaign import Campaign
from tests.factories import make_answer

CAMPAIGN = "essai"
QUESTIONNAIRE = "sondage-essai"

V1 = """\
id: sondage-essai
title: "Sondage d'essai"
version: 1
questions:
  - id: avis
    type: short_text
    label: "Votre avis"
  - id: transport
    type: single_choice
    label: "Comment venez-vous ?"
    choices:
      - {value: bus, label: "En bus"}
      - {value: pied, label: "À pied"}
    other: true
  - id: usages
    type: multiple_choice
    label: "Usages"
    choices:
      - {value: mails, label: "Mails"}
      - {value: demarches, label: "Démarches"}
    other: true
  - id: internet
    type: yes_no
    label: "Internet ?"
  - id: aisance
    type: scale
    label: "Aisance"
  - id: age
    type: number
    label: "Âge"
"""

# Version 2: « internet » removed, « quartier » added after « transport », a choice added.
V2 = """\
id: sondage-essai
title: "Sondage d'essai"
version: 2
questions:
  - id: avis
    type: short_text
    label: "Votre avis"
  - id: transport
    type: single_choice
    label: "Comment venez-vous ?"
    choices:
      - {value: bus, label: "En bus"}
      - {value: pied, label: "À pied"}
      - {value: velo, label: "À vélo"}
    other: true
  - id: quartier
    type: short_text
    label: "Votre quartier"
  - id: usages
    type: multiple_choice
    label: "Usages"
    choices:
      - {value: mails, label: "Mails"}
      - {value: demarches, label: "Démarches"}
    other: true
  - id: aisance
    type: scale
    label: "Aisance"
  - id: age
    type: number
    label: "Âge"
"""


def answer(answer_id: str, submitted_at: str, **overrides) -> dict:
    return make_answer(
        CAMPAIGN, QUESTIONNAIRE, id=answer_id, started_at=submitted_at, submitted_at=submitted_at, **overrides
    )


# Two visible answers and a hidden one; times chosen across the winter/summer time change.
ANSWERS = [
    answer(
        "a1",
        "2026-03-01T09:30:00Z",
        channel="tablette",
        collector="Zoé",
        tags=["accès", "coût"],
        answers={
            "avis": "Très bien, merci ; vraiment",
            "transport": "autre",
            "transport__autre": "En trottinette",
            "usages": ["mails", "autre"],
            "usages__autre": "Jeux",
            "internet": "oui",
            "aisance": 4,
            "age": 34,
        },
    ),
    answer(
        "a2",
        "2026-07-14T21:15:00Z",
        answers={"avis": '=HYPERLINK("http://x";"clic")', "transport": "bus", "internet": "non", "age": -3},
        language="en",  # answered in English: exported under the reference's (French) labels all the same
    ),
    answer("a3", "2026-07-14T22:30:00Z", hidden=True, answers={"avis": "indésirable"}),
]

EXPECTED_HEADER = [
    "Votre avis",
    "Comment venez-vous ?",
    "Comment venez-vous ? (autre, précisez)",
    "Usages",
    "Usages/Mails",
    "Usages/Démarches",
    "Usages/Autre",
    "Usages (autre, précisez)",
    "Internet ?",
    "Aisance",
    "Âge",
    "Identifiant de la réponse",
    "Date et heure (heure de Paris)",
    "Date et heure (UTC)",
    "Canal",
    "Lieu",
    "Collecté par",
    "Session",
    "Version du questionnaire",
    "Thèmes",
    "Masquée",
    "Accord : affiché aujourd'hui",
    "Accord : réutilisé dans le compte rendu",
    "Citation possible (sans nom)",
    "Prénom",
    "Tranche d'âge",
    "Quartier",
    "Langue de la réponse",
]
EXPECTED_ROWS = [
    [
        "Très bien, merci ; vraiment",
        "Autre",
        "En trottinette",
        "Mails | Autre",
        "1",
        "0",
        "1",
        "Jeux",
        "Oui",
        "4 – Beaucoup",
        "34",
        "a1",
        "2026-03-01 10:30:00",
        "2026-03-01 09:30:00",
        "Tablette (avec un ou une bénévole)",
        "Tunnel – Centre social",
        "Zoé",
        "",
        "1",
        "accès | coût",
        "non",
        "",
        "",
        "oui",
        "",
        "",
        "",
        "fr",
    ],
    [
        '\'=HYPERLINK("http://x";"clic")',
        "En bus",
        "",
        "",
        "",
        "",
        "",
        "",
        "Non",
        "",
        "-3",
        "a2",
        "2026-07-14 23:15:00",
        "2026-07-14 21:15:00",
        "QR code (la personne répond seule)",
        "Tunnel – Centre social",
        "",
        "",
        "1",
        "",
        "non",
        "",
        "",
        "oui",
        "",
        "",
        "",
        "en",
    ],
]


def write_questionnaire(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{QUESTIONNAIRE}.yaml").write_text(text, encoding="utf-8")


def make_app(tmp_path: Path, text: str = V1, **config):
    """An app whose only questionnaire is ``text``, with the « essai » campaign."""
    folder = tmp_path / "questionnaires"
    write_questionnaire(folder, text)
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "QUESTIONNAIRES_DIR": str(folder),
            **config,
        }
    )
    svc = app.extensions["survey"]
    if svc.campaigns.get(CAMPAIGN) is None:
        svc.campaigns.save(
            Campaign(
                id=CAMPAIGN,
                title="Essai d'export",
                questionnaire=QUESTIONNAIRE,
                quartier="Tunnel",
                structure="Centre social",
            )
        )
    return app


def load_answers(app, answers=ANSWERS) -> None:
    svc = app.extensions["survey"]
    for a in answers:
        svc.answers.add(dict(a))


def export_bytes(app, fmt: str = "csv", **options) -> bytes:
    """The file an export writes, through the same object the web and the CLI use."""
    import io

    from survey.exports import Export, ExportOptions
    from survey.exports.filters import Filters

    filters = options.pop("filters", Filters())
    svc = app.extensions["survey"]
    out = io.BytesIO()
    Export(svc, svc.campaigns.get(CAMPAIGN), ExportOptions(format=fmt, filters=filters, **options)).write(out)
    return out.getvalue()
