"""The diagnostic report's content (issue 17 §4), for a campaign or a démarche: what the team
starts from and then edits. Gathered once here; the PDF (``printing/report_pdf.py``) and the
editable document (``exports/report_document.py``) only lay it out.

It holds the key figures (``demarches.figures_of``), the method of each channel used, the
counts of each closed question (one chart each; campaigns sharing a questionnaire are added
up), quotes grouped by tag, the cross-tabs the coordinator chose and the privacy notice.

Quotes follow ``consent.may_quote`` and nothing else lets words in: an answer whose person did
not agree to reuse, or that a coordinator hid, gives none. Counts come from the stores' kept
parts (``results.campaign_summary``, ``crosstab.crosstab``); only the quotes read answers,
newest first, and stop at ``REPORT_QUOTES_MAX``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Hashable, Iterable
from zoneinfo import ZoneInfo

from ..config import DEFAULTS
from ..model.campaign import CHANNELS, Campaign
from ..model.consent import may_quote
from ..model.demarche import Demarche
from ..model.errors import SurveyError
from ..model.questionnaire import Questionnaire
from .charts import Bar, bars
from .crosstab import DIMENSIONS, Crosstab, CrosstabError, crossable, crosstab
from .demarches import KeyFigures, campaign_key_figures, demarche_campaigns, key_figures
from .privacy import retention_sentence
from .results import campaign_summary, percent
from .structure_identity import identity_for

if TYPE_CHECKING:
    from . import Services

NO_TAG = "Sans thème"
# How each channel gathers words, said for the report's « Méthode » (the team edits it after).
METHODS = {
    "tablette": (
        "Des bénévoles ont proposé le questionnaire sur tablette, dans la rue ou à l'accueil, et l'ont rempli "
        "avec la personne."
    ),
    "qr": "Des affiches avec un QR code ont permis de répondre seul, sur son téléphone, sans donner son nom.",
    "porte-a-porte": (
        "L'équipe a frappé aux portes, secteur par secteur ; quand quelqu'un a accepté, le questionnaire a été "
        "rempli sur le pas de la porte. Aucune adresse n'est enregistrée."
    ),
    "post-it": (
        "Un ordi-panneau ou un mur de post-it a recueilli des mots écrits à la main, saisis ensuite par l'équipe."
    ),
    "papier": "Des questionnaires papier ont été remplis puis saisis par l'équipe.",
    "porteur-de-parole": (
        "Un porteur de parole : une question affichée dans l'espace public, des passants arrêtés, leurs mots "
        "écrits avec eux sur une carte, avec deux accords séparés (affichage, réutilisation)."
    ),
}
PRIVACY = (
    "Les réponses sont anonymes sauf quand la personne a choisi de donner son prénom. Les phrases citées "
    "ici viennent seulement de personnes qui ont accepté leur réutilisation dans le compte rendu ; les "
    "réponses masquées par la coordination ne sont ni comptées ni citées. Aucune adresse n'est enregistrée "
    "au porte-à-porte. Les réponses sont effacées à la fin de leur durée de conservation."
)


class ReportError(SurveyError, ValueError):
    """A report that cannot be made as asked, said in French."""


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    respondents: int
    several: bool = False  # a multiple choice: the shares add up to more than 100 %


@dataclass
class Section:
    """The closed questions of one questionnaire, counted over the campaigns that use it."""

    title: str
    campaigns: list[str]
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Method:
    channel: str
    label: str
    text: str
    answers: int


@dataclass
class Quote:
    text: str
    question: str
    campaign: str
    answer_id: str


@dataclass
class CrossChoice:
    """A cross-tab the coordinator asked for: rows of a closed question, columns a question or
    one of ``crosstab.DIMENSIONS``, over the campaigns of ``questionnaire``."""

    questionnaire: str
    row: str
    column: str

    @property
    def code(self) -> str:
        return f"{self.questionnaire}:{self.row}:{self.column}"

    @classmethod
    def parse(cls, code: str) -> CrossChoice:
        parts = (code or "").split(":")
        if len(parts) != 3 or not all(parts):
            raise ReportError(f"Croisement « {code} » illisible : écrivez QUESTIONNAIRE:QUESTION:COLONNES.")
        return cls(*parts)


@dataclass
class CrossTable:
    title: str
    table: Crosstab
    multiple: bool


@dataclass
class ReportContent:
    title: str
    kind: str  # « Démarche » or « Campagne »
    made_at: str
    figures: KeyFigures
    methods: list[Method]
    sections: list[Section]
    quotes: list[tuple[str, list[Quote]]]  # (tag, its quotes), tags by name, untagged last
    crosstabs: list[CrossTable]
    privacy: list[str]
    prepared_by: str = ""
    places: list[str] = field(default_factory=list)

    @property
    def quote_count(self) -> int:
        return sum(len(q) for _, q in self.quotes)


# -- gathering ---------------------------------------------------------------------------------------


def campaigns_by_questionnaire(svc: Services, campaigns: list[Campaign]) -> list[tuple[Questionnaire, list[Campaign]]]:
    groups: dict[str, tuple[Questionnaire, list[Campaign]]] = {}
    for campaign in campaigns:
        questionnaire = svc.questionnaire_for(campaign)
        if questionnaire is not None:
            groups.setdefault(questionnaire.id, (questionnaire, []))[1].append(campaign)
    return list(groups.values())


def _section(svc: Services, questionnaire: Questionnaire, campaigns: list[Campaign], zone: ZoneInfo) -> Section:
    """One chart per closed question, its counts added up over the campaigns."""
    respondents: Counter = Counter()
    counts: dict[str, Counter] = {}
    labels: dict[str, dict[str, str]] = {}
    for campaign in campaigns:
        results = campaign_summary(svc.answers, campaign.id, questionnaire, tz=zone, max_texts=0)
        for result in results.questions:
            if not result.closed:
                continue
            qid = result.question.id
            respondents[qid] += result.respondents
            counts.setdefault(qid, Counter())
            for option in result.options:
                counts[qid][option.value] += option.count
                labels.setdefault(qid, {})[option.value] = option.label
    section = Section(questionnaire.title, [c.title for c in campaigns])
    for question in questionnaire.answerable:
        if question.id not in counts:
            continue
        total = respondents[question.id]
        rows = [(labels[question.id][v], n, percent(n, total)) for v, n in counts[question.id].items()]
        section.charts.append(Chart(question.label, bars(rows), total, question.is_multiple))
    return section


def _quotes(svc: Services, campaigns: list[Campaign], limit: int) -> list[tuple[str, list[Quote]]]:
    """Reuse-consented written answers, the newest of each campaign, grouped by tag (an answer
    with two tags is quoted under each). Each campaign gets its share of ``limit``, the smallest
    first, so that what a small one leaves goes to the bigger ones."""
    by_tag: dict[str, list[Quote]] = {}
    remaining = limit
    smallest_first = sorted(campaigns, key=lambda c: svc.answers.count(c.id))
    for number, campaign in enumerate(smallest_first):
        share = remaining // (len(smallest_first) - number)
        questionnaire = svc.questionnaire_for(campaign)
        if questionnaire is None:
            continue
        written = [q for q in questionnaire.answerable if q.is_open]
        taken = 0
        for answer in svc.answers.iter_newest(campaign.id):
            if taken >= share:
                break
            if answer.get("hidden") or not may_quote(answer):
                continue
            values = answer.get("answers") or {}
            for question in written:
                text = values.get(question.id)
                if taken >= share or not (isinstance(text, str) and text.strip()):
                    continue
                quote = Quote(" ".join(text.split()), question.label, campaign.title, answer.get("id", ""))
                for tag in dict.fromkeys(answer.get("tags") or [NO_TAG]):
                    by_tag.setdefault(str(tag), []).append(quote)
                taken += 1
        remaining -= taken
    ordered = sorted((t for t in by_tag if t != NO_TAG), key=str.lower)
    return [(t, by_tag[t]) for t in ordered + ([NO_TAG] if NO_TAG in by_tag else [])]


def merged_crosstab(
    svc: Services, campaigns: list[Campaign], questionnaire: Questionnaire, row: str, column: str, zone: ZoneInfo
) -> Crosstab:
    """``crosstab.crosstab`` over several campaigns of one questionnaire, their counts added."""
    tables = [
        crosstab(svc.answers, c, questionnaire, row, column, zone=zone, session_places=_places(svc, c))
        for c in campaigns
    ]
    if len(tables) == 1:
        return tables[0]
    first = tables[0]
    counts: Counter = Counter()
    respondents: Counter = Counter()
    skipped: Counter = Counter()
    columns: dict[Hashable, str] = {}
    rows: dict[str, str] = {}
    for table in tables:
        counts.update(table.counts)
        respondents.update(table.respondents)
        skipped.update(table.skipped)
        columns.update({k: v for k, v in table.columns if k not in columns})
        rows.update({k: v for k, v in table.rows if k not in rows})
    return Crosstab(
        first.row, first.column_title, list(rows.items()), list(columns.items()), counts, respondents, skipped
    )


def _places(svc: Services, campaign: Campaign) -> dict[str, str]:
    return {s.id: s.place for s in svc.sessions.for_campaign(campaign.id)}


def crossing_choices(svc: Services, campaigns: list[Campaign]) -> list[tuple[str, list[tuple[CrossChoice, str]]]]:
    """Every cross-tab a coordinator may ask for, by question: each closed question of each
    questionnaire (its words) with the channel, the place, the age band and the month."""
    found = []
    for questionnaire, _ in campaigns_by_questionnaire(svc, campaigns):
        for question in crossable(questionnaire):
            columns = [(CrossChoice(questionnaire.id, question.id, c), words) for c, words in DIMENSIONS.items()]
            found.append((question.label, columns))
    return found


def report_content(
    svc: Services,
    title: str,
    kind: str,
    campaigns: list[Campaign],
    figures: KeyFigures,
    crossings: Iterable[CrossChoice] = (),
    tz: str = DEFAULTS["TIMEZONE"],
    quote_limit: int = DEFAULTS["REPORT_QUOTES_MAX"],
) -> ReportContent:
    zone = ZoneInfo(tz)
    groups = campaigns_by_questionnaire(svc, campaigns)
    channel_counts: Counter = Counter()
    for row in figures.campaigns:
        channel_counts.update(row.by_channel)
    used = [c for c in CHANNELS if channel_counts[c]]
    methods = [Method(c, CHANNELS[c], METHODS[c], channel_counts[c]) for c in used]
    crosstabs = []
    known = {q.id: (q, cs) for q, cs in groups}
    for choice in crossings:
        if choice.questionnaire not in known:
            raise ReportError(f"Le questionnaire « {choice.questionnaire} » n'est dans aucune campagne du rapport.")
        questionnaire, group = known[choice.questionnaire]
        try:
            table = merged_crosstab(svc, group, questionnaire, choice.row, choice.column, zone)
        except CrosstabError as exc:
            raise ReportError(str(exc)) from None
        crosstabs.append(CrossTable(f"{table.row.label} × {table.column_title.lower()}", table, table.multiple))
    identities = [identity_for(svc, c, with_logo=False) for c in campaigns]
    contacts = list(dict.fromkeys(i.contact for i in identities if i.contact))
    retention = sorted({c.retention_months for c in campaigns})
    privacy = [PRIVACY]
    if retention:
        privacy.append(
            "Durée de conservation des réponses : " + ", ".join(retention_sentence(m) for m in retention) + "."
        )
    privacy += [f"Vos données : pour voir, corriger ou effacer une réponse, contactez {c}." for c in contacts]
    owners = dict.fromkeys(svc.structures.owning(c.structure_id).name for c in campaigns)
    return ReportContent(
        title=title,
        kind=kind,
        made_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        figures=figures,
        methods=methods,
        sections=[s for s in (_section(svc, q, cs, zone) for q, cs in groups) if s.charts],
        quotes=_quotes(svc, campaigns, quote_limit),
        crosstabs=crosstabs,
        privacy=privacy,
        prepared_by=", ".join(name for name in owners if name),
        places=figures.figure("quartiers").names,
    )


TZ = DEFAULTS["TIMEZONE"]
QUOTES = DEFAULTS["REPORT_QUOTES_MAX"]


def demarche_report(
    svc: Services, demarche: Demarche, crossings: Iterable[CrossChoice] = (), tz: str = TZ, quote_limit: int = QUOTES
) -> ReportContent:
    campaigns = demarche_campaigns(svc, demarche)
    figures = key_figures(svc, demarche)
    return report_content(svc, demarche.title, "Démarche", campaigns, figures, crossings, tz, quote_limit)


def campaign_report(
    svc: Services, campaign: Campaign, crossings: Iterable[CrossChoice] = (), tz: str = TZ, quote_limit: int = QUOTES
) -> ReportContent:
    figures = campaign_key_figures(svc, campaign)
    return report_content(svc, campaign.title, "Campagne", [campaign], figures, crossings, tz, quote_limit)


def report_for(
    svc: Services, target: str, crossings: Iterable[CrossChoice] = (), tz: str = TZ, quote_limit: int = QUOTES
) -> ReportContent:
    """The report of a démarche or a campaign named by its id (a démarche first)."""
    demarche = svc.demarches.get(target)
    if demarche is not None:
        return demarche_report(svc, demarche, crossings, tz, quote_limit)
    campaign = svc.campaigns.get(target)
    if campaign is not None:
        return campaign_report(svc, campaign, crossings, tz, quote_limit)
    raise ReportError(f"Aucune démarche ni campagne « {target} ».")
