"""Demo data: one campaign for each shipped questionnaire, in the places of the
source documents (Tours-Nord and Vierzon, seed 004), and, for the demo server,
a few answers so that results, the wall and exports have something to show."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..model.answer_record import new_answer
from ..model.campaign import Campaign
from ..model.clock import stamp, utc_now
from ..model.demarche import Demarche
from ..model.fieldwork import Session, new_door
from ..model.questionnaire import Library, Questionnaire
from ..model.structure import DEFAULT_ID, DEFAULT_NAME

if TYPE_CHECKING:
    from . import Services

HELP = (
    "Pour être aidé dans vos démarches en ligne : France Services, l'espace public numérique "
    "ou le centre social de votre quartier. L'accueil y est gratuit."
)

# questionnaire id -> (title, quartier, structure, channels)
DEMO = {
    "porteur-de-parole-numerique": (
        "Porteur de parole : le numérique et nous",
        "Europe-Chateaubriand, Tours-Nord",
        "Centre social",
        ["porteur-de-parole", "qr", "post-it", "papier"],
    ),
    "questionnaire-structures": (
        "Questionnaire des structures",
        "Vierzon",
        "Structures partenaires",
        ["qr", "papier", "tablette"],
    ),
    "besoins-numeriques-habitants": (
        "Vos besoins numériques",
        "Quartier du Tunnel, Vierzon",
        "AJCV",
        ["porte-a-porte", "tablette", "qr", "papier"],
    ),
    "ordi-panneau-quotidien": (
        "Ordi-panneau : le numérique au quotidien",
        "Europe-Chateaubriand, Tours-Nord",
        "Médiathèque",
        ["post-it", "qr"],
    ),
    "ordi-panneau-citoyennete": (
        "Ordi-panneau : numérique et citoyenneté",
        "Vierzon",
        "Centre social du Tunnel",
        ["post-it", "qr"],
    ),
    "atelier-education": (
        "Atelier éducation : les jeunes et les réseaux sociaux",
        "",
        "Journée d'échanges",
        ["papier", "tablette", "post-it"],
    ),
    "atelier-insertion": (
        "Atelier insertion : numérique et accès aux droits",
        "",
        "Journée d'échanges",
        ["papier", "tablette", "post-it"],
    ),
    "atelier-citoyennete": (
        "Atelier citoyenneté : participer grâce au numérique",
        "",
        "Journée d'échanges",
        ["papier", "tablette", "post-it"],
    ),
    "fiche-initiative": ("Recensement des initiatives locales", "", "Réseau des structures", ["qr", "papier"]),
}


def demo_campaigns(library: Library) -> list[Campaign]:
    campaigns = []
    for questionnaire_id, (title, quartier, structure, channels) in DEMO.items():
        if library.get(questionnaire_id) is None:
            continue
        campaigns.append(
            Campaign(
                id=questionnaire_id,
                title=title,
                questionnaire=questionnaire_id,
                quartier=quartier,
                structure=structure,
                channels=channels,
                help_text=HELP,
                description="Campagne de démonstration.",
            )
        )
    return campaigns


def load_demo(services: Services, with_answers: bool = False) -> list[Campaign]:
    """Create the demo campaigns that do not exist yet (never overwrites a real one);
    with ``with_answers``, give the new ones a few example answers."""
    created = []
    for campaign in demo_campaigns(services.library):
        if services.campaigns.get(campaign.id) is None:
            services.campaigns.save(campaign)
            created.append(campaign)
    if with_answers:
        _demo_identity(services)
        rng = random.Random(2012)
        for campaign in created:
            filler = DEMO_ANSWERS.get(campaign.id)
            questionnaire = services.questionnaire_for(campaign)
            if filler and questionnaire is not None:
                filler(services, campaign, questionnaire, rng)
    _demo_demarche(services, [c.id for c in demo_campaigns(services.library)])
    return created


# The démarche that groups the demo campaigns, as seed 004's « démarche d'expression » does.
DEMO_DEMARCHE = Demarche(
    id="parlons-numerique",
    title="Parlons numérique ! (démo)",
    structure=DEFAULT_ID,
)


def _demo_demarche(services: Services, campaign_ids: list[str]) -> None:
    """The demo démarche, once (one a coordinator changed is left as it is)."""
    stored = [c for c in campaign_ids if services.campaigns.get(c) is not None]
    if stored and services.demarches.get(DEMO_DEMARCHE.id) is None:
        services.demarches.add(
            Demarche(DEMO_DEMARCHE.id, DEMO_DEMARCHE.title, stored, DEMO_DEMARCHE.structure, utc_now())
        )


# The default structure's printed identity on the demo server (« Ma structure »).
DEMO_STRUCTURE_NAME = "Centre social Europe (démo)"
DEMO_STRUCTURE_CONTACT = "donnees@centre-social-europe.exemple · 02 47 00 00 00"


def _demo_identity(services: Services) -> None:
    """A name and an RGPD contact for the default structure, that posters and the privacy page
    show them; a structure whose coordinator gave a contact keeps it."""

    def fill(record: dict) -> dict:
        if not record.get("contact"):
            record["contact"] = DEMO_STRUCTURE_CONTACT
            if record.get("name", DEFAULT_NAME) in ("", DEFAULT_NAME):
                record["name"] = DEMO_STRUCTURE_NAME
        record.setdefault("created_at", stamp(datetime.now(timezone.utc)))
        return record

    services.structures.change(DEFAULT_ID, fill, create=True)


# Words of inhabitants quoted in seed 004 (lines given), used as example scribe cards.
QUOTES = [
    ("complique", "Quand ça devient trop technique, trop compliqué, je suis vite largué...", 1658),
    (
        "complique",
        "C'est positif pour ceux qui utilisent régulièrement le numérique mais très compliqué pour un novice.",
        3193,
    ),
    ("plaisir", "Le numérique, c'est plus une obligation qu'un plaisir.", 2362),
    ("rapport", "Le numérique ça rapproche des gens qui ont les mêmes intérêts que nous.", 1469),
    (
        "renforcer",
        "Le numérique peut aider à renforcer des contacts déjà établis : personnels et professionnels.",
        1471,
    ),
    ("simplifie", "Je préfère le contact direct : j'ai plus confiance quand je peux parler à quelqu'un.", 2928),
    ("partout", "On ne sait pas qu'il y a des choses proposées dans des associations.", 1111),
]


def _answer(
    campaign: Campaign, questionnaire: Questionnaire, answers: dict, channel: str, when: datetime, **extra: Any
) -> dict:
    return new_answer(
        campaign,
        questionnaire,
        answer_id=str(uuid.uuid4()),
        answers=answers,
        channel=channel,
        started_at=stamp(when),
        submitted_at=stamp(when),
        **extra,
    )


def _porteur_de_parole(
    services: Services, campaign: Campaign, questionnaire: Questionnaire, rng: random.Random
) -> None:
    day = datetime.now(timezone.utc).replace(hour=9, minute=30, second=0, microsecond=0) - timedelta(days=3)
    session = Session(
        id="s-demo-marche",
        campaign=campaign.id,
        place="Marché Europe",
        day=day.date().isoformat(),
        starts="09:30",
        ends="12:00",
        team=[{"pseudonym": "Inès", "role": "scribe"}, {"pseudonym": "Yanis", "role": "accroche"}],
        questions=["complique", "plaisir"],
        stopped=23,
    )
    services.sessions.save(session)
    for n, (question_id, words, _line) in enumerate(QUOTES):
        services.save_answer(
            questionnaire,
            _answer(
                campaign,
                questionnaire,
                {question_id: words},
                "porteur-de-parole",
                day + timedelta(minutes=9 * n),
                collector="Inès",
                session=session.id,
                consent_display=n % 3 != 2,
                consent_report=True,
                first_name=None,
                age_band=None,
                quartier="Europe",
            ),
        )


def _ordi_panneau(services: Services, campaign: Campaign, questionnaire: Questionnaire, rng: random.Random) -> None:
    words = [
        "Ma petite-fille m'envoie les photos",
        "Les recettes sur YouTube",
        "Je demande à ma voisine",
        "Trop de mots de passe",
        "Au centre social le mardi",
    ]
    start = datetime.now(timezone.utc) - timedelta(days=2)
    questions = [q.id for q in questionnaire.answerable]
    for n, text in enumerate(words):
        services.save_answer(
            questionnaire,
            _answer(
                campaign, questionnaire, {questions[n % len(questions)]: text}, "post-it", start + timedelta(minutes=n)
            ),
        )


def _door_to_door(services: Services, campaign: Campaign, questionnaire: Questionnaire, rng: random.Random) -> None:
    """Thirty doors knocked by two volunteers; invented answers behind the doors that answered."""
    start = datetime.now(timezone.utc) - timedelta(days=6)
    for n in range(30):
        collector = ("Inès", "Yanis")[n % 2]
        sector = ("Secteur A", "Secteur B")[n % 3 == 0]
        outcome = rng.choice(["repondu", "repondu", "absent", "refus", "repasser"])
        services.doors.add(new_door(campaign.id, None, sector, outcome, collector))
        if outcome != "repondu":
            continue
        answers: dict = {}
        for q in questionnaire.answerable:
            if not q.is_shown(answers) or rng.random() < 0.15:
                continue
            if q.is_multiple:
                values = sorted({rng.choice(q.choices).value for _ in range(rng.randint(1, 3))})
                alone = [v for v in values if v in q.exclusive_values]  # « Aucun de ces appareils » goes alone
                answers[q.id] = alone[:1] or values
            elif q.type in ("single_choice", "yes_no"):
                answers[q.id] = rng.choice(q.options).value
            elif q.is_scale:
                answers[q.id] = rng.randint(1, 5)
        services.save_answer(
            questionnaire,
            _answer(
                campaign, questionnaire, answers, "porte-a-porte", start + timedelta(hours=n * 3), collector=collector
            ),
        )


def _atelier(services: Services, campaign: Campaign, questionnaire: Questionnaire, rng: random.Random) -> None:
    """A workshop of the day of exchanges: a session whose participants are counted, no answer typed yet."""
    day = (datetime.now(timezone.utc) - timedelta(days=10)).date().isoformat()
    services.sessions.save(
        Session(
            id=f"s-demo-{campaign.id}",
            campaign=campaign.id,
            place="Salle polyvalente, Vierzon",
            day=day,
            starts="14:00",
            ends="16:30",
            team=[{"pseudonym": "Samia", "role": "discussion"}, {"pseudonym": "Inès", "role": "scribe"}],
            stopped=8 + len(campaign.id) % 5,
            kind="atelier",
        )
    )


def _ordi_panneau_outing(
    services: Services, campaign: Campaign, questionnaire: Questionnaire, rng: random.Random
) -> None:
    """An afternoon with the ordi-panneau in the hall: people stopped, post-its to type later."""
    day = (datetime.now(timezone.utc) - timedelta(days=5)).date().isoformat()
    services.sessions.save(
        Session(
            id="s-demo-ordi-panneau",
            campaign=campaign.id,
            place="Hall du centre social du Tunnel",
            day=day,
            starts="14:00",
            ends="17:00",
            team=[{"pseudonym": "Yanis", "role": "accroche"}],
            stopped=14,
            kind="ordi-panneau",
        )
    )


DEMO_ANSWERS = {
    "atelier-education": _atelier,
    "atelier-insertion": _atelier,
    "atelier-citoyennete": _atelier,
    "ordi-panneau-citoyennete": _ordi_panneau_outing,
    "porteur-de-parole-numerique": _porteur_de_parole,
    "ordi-panneau-quotidien": _ordi_panneau,
    "besoins-numeriques-habitants": _door_to_door,
}
