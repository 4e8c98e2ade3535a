"""Restitutions: composing, checking, publishing, and what a published page shows.

A restitution names charts (closed questions) and quotes (answers' texts marked « à citer »);
it copies none of them. Every quote is read again from the answers and checked against
``consent.may_quote`` when it is chosen *and* each time a page, a copy or a poster is made:
an answer whose author did not agree to its reuse, hidden since, or erased on request, is
never shown, whatever the stored choice or a posted form says.

Figures, charts and the quotes offered come from ``results.campaign_summary`` (counts kept per
part of the answers: only what changed is read again). A démarche's restitution shows the
démarche's key figures (``services/demarches.py``) when that module gives them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ..config import DEFAULTS
from ..model.campaign import Campaign
from ..model.clock import utc_now
from ..model.consent import may_quote
from ..model.demarche import Demarche
from ..model.errors import SurveyError
from ..model.media import CONTENT_TYPES, DRAWING, RECORDING, public_media, transcription_of
from ..model.questionnaire import Questionnaire
from ..model.restitution import (
    POSTER_QUOTES,
    Restitution,
    campaign_restitution_id,
    chart_key,
    demarche_restitution_id,
    quote_key,
    slug_words,
    split_key,
    validate,
)
from ..storage.repositories.restitutions import RestitutionRepository
from .charts import count_text, question_chart
from .results import NO_PLACE, QuestionResult, Results, campaign_summary
from .structure_identity import identity_for

if TYPE_CHECKING:
    from . import Services

TZ = DEFAULTS["TIMEZONE"]
# Charts drawn narrow: on a phone (360 px) their type stays about as large as the page's.
CHART_WIDTH = 400
CHART_LABEL_CHARS = 30
RECENT_QUOTES = 20  # newest quotable texts offered beside those marked « à citer »
RECENT_SCAN = 2000  # newest answers read to find them
DRAWINGS_OFFERED = 30  # newest drawings offered
RECORDINGS_OFFERED = 30  # newest transcribed recordings offered
_SLUG_TAIL = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from a poster and typed


class RestitutionError(SurveyError):
    """A choice that cannot be kept, in French (``problems``: one sentence each)."""

    status = 400

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def repository(svc: Services) -> RestitutionRepository:
    return RestitutionRepository(svc.records)


# -- what may be chosen -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartChoice:
    key: str
    campaign: Campaign
    result: QuestionResult

    @property
    def label(self) -> str:
        return self.result.question.label


@dataclass(frozen=True)
class QuoteChoice:
    key: str
    campaign: Campaign
    text: str
    question_label: str
    submitted_at: str


@dataclass(frozen=True)
class ShownMedium:
    """A drawing or a recording a restitution may show: its answer's key, its words, its file."""

    key: str
    campaign_id: str
    # A drawing: the words written with it (``drawings.drawing_alt``), its caption and alt text.
    # A recording: its transcription, shown beside the player (nobody is left out for not hearing).
    phrase: str
    file: str
    content_type: str
    campaign_title: str = ""
    captioned: bool = True  # the person wrote a phrase with it (else ``phrase`` only says there is none)
    kind: str = DRAWING

    @property
    def answer_id(self) -> str:
        return self.key.split("/")[1]

    @property
    def first_words(self) -> str:
        """The phrase's first words: a recording's label in the compose form."""
        words = self.phrase.split()
        return " ".join(words[:12]) + (" …" if len(words) > 12 else "")


@dataclass(frozen=True)
class Figure:
    number: int
    words: str  # « réponses », « lieux »…
    rule: str = ""  # how it is counted, in plain French (a démarche's figures say it)

    @property
    def text(self) -> str:
        return count_text(self.number)


@dataclass
class Gathered:
    """The campaigns' counts and what a coordinator may choose from them."""

    campaigns: list[Campaign]
    results: dict[str, Results]  # campaign id → its counts
    questionnaires: dict[str, Questionnaire]
    charts: list[ChartChoice] = field(default_factory=list)
    quotes: list[QuoteChoice] = field(default_factory=list)
    drawings: list[ShownMedium] = field(default_factory=list)
    recordings: list[ShownMedium] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def chart(self, key: str) -> ChartChoice | None:
        return next((c for c in self.charts if c.key == key), None)

    @property
    def first_at(self) -> str:
        return min((r.first_at for r in self.results.values() if r.first_at), default="")

    @property
    def last_at(self) -> str:
        return max((r.last_at for r in self.results.values()), default="")


def campaign_counts(svc: Services, campaign: Campaign, questionnaire: Questionnaire, tz: str = TZ) -> Results:
    """The campaign's counts as the dashboard has them (hidden answers left out), no texts."""
    places = {s.id: s.place for s in svc.sessions.for_campaign(campaign.id)}
    return campaign_summary(
        svc.answers,
        campaign.id,
        questionnaire,
        tz=tz,
        max_texts=0,
        session_places=places,
        default_place=campaign.place or NO_PLACE,
    )


def gather(svc: Services, campaigns: list[Campaign], tz: str = TZ) -> Gathered:
    """Counts, charts, quotes marked « à citer » whose authors agreed to their reuse, and the
    key figures of ``campaigns`` (a campaign whose questionnaire is missing is left out)."""
    found = Gathered([], {}, {})
    for campaign in campaigns:
        questionnaire = svc.questionnaire_for(campaign)
        if questionnaire is None:
            continue
        results = campaign_counts(svc, campaign, questionnaire, tz)
        found.campaigns.append(campaign)
        found.results[campaign.id] = results
        found.questionnaires[campaign.id] = questionnaire
        for result in results.questions:
            if result.closed:
                found.charts.append(ChartChoice(chart_key(campaign.id, result.question.id), campaign, result))
        for quote in results.quotes:  # already only may_quote answers (results._Tally)
            question = questionnaire.question(quote.question_id)
            found.quotes.append(
                QuoteChoice(
                    quote_key(campaign.id, quote.answer_id, quote.question_id),
                    campaign,
                    quote.text,
                    question.label if question else "",
                    quote.submitted_at,
                )
            )
        marked = {q.key for q in found.quotes}
        found.quotes.extend(q for q in recent_quotes(svc, campaign, questionnaire) if q.key not in marked)
        found.drawings.extend(drawing_choices(svc, campaign))
        found.recordings.extend(recording_choices(svc, campaign))
    found.figures = campaign_figures(svc, found)
    return found


def recent_quotes(svc: Services, campaign: Campaign, questionnaire: Questionnaire) -> list[QuoteChoice]:
    """The newest written answers that may be quoted (``RECENT_QUOTES`` at most, among the
    ``RECENT_SCAN`` newest answers): offered beside those marked « à citer », so that a
    campaign where nobody marked any still has words to choose from."""
    questions = [q for q in questionnaire.answerable if q.is_open]
    found: list[QuoteChoice] = []
    for answer in islice(svc.answers.iter_newest(campaign.id), RECENT_SCAN):
        if answer.get("hidden") or not may_quote(answer):
            continue
        values = answer.get("answers") or {}
        for question in questions:
            text = values.get(question.id)
            if isinstance(text, str) and text.strip():
                key = quote_key(campaign.id, answer.get("id", ""), question.id)
                found.append(QuoteChoice(key, campaign, text.strip(), question.label, answer.get("submitted_at", "")))
        if len(found) >= RECENT_QUOTES:
            break
    return found[:RECENT_QUOTES]


def campaign_figures(svc: Services, found: Gathered) -> list[Figure]:
    """Answers, places, field sessions, written words and days of collection, added up over
    the campaigns (a place or a day named by two campaigns counts once)."""
    answers = sum(r.total for r in found.results.values())
    places = {p.label for r in found.results.values() for p in r.by_place if p.count and p.label != NO_PLACE}
    days = {d.key for r in found.results.values() for d in r.by_day if d.count and d.key != "inconnu"}
    sessions = sum(len(svc.sessions.for_campaign(c.id)) for c in found.campaigns)
    texts = sum(q.text_count for r in found.results.values() for q in r.questions if q.free_text)
    figures = [
        Figure(answers, "réponses" if answers > 1 else "réponse"),
        Figure(len(places), "lieux" if len(places) > 1 else "lieu"),
        Figure(len(days), "jours de recueil" if len(days) > 1 else "jour de recueil"),
        Figure(sessions, "temps sur le terrain"),
        Figure(texts, "paroles écrites" if texts > 1 else "parole écrite"),
    ]
    return [f for f in figures if f.number or f.words.startswith("réponse")]


def quoted_text(svc: Services, key: str, questionnaires: dict[str, Questionnaire]) -> tuple[str, str] | None:
    """(text, question label) of a quote read again from its answer, or None when it may not be
    shown: unknown, erased, hidden, not a written question, or its author did not agree to reuse."""
    parts = split_key(key, 3)
    if parts is None:
        return None
    campaign_id, answer_id, question_id = parts
    questionnaire = questionnaires.get(campaign_id)
    question = questionnaire.question(question_id) if questionnaire else None
    if question is None or not question.is_open:
        return None
    answer = svc.answers.get(campaign_id, answer_id)
    if not answer or answer.get("campaign", campaign_id) != campaign_id:
        return None
    if answer.get("hidden") or not may_quote(answer):
        return None
    text = (answer.get("answers") or {}).get(question_id)
    if not isinstance(text, str) or not text.strip():
        return None
    return text.strip(), question.label


def campaign_ids_of(svc: Services, restitution: Restitution) -> list[str]:
    """A démarche's restitution follows the démarche's campaigns as they are now (one added
    or removed since shows at once); a campaign's is that campaign."""
    if restitution.demarche_id:
        demarche = svc.demarches.get(restitution.demarche_id)
        if demarche is not None:
            return list(demarche.campaign_ids)
    return list(restitution.campaign_ids)


def drawing_choices(svc: Services, campaign: Campaign) -> list[ShownMedium]:
    """The campaign's drawings that may leave the coordination (``media.public_media``: the two
    consents of a scribe's card, as for a quote card), newest first, ``DRAWINGS_OFFERED`` at most."""
    from .drawings import campaign_drawings

    found = []
    for drawing in campaign_drawings(svc, campaign.id):
        key = quote_key(campaign.id, drawing.answer.get("id", ""), drawing.entry["question"])
        shown = shown_drawing(svc, key)
        if shown is not None:
            found.append(shown)
        if len(found) >= DRAWINGS_OFFERED:
            break
    return found


def recording_choices(svc: Services, campaign: Campaign) -> list[ShownMedium]:
    """The campaign's recordings that may leave the coordination: both consents
    (``media.public_media``) and a transcription to show beside the player; newest first,
    ``RECORDINGS_OFFERED`` at most. Found from the media folder's names (``<answer id>-<question>.<ext>``),
    so the cost is the recordings', not the campaign's answers'."""
    from .drawings import ANSWER_ID_LENGTH

    audio = {ext for ext, ctype in CONTENT_TYPES.items() if ctype.startswith("audio/")}
    answer_ids = [
        name[:ANSWER_ID_LENGTH]
        for name in svc.media.names(campaign.id)
        if name[ANSWER_ID_LENGTH : ANSWER_ID_LENGTH + 1] == "-" and name.rsplit(".", 1)[-1] in audio
    ]
    found: list[tuple[str, ShownMedium]] = []
    for answer_id in dict.fromkeys(answer_ids):
        answer = svc.answers.get(campaign.id, answer_id) or {}
        for entry in public_media(answer):
            if entry["kind"] == RECORDING:
                shown = shown_medium(svc, quote_key(campaign.id, answer_id, entry["question"]), RECORDING)
                if shown is not None:
                    found.append((answer.get("submitted_at") or "", replace(shown, campaign_title=campaign.title)))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [shown for _, shown in found[:RECORDINGS_OFFERED]]


def shown_medium(svc: Services, key: str, kind: str) -> ShownMedium | None:
    """A drawing or a recording read again from its answer, or None when it may not be shown:
    unknown, erased, hidden, its author did not give both consents (``media.public_media``), or
    a recording nobody transcribed yet."""
    from .drawings import NO_PHRASE, drawing_alt

    parts = split_key(key, 3)
    if parts is None:
        return None
    campaign_id, answer_id, question_id = parts
    answer = svc.answers.get(campaign_id, answer_id)
    if not answer or answer.get("campaign", campaign_id) != campaign_id or answer.get("hidden"):
        return None
    for entry in public_media(answer):
        if entry["question"] != question_id or entry["kind"] != kind:
            continue
        if kind == DRAWING:
            phrase = drawing_alt(answer, question_id)
            return ShownMedium(key, campaign_id, phrase, entry["file"], entry["type"], captioned=phrase != NO_PHRASE)
        transcription = transcription_of(answer, question_id)
        if transcription is None:
            return None
        return ShownMedium(
            key, campaign_id, transcription["text"].strip(), entry["file"], entry["type"], kind=RECORDING
        )
    return None


def shown_drawing(svc: Services, key: str) -> ShownMedium | None:
    return shown_medium(svc, key, DRAWING)


def chosen_keys(restitution: Restitution, kind: str) -> list[str]:
    return restitution.drawings if kind == DRAWING else restitution.recordings


def medium_file(svc: Services, restitution: Restitution, name: str, kind: str = DRAWING) -> tuple[bytes, str] | None:
    """The bytes and type of a drawing or recording the restitution shows, found by its file name;
    None for any other file (a public address never reaches a medium that was not chosen, or no
    longer may be)."""
    for key in chosen_keys(restitution, kind):
        shown = shown_medium(svc, key, kind)
        if shown is not None and shown.file == name:
            data = svc.media.read(shown.campaign_id, shown.file)
            return (data, shown.content_type) if data is not None else None
    return None


def drawing_file(svc: Services, restitution: Restitution, name: str) -> tuple[bytes, str] | None:
    return medium_file(svc, restitution, name, DRAWING)


# -- composing ----------------------------------------------------------------------------------


def new_slug(svc: Services, title: str) -> str:
    """A public address from the title and four letters nobody guesses, not taken yet."""
    taken = {r.slug for r in repository(svc).all()}
    while True:
        tail = "".join(secrets.choice(_SLUG_TAIL) for _ in range(4))
        slug = f"{slug_words(title)}-{tail}"
        if slug not in taken:
            return slug


def for_campaign(svc: Services, campaign: Campaign) -> Restitution:
    """The campaign's restitution as stored, or a new one (not stored until composed)."""
    found = repository(svc).get(campaign_restitution_id(campaign.id))
    if found is not None:
        return found
    return Restitution(
        id=campaign_restitution_id(campaign.id),
        slug="",
        title=campaign.title,
        campaign_ids=[campaign.id],
        structure_id=campaign.structure_id,
    )


def for_demarche(svc: Services, demarche: Demarche) -> Restitution:
    """The démarche's restitution as stored, or a new one; its campaigns are the démarche's now."""
    from .demarches import demarche_campaigns

    campaigns = [c.id for c in demarche_campaigns(svc, demarche)]
    found = repository(svc).get(demarche_restitution_id(demarche.id))
    if found is not None:
        found.campaign_ids = campaigns
        return found
    return Restitution(
        id=demarche_restitution_id(demarche.id),
        slug="",
        title=demarche.title,
        campaign_ids=campaigns,
        structure_id=demarche.structure,
        demarche_id=demarche.id,
    )


@dataclass
class Composition:
    """What a coordinator sends from the compose form."""

    title: str
    charts: list[str]
    quotes: list[str]
    retained: str
    next_steps: str
    figures: bool = True
    drawings: list[str] = field(default_factory=list)
    recordings: list[str] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Lines kept, each trimmed at its end; ``\\r`` gone; no blank run longer than one line."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def check(svc: Services, base: Restitution, chosen: Composition, tz: str = TZ) -> Restitution:
    """The restitution with ``chosen`` in it, or ``RestitutionError``: a chart of a question that
    is not closed, a quote whose author did not agree to its reuse (or hidden, or erased),
    whatever ids were posted."""
    campaigns = [c for c in (svc.campaigns.get(cid) for cid in campaign_ids_of(svc, base)) if c is not None]
    found = gather(svc, campaigns, tz)
    charts = list(dict.fromkeys(k for k in chosen.charts if k))
    quotes = list(dict.fromkeys(k for k in chosen.quotes if k))
    problems = []
    if any(found.chart(k) is None for k in charts):
        problems.append("Un graphique choisi n'existe pas (ou plus) dans ces campagnes : rechargez la page.")
    # Whatever was posted, a quote is kept only if its answer may be quoted now.
    refused = [k for k in quotes if quoted_text(svc, k, found.questionnaires) is None]
    if refused:
        problems.append(
            "Une parole choisie ne peut pas être citée : la personne n'a pas accepté qu'elle soit "
            "réutilisée, ou la réponse a été masquée ou effacée. Rechargez la page."
        )
    campaign_ids = {c.id for c in found.campaigns}
    drawings = list(dict.fromkeys(k for k in chosen.drawings if k))
    if any(k.split("/", 1)[0] not in campaign_ids or shown_drawing(svc, k) is None for k in drawings):
        problems.append(
            "Un dessin choisi ne peut pas être montré : la personne n'a pas accepté qu'il soit affiché "
            "et réutilisé, ou la réponse a été masquée ou effacée. Rechargez la page."
        )
    recordings = list(dict.fromkeys(k for k in chosen.recordings if k))
    if any(k.split("/", 1)[0] not in campaign_ids or shown_medium(svc, k, RECORDING) is None for k in recordings):
        problems.append(
            "Un enregistrement choisi ne peut pas être diffusé : la personne n'a pas accepté qu'il soit "
            "diffusé et réutilisé, il n'est pas encore transcrit, ou la réponse a été masquée ou effacée. "
            "Rechargez la page."
        )
    composed = Restitution.from_record(
        dict(
            base.to_record(),
            title=" ".join(chosen.title.split()),
            charts=charts,
            quotes=quotes,
            drawings=drawings,
            recordings=recordings,
            retained=clean_text(chosen.retained),
            next_steps=clean_text(chosen.next_steps),
            figures=bool(chosen.figures),
        )
    )
    composed.slug = composed.slug or new_slug(svc, composed.title or "restitution")
    problems += validate(composed)
    if problems:
        raise RestitutionError(problems)
    return composed


def save(svc: Services, base: Restitution, chosen: Composition, who: str, tz: str = TZ) -> Restitution:
    """Check, then store as one operation; a published restitution stays published, with its new
    choices (its version grows: a page kept in memory is made again)."""
    composed = check(svc, base, chosen, tz)

    def write(record: dict) -> dict:
        kept = {k: record[k] for k in ("published", "published_at", "slug") if record.get(k)}
        return dict(
            composed.to_record(),
            **kept,
            version=int(record.get("version") or 0) + 1,
            updated_at=utc_now(),
            updated_by=who,
        )

    stored = repository(svc).change(composed.id, write, create=True)
    assert stored is not None
    return stored


def set_published(svc: Services, restitution_id: str, published: bool, who: str) -> Restitution | None:
    """Publish (the public page, its copy and posters exist) or unpublish (they 404 again)."""

    def write(record: dict) -> None:
        record["published"] = published
        if published:
            record["published_at"] = utc_now()
        record["version"] = int(record.get("version") or 0) + 1
        record["updated_at"] = utc_now()
        record["updated_by"] = who

    return repository(svc).change(restitution_id, write)


def published(svc: Services, slug: str) -> Restitution | None:
    """The published restitution at ``/restitution/<slug>``; None for anything else."""
    found = repository(svc).by_slug(slug) if slug else None
    return found if found is not None and found.published else None


# -- what a page shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownChart:
    title: str
    campaign_title: str
    svg: Markup
    several: bool  # several answers per person: the percentages add up to more than 100


@dataclass(frozen=True)
class ShownQuote:
    key: str
    text: str
    question_label: str
    campaign_title: str


@dataclass
class Page:
    restitution: Restitution
    campaigns: list[Campaign]
    structure: str
    contact: str
    figures: list[Figure]
    charts: list[ShownChart]
    quotes: list[ShownQuote]
    drawings: list[ShownMedium]
    first_at: str
    last_at: str
    made_at: str
    zone: str = TZ
    recordings: list[ShownMedium] = field(default_factory=list)  # each with its transcription

    @property
    def title(self) -> str:
        return self.restitution.title

    @property
    def headline_quotes(self) -> list[ShownQuote]:
        """The quotes of the restitution poster: the first ones chosen, the shortest first when
        there are more, so that they read from afar."""
        return self.quotes[:POSTER_QUOTES]


# The démarche's figures a public page shows (``services/demarches.py`` keys), in its order;
# the team's pseudonyms and the count of possible quotes stay in the coordination.
DEMARCHE_FIGURES = (
    "personnes",
    "reponses",
    "structures",
    "quartiers",
    "lieux",
    "sessions",
    "questionnaires",
    "post-it",
    "paroles",
)


def demarche_figures(svc: Services, demarche_id: str) -> list[Figure] | None:
    """The démarche's key figures, computed by ``services/demarches.py`` (people met, each once;
    structures, places, sessions…), each with its rule; None when the démarche is gone."""
    from . import demarches

    demarche = svc.demarches.get(demarche_id)
    if demarche is None:
        return None
    sheet = demarches.key_figures(svc, demarche)
    shown = {f.key: f for f in sheet.figures if f.value}
    return [Figure(shown[k].value, shown[k].label, shown[k].rule) for k in DEMARCHE_FIGURES if k in shown]


def page(svc: Services, restitution: Restitution, tz: str = TZ) -> Page:
    """What the public page, its static copy and the posters show of ``restitution``: only the
    charts and quotes chosen, each quote checked again (``quoted_text``)."""
    campaigns = [c for c in (svc.campaigns.get(cid) for cid in campaign_ids_of(svc, restitution)) if c is not None]
    found = gather(svc, campaigns, tz)
    charts: list[ShownChart] = []
    for key in restitution.charts:
        choice = found.chart(key)
        if choice is not None:
            svg = question_chart(
                choice.result, chart_id=f"graphique-{len(charts) + 1}", width=CHART_WIDTH, label_chars=CHART_LABEL_CHARS
            )
            title = choice.campaign.title if len(found.campaigns) > 1 else ""
            charts.append(ShownChart(choice.label, title, svg, choice.result.several))
    quotes: list[ShownQuote] = []
    titles = {c.id: c.title for c in found.campaigns}
    for key in restitution.quotes:
        shown = quoted_text(svc, key, found.questionnaires)
        if shown is not None:
            campaign_id = key.split("/", 1)[0]
            title = titles.get(campaign_id, "") if len(found.campaigns) > 1 else ""
            quotes.append(ShownQuote(key, shown[0], shown[1], title))
    drawings: list[ShownMedium] = []
    recordings: list[ShownMedium] = []
    for kind, shown_list in ((DRAWING, drawings), (RECORDING, recordings)):
        for key in chosen_keys(restitution, kind):
            medium = shown_medium(svc, key, kind)
            if medium is not None and medium.campaign_id in titles:
                title = titles[medium.campaign_id] if len(found.campaigns) > 1 else ""
                shown_list.append(replace(medium, campaign_title=title))
    figures: list[Figure] = []
    if restitution.figures:
        from_demarche = demarche_figures(svc, restitution.demarche_id) if restitution.demarche_id else None
        figures = from_demarche if from_demarche is not None else found.figures
    identity = identity_for(svc, campaigns[0], with_logo=False) if campaigns else None
    return Page(
        restitution=restitution,
        campaigns=found.campaigns,
        structure=identity.name if identity else "",
        contact=identity.contact if identity else "",
        figures=figures,
        charts=charts,
        quotes=quotes,
        drawings=drawings,
        recordings=recordings,
        first_at=found.first_at,
        last_at=found.last_at,
        made_at=utc_now(),
        zone=ZoneInfo(tz).key,
    )
