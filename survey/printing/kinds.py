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
from ..model.translations import in_language, own_name
from ..services.fieldwork.paper import paper_code
from ..services.structure_identity import Identity
from .errors import PrintError
from .links import form_url, poster_code, short_url, team_url
from .render import PAGE_SIZES, PageFormat
from .typography import TextFitter, face_for, french, of_name, typeset
from .words import Words

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


def fit(fitter: TextFitter, text: str, box: Box, language: str = "fr") -> Fitted:
    """The language's typography, then the largest size that fits, measured with the face that
    draws the language (Amiri for Arabic); below the smallest size only for a text too long for
    its box (down to half of it), never overflowing silently."""
    text = typeset(text, language)
    face = face_for(language)
    size = fitter.fit(text, box.width, box.height, box.largest, box.smallest, box.line_height, box.bold, face=face)
    if not _fits(fitter, text, size, box, face):
        size = fitter.fit(
            text, box.width, box.height, box.smallest, box.smallest / 2, box.line_height, box.bold, step=0.1, face=face
        )
    return Fitted(text, size, box, fitter.lines(text, size, box.width, box.bold, face) or 1)


def _fits(fitter, text, size, box, face: str = "latin") -> bool:
    lines = fitter.lines(text, size, box.width, box.bold, face)
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
    identity: Identity | None = None  # who runs it: name, RGPD contact, logo (services/structure_identity.py)
    # A language the questionnaire declares, other than its reference (None: the reference only).
    # The paper questionnaire prints wholly in it; a poster or panel prints both (``Kind.languages``).
    language: str | None = None

    def url(
        self, channel: str = "qr", poster: str | None = None, question: str | None = None, language: str | None = None
    ) -> str:
        return form_url(self.base_url, self.campaign.id, channel, poster, question, language)

    @property
    def words(self) -> Words:
        """The words of the page's first language: the chosen one for a paper questionnaire,
        else the reference (French), with the second language beside it (``second``)."""
        if self.language and self.kind.languages == "page":
            return Words(self.language)
        return Words(self.questionnaire.language)

    @property
    def second(self) -> Words | None:
        """The other language of a bilingual poster or panel."""
        return Words(self.language) if self.language and self.kind.languages == "both" else None

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
        if self.language:
            parts.append(self.language)
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
    # Other languages: "page" (the whole sheet in the chosen one), "both" (French and the chosen
    # one, each question in both), "" (French only: the cards are written on by the team).
    languages: str = ""
    # Sheets laid out alone (``pages`` of the context, no page counter): rendered by batches of
    # this many and joined, so that a PDF of many cards never holds every sheet's layout at once.
    batch_sheets: int = 0


def board_questions(questionnaire: Questionnaire) -> list[Question]:
    """Questions that can stand alone on a board: answerable, without a condition."""
    return [q for q in questionnaire.answerable if q.show_if is None]


def open_questions(questionnaire: Questionnaire) -> list[Question]:
    return [q for q in questionnaire.answerable if q.type in OPEN_TYPES and q.show_if is None]


def printed_name(campaign: Campaign, identity: Identity | None = None) -> str:
    """Who runs the campaign, as printed: its own « structure » text (a partner may be named
    there), else the name of the structure that owns it (``identity``)."""
    return identity.name if identity is not None else campaign.structure.strip()


def _in_french(words: Words | None) -> bool:
    return words is None or words.is_reference


def team_of(campaign: Campaign, identity: Identity | None = None, words: Words | None = None) -> str:
    """« l'équipe du Centre social », with the article the name needs (« de la Médiathèque »);
    in another language, its catalog's words around the name (``words``)."""
    name = printed_name(campaign, identity)
    if not _in_french(words):
        return words("l'équipe de {name}", name=name) if name else words("l'équipe qui mène l'enquête")
    if not name:
        return "l'équipe qui mène l'enquête"
    return f"l'équipe {of_name(name)}"


def contact_sentence(
    campaign: Campaign,
    identity: Identity | None = None,
    what: str = "les consulter ou les effacer",
    words: Words | None = None,
) -> str:
    """« Pour les consulter ou les effacer, contactez l'équipe du Centre social : … », with the
    structure's RGPD contact; without one, the words printed before structures had one.
    In another language, the whole sentence is the catalog's (``words``)."""
    who = team_of(campaign, identity, words)
    if not _in_french(words):
        if identity is not None and identity.contact:
            return words(f"Pour {what}, contactez {{who}} : {{contact}}.", who=who, contact=identity.contact)
        return words(f"Pour {what}, adressez-vous à {{who}}.", who=who)
    if identity is not None and identity.contact:
        return f"Pour {what}, contactez {who} : {identity.contact}."
    return f"Pour {what}, adressez-vous à {who}."


def rgpd_line(campaign: Campaign, identity: Identity | None = None, words: Words | None = None) -> str:
    """The privacy line of a sheet people answer from alone (QR code or post-it): it carries
    ``QUOTE_NOTICE``, which is what lets their anonymous words be quoted (``consent.may_quote``)."""
    who = team_of(campaign, identity, words)
    months = campaign.retention_months
    if not _in_french(words):
        return " ".join(
            (
                words("Nous ne demandons pas votre nom."),
                words(QUOTE_NOTICE),
                words(
                    "Vos réponses servent seulement à cette enquête, sont lues par {who} et gardées {months} mois au plus.",
                    who=who,
                    months=months,
                ),
                contact_sentence(campaign, identity, words=words),
            )
        )
    return french(
        f"Nous ne demandons pas votre nom. {QUOTE_NOTICE} Vos réponses servent seulement à cette enquête, "
        f"sont lues par {who} et gardées {months} mois au plus. " + contact_sentence(campaign, identity)
    )


def _common(job: PrintJob, fitter: TextFitter) -> dict:
    campaign = job.campaign
    name = printed_name(campaign, job.identity)
    words = job.words
    return {
        # The page's language (``<html lang dir>``), its words, and a bilingual sheet's second one.
        "say": words,
        "second": job.second,
        "campaign": campaign,
        "questionnaire": job.questionnaire,
        "kind": job.kind,
        "structure": french(name or campaign.title),
        "quartier": french(campaign.quartier),
        "rgpd": rgpd_line(campaign, job.identity),
        "doc_title": french(f"{job.kind.title} – {campaign.title}"),
        "author": french(name or "Porteur de parole"),
        "short_url": job.short_url,
        "logo": job.identity.logo_uri if job.identity else "",
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
POSTER_LOGO_WIDTH = 40  # the logo's white tile in the top band, before the name (affiche.css)
# The privacy line at the foot: a long RGPD contact makes its type smaller, never cut off the sheet.
POSTER_LEGAL = Box(160, 13, 2.7, 1.6, 1.3, bold=False)


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


# A bilingual poster (French and ``job.second``): each text in both, stacked, the same boxes
# halved; a code per language side by side, each opening the form in its language.
POSTER_BI_QUESTION = Box(186, 52, 14, 6, 1.12)
POSTER_BI_TITLE = Box(186, 30, 12, 6, 1.12)
POSTER_BI_INTRO = Box(186, 18, 5, 3, 1.3, bold=False)
POSTER_BI_GAP = 5  # between the two languages (a rule in the middle: affiche.css .second-lang)
POSTER_BI_PURPOSE = Box(84, 21, 4.4, 2.4, 1.3, bold=False)
POSTER_BI_LEGAL = Box(78, 13, 2.4, 1.4, 1.3, bold=False)


def lang_codes(job: PrintJob, poster: str, question_id: str | None, uid: str) -> list[dict] | None:
    """The codes of a bilingual sheet, French first: what a passer-by reads over each (« Répondre
    en français », « أجب بالعربية ») and the form's address in that language (``?lang=``).
    One code per language: whoever reads one of the two finds the code under their own words and
    lands on the form in them, with nothing to choose on the phone. None for one language."""
    if job.second is None:
        return None
    return [
        {"words": words, "url": job.url("qr", poster, question_id, words.language), "uid": f"{uid}-{words.language}"}
        for words in (job.words, job.second)
    ]


def _second_texts(job: PrintJob) -> Questionnaire | None:
    return in_language(job.questionnaire, job.second.language) if job.second else None


def build_affiche(job: PrintJob, fitter: TextFitter) -> dict:
    q = job.questionnaire
    other = _second_texts(job)
    lang = job.second.language if job.second else None
    pages = []
    whole_page = None
    if job.question in (None, WHOLE):
        code = poster_code("affiche")
        whole_page = {
            "uid": "qr-tout",
            "whole": True,
            "headline": fit(fitter, q.title, POSTER_BI_TITLE if other else POSTER_TITLE),
            "intro": fit(fitter, q.intro, POSTER_BI_INTRO if other else POSTER_INTRO) if q.intro else None,
            "second_headline": fit(fitter, other.title, POSTER_BI_TITLE, lang) if other else None,
            "second_intro": fit(fitter, other.intro, POSTER_BI_INTRO, lang) if other and other.intro else None,
            "count": len(q.answerable),
            "url": job.url("qr", code),
            "codes": lang_codes(job, code, None, "qr-tout"),
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
                    "headline": fit(fitter, question.label, POSTER_BI_QUESTION if other else POSTER_QUESTION),
                    "second_headline": fit(fitter, other.question(question.id).label, POSTER_BI_QUESTION, lang)
                    if other
                    else None,
                    "url": job.url("qr", code, question.id),
                    "codes": lang_codes(job, code, question.id, f"qr-{question.id}"),
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
            + (POSTER_BI_GAP + page["second_headline"].height if page["second_headline"] else 0)
            + (POSTER_INTRO_GAP + page["second_intro"].height if page.get("second_intro") else 0)
        )
        page["offset"] = round(max(0.0, (POSTER_ASK_HEIGHT - used) / 2), 2)
    return {
        **_common(job, fitter),
        "pages": pages,
        "band_who": fit(
            fitter,
            printed_name(job.campaign, job.identity) or job.campaign.title,
            Box(96 - (POSTER_LOGO_WIDTH if job.identity and job.identity.logo else 0), 8, 6.5, 3.7, 1.1),
        ),
        "band_where": fit(fitter, job.campaign.quartier, Box(86, 6, 4.4, 2.8, 1.2, bold=False)),
        "purpose": fit(fitter, q.purpose, POSTER_BI_PURPOSE if other else POSTER_PURPOSE) if q.purpose else None,
        "url_size": address_size(job.short_url, POSTER_URL_WIDTH, 5.5),
        "wifi": wifi_join(job, fitter),
        "legal": fit(fitter, rgpd_line(job.campaign, job.identity), POSTER_BI_LEGAL if other else POSTER_LEGAL),
        "second_purpose": fit(fitter, other.purpose, POSTER_BI_PURPOSE, lang) if other and other.purpose else None,
        "second_legal": fit(fitter, rgpd_line(job.campaign, job.identity, job.second), POSTER_BI_LEGAL, lang)
        if other
        else None,
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
        "panels": [_ordi_screen(fitter, questions, _second_texts(job)) for questions in groups],
        "codes": lang_codes(job, code, single, "qr-ordi"),
        "title": french(job.questionnaire.title),
        "url": job.url("qr", code, single),
        "code": code,
        "purpose": fit(
            fitter, job.questionnaire.purpose, Box(ORDI_SIDE_WIDTH, 30 if wifi is None else 17, 3.6, 2.6, 1.3, False)
        ),
        "url_size": address_size(job.short_url, ORDI_SIDE_WIDTH, 3.2),
        "wifi": wifi,
        "legal": fit(
            fitter,
            rgpd_line(job.campaign, job.identity),
            Box(ORDI_SIDE_WIDTH, 30 if wifi else 40, 2.3, 1.6, 1.3, False),
        ),
    }


def _ordi_screen(fitter: TextFitter, questions: list[Question], other: Questionnaire | None = None) -> dict:
    """One to three questions side by side on the drawn screen, at one type size; with ``other``
    (a bilingual panel) each also in that language under it, the two halves sharing the height."""
    n = len(questions)
    column = (ORDI_SCREEN[0] - 12 - 6 * (n - 1)) / n
    box = Box(round(column - 4, 2), 44 if other is None else 21, 9 if n > 1 else 16, 4 if other is None else 3, 1.15)

    def one_size(labels: list[str], language: str) -> list[Fitted]:
        # One size for every question on the screen, and post-it areas that line up.
        face = face_for(language)
        fitted = [fit(fitter, label, box, language) for label in labels]
        size = min(f.size for f in fitted)
        height = max(fitter.lines(f.text, size, box.width, True, face) or 1 for f in fitted) * size * box.line_height
        same = Box(box.width, round(height + 0.5, 2), size, size, box.line_height)
        return [Fitted(f.text, size, same, fitter.lines(f.text, size, same.width, True, face) or 1) for f in fitted]

    first = one_size([q.label for q in questions], "fr")
    second = one_size([other.question(q.id).label for q in questions], other.language) if other else None
    top = first[0].box.height + 4 + (second[0].box.height + 3 if second else 0)
    return {
        "questions": first,
        "seconds": second,
        "stick_top": round(top, 2),
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
PANEL_TALK = "Arrêtez-vous, dites-nous ce que vous en pensez : nous écrivons votre réponse avec vous, avec vos mots."
PANEL_BI_GAP = 6  # between the question's two languages (a rule: panneau.css .second-lang)
PANEL_BI_LARGEST = 22
PANEL_LOGO_HEIGHT = 20  # the logo at the top left of the frame (panneau.css .logo: 16 rem and a gap)


def build_panneau(job: PrintJob, fitter: TextFitter) -> dict:
    wifi = wifi_join(job, fitter, PANEL_WIFI_TEXT_WIDTH, 3.4)
    box, ask = (PANEL_QUESTION, PANEL_ASK_HEIGHT) if wifi is None else (PANEL_WIFI_QUESTION, PANEL_WIFI_ASK_HEIGHT)
    top = 0
    if job.identity and job.identity.logo:  # the logo above the question, which keeps the rest
        top = PANEL_LOGO_HEIGHT
        box, ask = replace(box, height=box.height - top), ask - top
    other = _second_texts(job)
    if other:  # each question in both languages: two boxes of half the height, and a gap
        box = replace(box, height=(box.height - PANEL_BI_GAP) / 2, largest=PANEL_BI_LARGEST, smallest=9)
    pages = []
    for question in _selected(job, open_questions(job.questionnaire) or board_questions(job.questionnaire)):
        code = poster_code("panneau", question.id)
        headline = fit(fitter, question.label, box)
        second = fit(fitter, other.question(question.id).label, box, other.language) if other else None
        used = headline.height + (PANEL_BI_GAP + second.height if second else 0)
        pages.append(
            {
                "uid": f"qr-{question.id}",
                "headline": headline,
                "second_headline": second,
                "offset": round(top + max(0.0, (ask - used) / 2), 2),
                "url": job.url("qr", code, question.id),
                "codes": lang_codes(job, code, question.id, f"qr-{question.id}"),
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
    common = _common(job, fitter)
    where = " · ".join(p for p in (common["structure"], common["quartier"]) if p)
    legal = fit(fitter, f"{where} — {common['rgpd']}", Box(invite, 10.5 if wifi is None else 16, 2.4, 1.6, 1.3, False))
    talks = None
    if other:  # the invitation in both languages, smaller; the purpose and the legal line in French
        talk = Box(invite, 8.5 if wifi is None else 11, 4.4, 2.6, 1.2)
        talks = [fit(fitter, PANEL_TALK, talk), fit(fitter, job.second(PANEL_TALK), talk, other.language)]
        purpose = fit(
            fitter,
            f"{PANEL_PURPOSE_LEAD} {job.questionnaire.purpose}",
            Box(invite, 9 if wifi is None else 14, 3.2, 2, 1.3, False),
        )
        legal = fit(fitter, f"{where} — {common['rgpd']}", Box(invite, 9 if wifi is None else 12, 2.4, 1.4, 1.3, False))
    return {
        **common,
        "talks": talks,
        "legal": legal,
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
def show_if_instruction(questionnaire: Questionnaire, question: Question, say: Words | None = None) -> str:
    """« Si vous avez répondu « Oui » à la question 3, répondez à cette question ; sinon
    passez à la question 6. » The next question skips the whole block under the same condition.
    ``say``: the words of the sheet's language (the questionnaire given already translated)."""
    say = say or Words()
    condition = question.show_if
    target = questionnaire.question(condition.question)
    chosen = f" {say('ou')} ".join(say.quoted(target.label_of(v)) for v in condition.values)
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
        otherwise = say("sinon le questionnaire est terminé")
    else:
        otherwise = say("sinon passez à la question {number}", number=questionnaire.number_of(following.id))
    sentence = (
        "Si vous avez coché {choices} à la question {number}, répondez à cette question ; {otherwise}."
        if target.is_multiple
        else "Si vous avez répondu {choices} à la question {number}, répondez à cette question ; {otherwise}."
    )
    return say(sentence, choices=chosen, number=questionnaire.number_of(target.id), otherwise=otherwise)


# The help line of a paper question without its own ``help``: one plain instruction.
HOW_TO = {
    "short_text": "Écrivez en quelques mots.",
    "long_text": "Écrivez votre réponse sur les lignes.",
    "single_choice": "Cochez une seule case.",
    "multiple_choice": "Cochez toutes les cases qui conviennent.",
    "yes_no": "Cochez une seule case.",
    "scale": "Cochez une seule case, sous le visage qui vous ressemble.",
    "number": "Écrivez un nombre.",
    "dessin": "Dessinez dans le cadre.",
}


def build_questionnaire_papier(job: PrintJob, fitter: TextFitter) -> dict:
    """The whole questionnaire on paper, in the job's language (``in_language``: the same
    questions and values, so the team types a sheet in whatever language it was filled in)."""
    say = job.words
    q = in_language(job.questionnaire, say.language)
    code = paper_code(job.campaign, q.version)
    lang = say.language
    items = []
    for question in q.questions:
        item = {
            "q": question,
            "label": typeset(question.label, lang),
            "help": typeset(question.help, lang),
            "number": q.number_of(question.id) if question.answerable else None,
            "how": say(HOW_TO[question.type]) if question.type in HOW_TO else "",
            "options": [typeset(c.label, lang) for c in question.options if c.value != "autre"],
            # Each option's pictogram name ("" for none), in the same order: drawn beside its box.
            "pictos": [c.picto for c in question.options if c.value != "autre"],
            "other": typeset(question.other_label, lang),
            "other_picto": next((c.picto for c in question.options if c.value == "autre"), ""),
            "condition": show_if_instruction(q, question, say) if question.show_if else "",
        }
        if question.is_number and (question.min is not None or question.max is not None):
            low = question.min if question.min is not None else "…"
            high = question.max if question.max is not None else "…"
            item["how"] = say("Écrivez un nombre (de {low} à {high}).", low=low, high=high)
        # One help line: the question's own help, else how to answer (for people who read little).
        item["help_line"] = item["help"] or item["how"]
        if question.is_scale:  # the faces of the web form, from sad (1) to happy (5)
            item["scale"] = [(n, typeset(label, lang)) for n, label in enumerate(question.scale_labels, 1)]
        items.append(item)
    return {
        **_common(job, fitter),
        "items": items,
        "code": code,
        "title": typeset(q.title, lang),
        "team": typeset(team_of(job.campaign, job.identity, say), lang),
        "intro": typeset(q.intro, lang),
        "purpose": typeset(q.purpose, lang),
        "consent": typeset(f"{q.consent} {say(QUOTE_NOTICE)}".strip(), lang),
        "contact": typeset(contact_sentence(job.campaign, job.identity, "consulter ou effacer vos réponses", say), lang)
        if job.identity and job.identity.contact
        else "",
        "url": job.url("qr", code, language=None if say.language == job.questionnaire.language else lang),
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
            languages="both",
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
            languages="both",
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
            languages="both",
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
            batch_sheets=10,
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
            languages="page",
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


def language_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(code, name in its own words) of every language the questionnaire declares, reference first."""
    return [(code, own_name(code)) for code in questionnaire.languages]


def check_language(kind: Kind, questionnaire: Questionnaire, language: str | None) -> str | None:
    """The other language asked for (None for the reference or none), or a French error that
    lists the questionnaire's languages."""
    language = (language or "").strip()
    if not language or language == questionnaire.language:
        return None
    if language not in questionnaire.languages:
        choices = ", ".join(f"{code} ({name})" for code, name in language_choices(questionnaire))
        raise PrintError(
            f"Le questionnaire « {questionnaire.title} » n'est pas traduit dans la langue « {language} ». "
            f"Langues possibles : {choices}."
        )
    if not kind.languages:
        raise PrintError(
            f"« {kind.title} » s'imprime en français seulement (l'équipe écrit dessus). Une autre langue "
            "est possible pour l'affiche, le panneau, l'ordi-panneau et le questionnaire papier."
        )
    return language


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
