"""The six printables: what each one shows, at which sizes, from which data.

Each kind turns a ``PrintJob`` (campaign, questionnaire, question, format, base URL)
into the context of its template in ``printables/templates``. Type sizes are
computed here (``TextFitter``) for boxes whose sizes are given to the template
too, so that a long question shrinks and wraps instead of overflowing.
Sizes are in "A4 millimetres" (rem): see ``render.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Iterable, Iterator

from ..config import DEFAULTS
from ..model.campaign import Campaign
from ..model.clock import local_day
from ..model.consent import QUOTE_NOTICE, may_display, may_quote
from ..model.questionnaire import OPEN_TYPES, Question, Questionnaire
from ..model.respondent import AGE_BANDS
from ..services.fieldwork.paper import paper_code
from .errors import PrintError
from .links import form_url, poster_code, short_url, team_url
from .render import PAGE_SIZES, PageFormat
from .typography import TextFitter, french, of_name

WHOLE = "*"  # the question value that means "the whole questionnaire" (one poster for all)
MONO_ADVANCE = 1233 / 2048  # DejaVu Sans Mono: every glyph is this many em wide
ORDI_MAX_QUESTIONS = 3


@dataclass(frozen=True)
class Box:
    """A text box in A4 millimetres and the type sizes allowed in it."""

    width: float
    height: float
    largest: float
    smallest: float
    line_height: float = 1.15
    bold: bool = True


@dataclass(frozen=True)
class Fitted:
    text: str
    size: float
    box: Box
    lines: int = 1

    @property
    def height(self) -> float:
        """Height of the text as set (rem): layouts centre it without flexbox, which
        costs WeasyPrint more than the rest of a poster."""
        return min(self.box.height, self.lines * self.size * self.box.line_height)

    @property
    def style(self) -> str:
        return (
            f"width: {self.box.width}rem; max-height: {self.box.height}rem; "
            f"font-size: {self.size}rem; line-height: {self.box.line_height}"
        )

    @property
    def fixed_style(self) -> str:
        """The same, taking the box's whole height (for things that must line up)."""
        return self.style.replace("max-height", "height")


def fit(fitter: TextFitter, text: str, box: Box) -> Fitted:
    """French typography, then the largest size that fits; below the smallest size only
    for a text too long for its box (down to half of it), never overflowing silently."""
    text = french(text)
    size = fitter.fit(text, box.width, box.height, box.largest, box.smallest, box.line_height, box.bold)
    if not _fits(fitter, text, size, box):
        size = fitter.fit(
            text, box.width, box.height, box.smallest, box.smallest / 2, box.line_height, box.bold, step=0.1
        )
    return Fitted(text, size, box, fitter.lines(text, size, box.width, box.bold) or 1)


def _fits(fitter, text, size, box) -> bool:
    lines = fitter.lines(text, size, box.width, box.bold)
    return lines is not None and lines * size * box.line_height <= box.height


def truncate_to_fit(fitter: TextFitter, text: str, box: Box, end: str = "") -> str:
    """A quote too long for its card at the smallest size: cut at a word, marked « […] »."""
    text = french(" ".join(text.split(" ")))
    if _fits(fitter, french(text + end), box.smallest, box):
        return french(text + end)
    words = text.split(" ")
    low, high = 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(fitter, french(" ".join(words[:middle]) + " […]" + end), box.smallest, box):
            low = middle
        else:
            high = middle - 1
    return french(" ".join(words[:low]) + " […]" + end)


def mono_size(text: str, width: float, largest: float, smallest: float = 1.8) -> float:
    """Type size at which a one-line monospaced text (a URL, a code) fills at most ``width``."""
    return round(max(smallest, min(largest, width * 0.97 / (max(len(text), 1) * MONO_ADVANCE))), 2)


def address_size(text: str, width: float, largest: float) -> float:
    """Type size of the address to type: as large as allowed, always within its box (a long
    host name gets smaller type, never a line running off the sheet). Rounded down."""
    return math.floor(min(largest, width * 0.97 / (max(len(text), 1) * MONO_ADVANCE)) * 100) / 100


@dataclass
class PrintJob:
    """Everything one PDF needs, already checked."""

    kind: "Kind"
    campaign: Campaign
    questionnaire: Questionnaire
    question: str | None  # None = every question, WHOLE = the whole questionnaire, else an id
    fmt: PageFormat
    base_url: str
    tile: str | None = None
    quotes: list = field(default_factory=list)  # quote cards: the quotes chosen (``newest_quotes``)
    since: date | None = None  # quote cards: the days their answers were given in (both included)
    until: date | None = None
    wifi: object = None  # survey.model.wifi.Wifi: the team's own network, joined before the form
    zone: str = DEFAULTS["TIMEZONE"]  # the app's TIMEZONE: the days printed on quote cards

    def url(self, channel: str = "qr", poster: str | None = None, question: str | None = None) -> str:
        return form_url(self.base_url, self.campaign.id, channel, poster, question)

    @property
    def dated(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def short_url(self) -> str:
        return short_url(self.base_url, self.campaign)

    @property
    def filename(self) -> str:
        which = {None: "toutes", WHOLE: "questionnaire"}.get(self.question, self.question)
        parts = [self.kind.id, self.campaign.id]
        if self.kind.uses_question:
            parts.append(which)
        parts.append(self.fmt.size)
        if self.tile:
            parts.append(f"sur-{self.tile}")
        return "-".join(parts) + ".pdf"


@dataclass(frozen=True)
class Kind:
    id: str
    title: str
    help: str
    orientation: str
    sizes: tuple[str, ...]
    default_size: str
    template: str
    stylesheet: str
    uses_question: bool
    build: Callable[[PrintJob, TextFitter], dict]
    whole: bool = False  # accepts WHOLE (a poster of the whole questionnaire)


def board_questions(questionnaire: Questionnaire) -> list[Question]:
    """Questions that can stand alone on a board: answerable, without a condition."""
    return [q for q in questionnaire.answerable if q.show_if is None]


def open_questions(questionnaire: Questionnaire) -> list[Question]:
    return [q for q in questionnaire.answerable if q.type in OPEN_TYPES and q.show_if is None]


def team_of(campaign: Campaign) -> str:
    """« l'équipe du Centre social », with the article the name needs (« de la Médiathèque »)."""
    if not campaign.structure.strip():
        return "l'équipe qui mène l'enquête"
    return f"l'équipe {of_name(campaign.structure)}"


def rgpd_line(campaign: Campaign) -> str:
    """The privacy line of a sheet people answer from alone (QR code or post-it): it carries
    ``QUOTE_NOTICE``, which is what lets their anonymous words be quoted (``consent.may_quote``)."""
    who = team_of(campaign)
    months = campaign.retention_months
    return french(
        f"Nous ne demandons pas votre nom. {QUOTE_NOTICE} Vos réponses servent seulement à cette enquête, "
        f"sont lues par {who} et gardées {months} mois au plus. "
        f"Pour les consulter ou les effacer, adressez-vous à {who}."
    )


def _common(job: PrintJob, fitter: TextFitter) -> dict:
    campaign = job.campaign
    return {
        "campaign": campaign,
        "questionnaire": job.questionnaire,
        "kind": job.kind,
        "structure": french(campaign.structure or campaign.title),
        "quartier": french(campaign.quartier),
        "rgpd": rgpd_line(campaign),
        "doc_title": french(f"{job.kind.title} – {campaign.title}"),
        "author": french(campaign.structure or "Porteur de parole"),
        "short_url": job.short_url,
    }


def _selected(job: PrintJob, pool: list[Question]) -> list[Question]:
    if job.question and job.question != WHOLE:
        return [job.questionnaire.question(job.question)]
    if not pool:
        raise PrintError(
            f"Le questionnaire « {job.questionnaire.title} » n'a pas de question qui convienne "
            f"pour « {job.kind.title} »."
        )
    return pool


# --- affiche ---------------------------------------------------------------------------------
POSTER_QUESTION = Box(186, 104, 17, 7.5, 1.12)
POSTER_TITLE = Box(186, 62, 17, 8, 1.12)
POSTER_INTRO = Box(186, 36, 6.5, 4, 1.3, bold=False)
POSTER_PURPOSE = Box(182, 22, 4.6, 3.2, 1.3, bold=False)
POSTER_URL_WIDTH = 186
POSTER_ASK_HEIGHT = 126  # the block that holds kicker, question (and intro), centred
POSTER_KICKER = 9.5
POSTER_INTRO_GAP = 4


JOIN_TEXT_WIDTH = 32  # beside each of the two codes of a poster with the team's Wi-Fi


def wifi_join(job: PrintJob, fitter: TextFitter, width: float = JOIN_TEXT_WIDTH, largest: float = 4.4) -> dict | None:
    """The team's Wi-Fi on a poster or panel (street, market): its QR code, name and password
    (sized to fit ``width``), step 1 before the form's code. None when the coordinator gave no network."""
    wifi = job.wifi
    if wifi is None:
        return None
    return {
        "payload": wifi.payload,
        "name": wifi.name,
        "password": wifi.password,
        "name_size": address_size(wifi.name, width, largest),
        "password_size": address_size(wifi.password or "aucun", width, largest),
    }


def build_affiche(job: PrintJob, fitter: TextFitter) -> dict:
    q = job.questionnaire
    pages = []
    whole_page = None
    if job.question in (None, WHOLE):
        code = poster_code("affiche")
        whole_page = {
            "uid": "qr-tout",
            "whole": True,
            "headline": fit(fitter, q.title, POSTER_TITLE),
            "intro": fit(fitter, q.intro, POSTER_INTRO) if q.intro else None,
            "count": len(q.answerable),
            "url": job.url("qr", code),
            "code": code,
            "postit": False,
            "paper": "papier" in job.campaign.channels,
        }
    if job.question != WHOLE and (job.question or board_questions(q)):
        for question in _selected(job, board_questions(q)):
            code = poster_code("affiche", question.id)
            pages.append(
                {
                    "uid": f"qr-{question.id}",
                    "whole": False,
                    "headline": fit(fitter, question.label, POSTER_QUESTION),
                    "url": job.url("qr", code, question.id),
                    "code": code,
                    "postit": "post-it" in job.campaign.channels,
                    "paper": "papier" in job.campaign.channels,
                }
            )
    if whole_page:
        pages.append(whole_page)
    for page in pages:
        used = (
            POSTER_KICKER
            + page["headline"].height
            + (POSTER_INTRO_GAP + page["intro"].height if page.get("intro") else 0)
        )
        page["offset"] = round(max(0.0, (POSTER_ASK_HEIGHT - used) / 2), 2)
    return {
        **_common(job, fitter),
        "pages": pages,
        "band_who": fit(fitter, job.campaign.structure or job.campaign.title, Box(96, 8, 6.5, 3.7, 1.1)),
        "band_where": fit(fitter, job.campaign.quartier, Box(86, 6, 4.4, 2.8, 1.2, bold=False)),
        "purpose": fit(fitter, q.purpose, POSTER_PURPOSE) if q.purpose else None,
        "url_size": address_size(job.short_url, POSTER_URL_WIDTH, 5.5),
        "wifi": wifi_join(job, fitter),
    }


# --- ordi-panneau ----------------------------------------------------------------------------
ORDI_SCREEN = (189, 118)  # the screen of printables/art/ordinateur.svg, in rem
ORDI_SIDE_WIDTH = 62
# With the team's Wi-Fi, the side column stacks two smaller codes (30 rem), each with its text
# on its right; the purpose box gets shorter to make room.
ORDI_JOIN_TEXT_WIDTH = 31


def ordi_panels(questionnaire: Questionnaire) -> list[list[Question]]:
    """The board questions, three per panel: none is left out for want of room."""
    pool = board_questions(questionnaire)
    return [pool[i : i + ORDI_MAX_QUESTIONS] for i in range(0, len(pool), ORDI_MAX_QUESTIONS)]


def numbers_text(questionnaire: Questionnaire, questions: list[Question]) -> str:
    """« questions 1, 2 et 3 », « question 4 »."""
    numbers = [str(questionnaire.number_of(q.id)) for q in questions]
    if len(numbers) == 1:
        return f"question {numbers[0]}"
    return f"questions {', '.join(numbers[:-1])} et {numbers[-1]}"


def ordi_plan_text(questionnaire: Questionnaire) -> str:
    """What an ordi-panneau of every question will print, and which questions no panel shows
    (those asked only after some answer), for the coordinator before printing."""
    panels = ordi_panels(questionnaire)
    if not panels:
        return ""
    if len(panels) == 1:
        text = f"Un panneau : {numbers_text(questionnaire, panels[0])}."
    else:
        parts = " ; ".join(f"panneau {i} : {numbers_text(questionnaire, group)}" for i, group in enumerate(panels, 1))
        text = f"{len(panels)} panneaux, trois questions au plus par écran ({parts})."
    left_out = [q for q in questionnaire.answerable if q.show_if is not None]
    if left_out:
        which = numbers_text(questionnaire, left_out)
        the, verb, why = ("La", "n'est", "elle dépend") if len(left_out) == 1 else ("Les", "ne sont", "elles dépendent")
        text += f" {the} {which} {verb} sur aucun panneau : {why} d'une réponse précédente."
    return french(text)


def build_ordi(job: PrintJob, fitter: TextFitter) -> dict:
    # One question asked for; else every board question, three per panel (none: a French error).
    groups = [_selected(job, [])] if job.question else (ordi_panels(job.questionnaire) or [_selected(job, [])])
    single = groups[0][0].id if job.question else None
    code = poster_code("ordi-panneau", single)
    wifi = wifi_join(job, fitter, ORDI_JOIN_TEXT_WIDTH, 3.4)
    return {
        **_common(job, fitter),
        "panels": [_ordi_screen(fitter, questions) for questions in groups],
        "title": french(job.questionnaire.title),
        "url": job.url("qr", code, single),
        "code": code,
        "purpose": fit(
            fitter, job.questionnaire.purpose, Box(ORDI_SIDE_WIDTH, 30 if wifi is None else 17, 3.6, 2.6, 1.3, False)
        ),
        "url_size": address_size(job.short_url, ORDI_SIDE_WIDTH, 3.2),
        "wifi": wifi,
    }


def _ordi_screen(fitter: TextFitter, questions: list[Question]) -> dict:
    """One to three questions side by side on the drawn screen, at one type size."""
    n = len(questions)
    column = (ORDI_SCREEN[0] - 12 - 6 * (n - 1)) / n
    box = Box(round(column - 4, 2), 44, 9 if n > 1 else 16, 4, 1.15)
    fitted = [fit(fitter, question.label, box) for question in questions]
    # One size for every question on the screen, and post-it areas that line up.
    size = min(f.size for f in fitted)
    height = max(fitter.lines(f.text, size, box.width, True) or 1 for f in fitted) * size * box.line_height
    box = Box(box.width, round(height + 0.5, 2), size, size, box.line_height)
    return {
        "questions": [Fitted(f.text, size, box, fitter.lines(f.text, size, box.width, True) or 1) for f in fitted],
        "column": column,
    }


# --- panneau (porteur de parole) --------------------------------------------------------------
PANEL_QUESTION = Box(262, 128, 30, 12, 1.1)
PANEL_ASK_HEIGHT = 136
PANEL_URL_WIDTH = 72  # under the code, bottom right


# With the team's Wi-Fi the bottom band grows (two numbered codes beside a narrower invitation)
# and the question gets the rest; see panneau.css (.with-wifi).
PANEL_WIFI_QUESTION = Box(262, 110, 30, 12, 1.1)
PANEL_WIFI_ASK_HEIGHT = 118
PANEL_WIFI_INVITE_WIDTH = 128
PANEL_WIFI_STEP_WIDTH = 66  # each of the two steps: its code (35 rem), its text on the right
PANEL_WIFI_TEXT_WIDTH = 28
PANEL_PURPOSE_LEAD = french("À quoi servira votre réponse ?")


def build_panneau(job: PrintJob, fitter: TextFitter) -> dict:
    wifi = wifi_join(job, fitter, PANEL_WIFI_TEXT_WIDTH, 3.4)
    box, ask = (PANEL_QUESTION, PANEL_ASK_HEIGHT) if wifi is None else (PANEL_WIFI_QUESTION, PANEL_WIFI_ASK_HEIGHT)
    pages = []
    for question in _selected(job, open_questions(job.questionnaire) or board_questions(job.questionnaire)):
        code = poster_code("panneau", question.id)
        headline = fit(fitter, question.label, box)
        pages.append(
            {
                "uid": f"qr-{question.id}",
                "headline": headline,
                "offset": round(max(0.0, (ask - headline.height) / 2), 2),
                "url": job.url("qr", code, question.id),
                "code": code,
            }
        )
    invite = 196 if wifi is None else PANEL_WIFI_INVITE_WIDTH
    # The purpose follows « À quoi servira votre réponse ? » in the same paragraph: fit both.
    purpose = fit(
        fitter,
        f"{PANEL_PURPOSE_LEAD} {job.questionnaire.purpose}",
        Box(invite, 14 if wifi is None else 18, 3.6, 2.6, 1.3, False),
    )
    return {
        **_common(job, fitter),
        "pages": pages,
        "purpose": replace(purpose, text=french(job.questionnaire.purpose)),
        "purpose_lead": PANEL_PURPOSE_LEAD,
        "url_size": address_size(job.short_url, PANEL_URL_WIDTH if wifi is None else PANEL_WIFI_STEP_WIDTH, 3.6),
        "wifi": wifi,
    }


# --- cartes-reponse (for the scribe) ----------------------------------------------------------
CARD_QUESTION = Box(148, 26, 7, 3.6, 1.15)


def build_cartes_reponse(job: PrintJob, fitter: TextFitter) -> dict:
    pages = []
    for question in _selected(job, open_questions(job.questionnaire) or board_questions(job.questionnaire)):
        code = poster_code("cartes-reponse", question.id)
        card = {
            "question": fit(fitter, question.label, CARD_QUESTION),
            "code": code,
            "url": team_url(job.base_url, job.campaign.id),
            "qid": question.id,
        }
        pages.append([card, card])
    return {**_common(job, fitter), "pages": pages, "age_bands": [short_age(band) for band in AGE_BANDS]}


def short_age(band: str) -> str:
    """« 18 à 29 ans » → « 18–29 »: the bands of the scribe's form, short enough for one line."""
    return band.replace(" ans", "").replace(" à ", "–")


# --- cartes-paroles (quotes to hang) ----------------------------------------------------------
QUOTE = Box(166, 78, 13, 5, 1.25, bold=False)
QUOTE_QUESTION = Box(146, 10, 3.6, 2.4, 1.2, bold=False)
QUOTE_URL_WIDTH = 90  # in the margin under the card's code


def quote_questions(questionnaire: Questionnaire, question_id: str | None = None) -> list[Question]:
    """The questions whose answers may become quote cards: written ones (one, or all)."""
    return [
        q for q in questionnaire.answerable if q.is_long_text and (question_id in (None, WHOLE) or q.id == question_id)
    ]


def answer_quotes(answer: dict, questions: list[Question]) -> list[dict]:
    """The quotes one answer gives: none unless its author agreed to display them and to their
    reuse beyond the day (``consent.may_display`` and ``may_quote``: a printed card outlives the
    session), and no coordinator hid it (``hidden``) or took it off the wall (``wall_hidden``)."""
    if not (may_display(answer) and may_quote(answer)) or answer.get("hidden") or answer.get("wall_hidden"):
        return []
    values = answer.get("answers") or {}
    quotes = []
    for question in questions:
        text = values.get(question.id)
        if isinstance(text, str) and text.strip():
            quotes.append({"answer": answer, "question": question, "text": text.strip()})
    return quotes


def consented_quotes(questionnaire: Questionnaire, answers, question_id: str | None = None) -> list[dict]:
    """Every quote of ``answers`` (``answer_quotes``), in their order."""
    questions = quote_questions(questionnaire, question_id)
    return [quote for answer in answers for quote in answer_quotes(answer, questions)]


def newest_quotes(
    questionnaire: Questionnaire,
    newest_first: Iterable[dict],
    question_id: str | None = None,
    limit: int = DEFAULTS["QUOTE_CARDS_MAX"],
    since: date | None = None,
    until: date | None = None,
    zone: str = DEFAULTS["TIMEZONE"],
) -> list[dict]:
    """At most ``limit`` quotes, the newest, given answers newest first (``iter_newest``), read
    only until the limit is reached: a PDF holds what a wire of cards holds, whatever the size
    of the campaign, and memory holds only those. ``since``/``until``: days (Paris time, both
    included) of ``submitted_at`` where the team is (``zone``). Returned oldest first, an answer's questions in order."""
    questions = quote_questions(questionnaire, question_id)
    groups: list[list[dict]] = []
    taken = 0
    for answer in _within(newest_first, since, until, zone):
        quotes = answer_quotes(answer, questions)
        if not quotes:
            continue
        quotes = quotes[: limit - taken]
        groups.append(quotes)
        taken += len(quotes)
        if taken >= limit:
            break
    return [quote for group in reversed(groups) for quote in group]


def _within(answers: Iterable[dict], since: date | None, until: date | None, zone: str) -> Iterator[dict]:
    if since is None and until is None:
        yield from answers
        return
    for answer in answers:
        day = local_day(answer.get("submitted_at"), zone)
        if day is None or (since and day < since) or (until and day > until):
            continue
        yield answer


def count_quotes(svc, campaign_id: str, questionnaire: Questionnaire) -> int:
    """How many quotes the campaign holds (every written question), counted part by part
    through the store's ``partials``, which may keep the count of parts that did not change."""
    questions = quote_questions(questionnaire)
    if not questions:
        return 0
    key = "quote-cards:" + ",".join(q.id for q in questions)
    parts = svc.answers.partials(
        campaign_id, key, lambda answers: sum(len(answer_quotes(a, questions)) for a in answers)
    )
    return sum(parts)


def _signature(answer: dict) -> str:
    parts = [
        str(answer[key]).strip()
        for key in ("first_name", "age_band")
        if isinstance(answer.get(key), (str, int)) and str(answer.get(key)).strip()
    ]
    return french(", ".join(parts))


def _local_date(stamp, zone: str) -> str:
    day = local_day(stamp, zone)
    return day.strftime("%d/%m/%Y") if day else ""


def build_cartes_paroles(job: PrintJob, fitter: TextFitter) -> dict:
    quotes = job.quotes
    if not quotes:
        raise PrintError(
            "Aucune parole à imprimer : aucune réponse écrite de cette campagne"
            + (" entre ces dates" if job.dated else "")
            + " n'a l'accord de la personne pour être affichée et réutilisée."
        )
    cards = []
    for index, quote in enumerate(quotes):
        question = quote["question"]
        code = poster_code("cartes-paroles", question.id)
        text = truncate_to_fit(fitter, quote["text"], QUOTE, end=" »")
        cards.append(
            {
                "uid": f"qr-{index}",
                "quote": fit(fitter, text, QUOTE),
                "question": fit(fitter, f"À la question « {question.label} »", QUOTE_QUESTION),
                "signature": _signature(quote["answer"]),
                "date": _local_date(quote["answer"].get("submitted_at"), job.zone),
                "url": job.url("qr", code, question.id),
                "code": code,
                "colour": index % 4,
            }
        )
    pages = [cards[i : i + 2] for i in range(0, len(cards), 2)]
    return {**_common(job, fitter), "pages": pages, "url_size": address_size(job.short_url, QUOTE_URL_WIDTH, 2.6)}


# --- questionnaire-papier ---------------------------------------------------------------------
def show_if_instruction(questionnaire: Questionnaire, question: Question) -> str:
    """« Si vous avez répondu « Oui » à la question 3, répondez à cette question ; sinon
    passez à la question 6. » The next question skips the whole block under the same condition."""
    condition = question.show_if
    target = questionnaire.question(condition.question)
    words = " ou ".join(f"« {target.label_of(v)} »" for v in condition.values)
    verb = "coché" if target.is_multiple else "répondu"
    answerable = list(questionnaire.answerable)
    skipped = {question.id}
    following = None
    for later in answerable[answerable.index(question) + 1 :]:
        if later.show_if == condition or (later.show_if and later.show_if.question in skipped):
            skipped.add(later.id)  # same condition, or depends on a skipped question
            continue
        following = later
        break
    if following is None:
        otherwise = "sinon le questionnaire est terminé"
    else:
        otherwise = f"sinon passez à la question {questionnaire.number_of(following.id)}"
    return french(
        f"Si vous avez {verb} {words} à la question {questionnaire.number_of(target.id)}, "
        f"répondez à cette question ; {otherwise}."
    )


# The help line of a paper question without its own ``help``: one plain instruction.
HOW_TO = {
    "short_text": "Écrivez en quelques mots.",
    "long_text": "Écrivez votre réponse sur les lignes.",
    "single_choice": "Cochez une seule case.",
    "multiple_choice": "Cochez toutes les cases qui conviennent.",
    "yes_no": "Cochez une seule case.",
    "scale": "Cochez une seule case, sous le visage qui vous ressemble.",
    "number": "Écrivez un nombre.",
}


def build_questionnaire_papier(job: PrintJob, fitter: TextFitter) -> dict:
    q = job.questionnaire
    code = paper_code(job.campaign, q.version)
    items = []
    for question in q.questions:
        item = {
            "q": question,
            "label": french(question.label),
            "help": french(question.help),
            "number": q.number_of(question.id) if question.answerable else None,
            "how": HOW_TO.get(question.type, ""),
            "options": [french(c.label) for c in question.options if c.value != "autre"],
            "condition": show_if_instruction(q, question) if question.show_if else "",
        }
        if question.is_number and (question.min is not None or question.max is not None):
            low = question.min if question.min is not None else "…"
            high = question.max if question.max is not None else "…"
            item["how"] = f"Écrivez un nombre (de {low} à {high})."
        # One help line: the question's own help, else how to answer (for people who read little).
        item["help_line"] = item["help"] or french(item["how"])
        if question.is_scale:  # the faces of the web form, from sad (1) to happy (5)
            item["scale"] = [(n, french(label)) for n, label in enumerate(question.scale_labels, 1)]
        items.append(item)
    return {
        **_common(job, fitter),
        "items": items,
        "code": code,
        "title": french(q.title),
        "team": french(team_of(job.campaign)),
        "intro": french(q.intro),
        "purpose": french(q.purpose),
        "consent": french(f"{q.consent} {QUOTE_NOTICE}".strip()),
        "url": job.url("qr", code),
        "code_size": mono_size(code, 168, 7),
        "url_size": address_size(job.short_url, 170, 4.4),
    }


KINDS: dict[str, Kind] = {
    kind.id: kind
    for kind in (
        Kind(
            "affiche",
            "Affiche avec QR code",
            "Une question en gros caractères (ou tout le questionnaire), un QR code qui mène au formulaire, "
            "l'adresse à taper et « à quoi servira votre réponse ».",
            "portrait",
            tuple(PAGE_SIZES),
            "A4",
            "affiche.html",
            "affiche",
            True,
            build_affiche,
            whole=True,
        ),
        Kind(
            "ordi-panneau",
            "Ordi-panneau",
            "Un grand ordinateur dessiné avec deux ou trois questions sur l'écran, et de la place pour les post-it.",
            "landscape",
            ("A3", "A2", "A1", "A0"),
            "A1",
            "ordi-panneau.html",
            "ordi-panneau",
            True,
            build_ordi,
        ),
        Kind(
            "panneau",
            "Panneau du porteur de parole",
            "La grande question du porteur de parole, à lire de loin.",
            "landscape",
            ("A3", "A2", "A1", "A0"),
            "A1",
            "panneau.html",
            "panneau",
            True,
            build_panneau,
        ),
        Kind(
            "cartes-reponse",
            "Cartes-réponse (pour écrire)",
            "Deux cartes par feuille A4 : la question, la place pour les mots de la personne, prénom et âge "
            "s'ils le veulent, et son accord pour l'affichage et le compte rendu.",
            "portrait",
            ("A4", "A3"),
            "A4",
            "cartes-reponse.html",
            "cartes",
            True,
            build_cartes_reponse,
        ),
        Kind(
            "cartes-paroles",
            "Cartes « paroles recueillies »",
            "Les réponses que leurs auteurs ont accepté d'afficher, deux par feuille, à accrocher sur le fil.",
            "portrait",
            ("A4", "A3"),
            "A4",
            "cartes-paroles.html",
            "cartes",
            True,
            build_cartes_paroles,
        ),
        Kind(
            "questionnaire-papier",
            "Questionnaire papier",
            "Toutes les questions avec des cases à cocher et des lignes pour écrire, un QR code vers la version "
            "en ligne et le code de la feuille pour la saisie.",
            "portrait",
            ("A4", "A3"),
            "A4",
            "questionnaire-papier.html",
            "questionnaire-papier",
            False,
            build_questionnaire_papier,
        ),
    )
}


def planned_pages(job: PrintJob) -> int | None:
    """How many pages a job makes, counted before anything is laid out (the same choice of
    questions as the builders); None for the paper questionnaire, whose pages flow."""
    q, kind = job.questionnaire, job.kind.id
    if kind == "questionnaire-papier":
        return None
    if kind == "cartes-paroles":
        return -(-len(job.quotes) // 2)
    if job.question:
        return 1
    if kind == "affiche":
        return len(board_questions(q)) + 1
    if kind == "ordi-panneau":
        return len(ordi_panels(q))
    return len(open_questions(q) or board_questions(q))


def check_question(kind: Kind, questionnaire: Questionnaire, question: str | None) -> str | None:
    """The question asked for, or a French error saying which ones exist."""
    if not question:
        return None
    if not kind.uses_question:
        raise PrintError(f"« {kind.title} » contient toutes les questions : n'indiquez pas de question.")
    if question == WHOLE:
        if not kind.whole:
            raise PrintError(f"« {WHOLE} » (tout le questionnaire) ne vaut que pour les affiches.")
        return WHOLE
    found = questionnaire.question(question)
    allowed = [q.id for q in questionnaire.answerable]
    if kind.id == "cartes-paroles":
        allowed = [q.id for q in questionnaire.answerable if q.is_long_text]
    if found is None or question not in allowed:
        raise PrintError(
            f"La question « {question} » n'existe pas dans le questionnaire « {questionnaire.title} »"
            f"{' (ou ne convient pas pour « ' + kind.title + ' »)' if found else ''}. "
            f"Questions possibles : {', '.join(allowed)}."
        )
    return question


def check_size(kind: Kind, size: str | None) -> str:
    size = (size or kind.default_size).strip().upper()
    if size not in kind.sizes:
        raise PrintError(
            f"Le format « {size} » n'est pas possible pour « {kind.title} ». "
            f"Formats possibles : {', '.join(kind.sizes)}."
        )
    return size


def check_tile(size: str, tile: str | None) -> str | None:
    if not tile:
        return None
    tile = tile.strip().upper()
    if tile not in ("A4", "A3"):
        raise PrintError(f"Le découpage se fait sur des feuilles A4 ou A3, pas « {tile} ».")
    if PAGE_SIZES[tile][0] >= PAGE_SIZES[size][0]:
        raise PrintError(
            f"Le découpage en feuilles {tile} sert aux formats plus grands que {tile} "
            f"(ici {size} tient sur une feuille)."
        )
    return tile
