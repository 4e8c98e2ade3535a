"""The public side: the list of campaigns, the form (one page or one question per
screen), and the thank-you page. No account needed; nobody sees others' answers."""

from __future__ import annotations

import json
import re
import uuid

from babel.lists import format_list
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, get_translations, gettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..catalogs import N_
from ..forms import QuestionnaireForm, field_name, other_name
from ..model.answer_record import is_answer_id, new_answer
from ..model.campaign import CHANNELS, Campaign
from ..model.clock import parse_time, utc_now
from ..model.media import RECORDING
from ..model.questionnaire import AUDIENCES, Question, Questionnaire
from ..services.answer_channel import PUBLIC, TEAM_FORM_CHANNELS, ChannelRefused, form_channel, labels
from ..services.media import keep_media, media_questions
from ..services.structure_identity import identity_for
from ..services.volunteers import pseudonym_for
from ..storage import AnswerConflict
from . import compress, kiosk
from .access import CARRIED_ARGS, is_coordinator, load_campaign, services, team_member, team_today
from .field_errors import on
from .languages import (
    LANG_ARG,
    campaign_in_language,
    keeps_language,
    language_arg,
    language_links,
    page_words,
    set_keep_language,
)
from .media_uploads import answer_media, keep_for_next_screen
from .posted_forms import posted_form_class

bp = Blueprint("public", __name__)

STEP_MODE = "pas-a-pas"
# Query arguments a form keeps from one screen to the next and into "personne suivante".


@bp.route("/")
def index():
    svc, today = services(), team_today()
    # Only what the public can answer alone: a campaign without the public channel is the team's.
    open_ones = [
        (c, svc.questionnaire_for(c)) for c in svc.campaigns.all() if c.accepts_answers(today) and PUBLIC in c.channels
    ]
    # Inhabitants' questionnaires apart from professionals' (the questionnaire's ``audience``).
    groups = [
        (audience, title, [(c, q) for c, q in open_ones if q and q.audience == audience])
        for audience, title in AUDIENCES.items()
    ]
    return render_template("public/index.html", groups=[g for g in groups if g[2]])


def carried_args() -> dict:
    source = request.values
    return {k: source[k] for k in CARRIED_ARGS if source.get(k)}


def channel_for(campaign: Campaign) -> str:
    """The channel of an answer sent from here, decided by who sends it (``answer_channel``);
    raises ``ChannelRefused`` when the campaign takes none for this sender."""
    in_kiosk = kiosk.kiosk_requested() or kiosk.locked_campaign() == campaign.id
    return form_channel(
        campaign,
        team=team_member(campaign.id) is not None,
        kiosk=in_kiosk,
        coordinator=is_coordinator(),
        asked=request.values.get("canal"),
        chosen=(session.get("channel") or {}).get(campaign.id),
    )


def channel_refused(campaign: Campaign, error: ChannelRefused):
    """The refusal in the page's language, the campaign's channels named in it too."""
    channels = labels(campaign, gettext, lambda names: format_list(names, locale=get_locale()))
    message = gettext(error.template, channels=channels)
    return render_template("public/channel_refused.html", campaign=campaign, message=message), 403


def door_round_url(campaign: Campaign, channel: str) -> str | None:
    """« Porte suivante »: back to the volunteer's door-to-door round, same sector and session."""
    if channel != "porte-a-porte" or team_member(campaign.id) is None:
        return None
    args = {k: request.values[k] for k in ("secteur", "session") if request.values.get(k)}
    return url_for("terrain.doors", campaign_id=campaign.id, **args)


def single_question(questionnaire: Questionnaire) -> Question | None:
    """The one question a board poster asks (``?question=id``), if any."""
    question_id = request.values.get("question")
    if not question_id:
        return None
    question = questionnaire.question(question_id)
    if question is None or not question.answerable:
        abort(404, description=N_("Cette question n'existe pas dans ce questionnaire."))
    return question


@bp.route("/c/<campaign_id>/", methods=["GET", "POST"])
def answer_form(campaign_id: str):
    # ``reference``: as stored (answers are saved against it); ``questionnaire``: in the respondent's language.
    campaign, reference, questionnaire, _language = campaign_in_language(campaign_id)
    if not campaign.accepts_answers(team_today()):
        return render_template("public/closed.html", campaign=campaign), 410
    try:
        channel = channel_for(campaign)
    except ChannelRefused as error:
        return channel_refused(campaign, error)
    if request.method == "GET" and is_plain_visit(campaign, channel):
        compress.reflects_nothing()
        return plain_form_page(campaign, questionnaire, channel)
    svc = services()
    media_kinds = media_questions(questionnaire, campaign.voice_answers)
    form_class = posted_form_class(svc, questionnaire, current_app.config["MAX_TEXT_LENGTH"])
    form: QuestionnaireForm = form_class()
    single = single_question(questionnaire)
    only = {single.id} if single else None
    step_mode = request.values.get("mode") == STEP_MODE and single is None
    notice = None

    if request.method == "GET":
        form.answer_id.data = str(uuid.uuid4())
        form.started_at.data = utc_now()
        return render_form(campaign, questionnaire, form, single, step_mode, current=None)

    if not is_answer_id(form.answer_id.data):
        form.answer_id.data = str(uuid.uuid4())
        notice = gettext("Le formulaire a été rechargé. Vérifiez vos réponses puis envoyez-les.")
    if parse_time(form.started_at.data) is None:
        form.started_at.data = utc_now()

    action = request.form.get("action", "envoyer")
    # Recordings and drawings, checked from their bytes; a refused one is its question's error.
    media, refused = answer_media(media_kinds, campaign.id, form.answer_id.data)
    form.media_answered = frozenset(media)
    if step_mode and action in ("suivant", "precedent"):
        return move_step(campaign, questionnaire, form, action, media, refused)

    raw = form.raw_values()  # the values as typed, read once for the checks and the answer kept
    valid = form.validate_questions(only, raw=raw)
    valid = said_refusals(questionnaire, form, refused, only, raw) and valid
    if notice or not valid:
        if form.csrf_errors:
            notice = gettext(
                "La page était ouverte depuis longtemps. Vos réponses sont gardées : "
                "vérifiez-les puis envoyez à nouveau."
            )
        notice = notice or form.empty_error
        current = first_error(form) if step_mode else None
        kept = keep_for_next_screen(campaign.id, form.answer_id.data, media)
        return render_form(campaign, questionnaire, form, single, step_mode, current, notice, kept), 422

    answer = build_answer(campaign, questionnaire, form, only, channel, raw)
    visible = {q.id for q in form.visible_questions(only, raw)}
    try:
        shown_media = {qid: item for qid, item in media.items() if qid in visible}
        if shown_media:  # on disk before the answer that names them is acknowledged
            answer["media"] = keep_media(svc, campaign.id, answer["id"], shown_media)
        svc.save_answer(reference, answer)
    except AnswerConflict:
        return render_template("public/conflict.html", campaign=campaign, args=carried_args()), 409
    except OSError:
        current_app.logger.exception("answer not saved")
        notice = gettext(
            "Votre réponse n'a pas pu être enregistrée (problème sur l'ordinateur qui reçoit les réponses). "
            "Rien n'est perdu sur cette page : réessayez dans un instant."
        )
        kept = {entry["question"]: entry["file"] for entry in answer.get("media", [])}  # those written
        return render_form(campaign, questionnaire, form, single, step_mode, None, notice, kept), 503
    thanks_url = url_for(
        "public.thanks", campaign_id=campaign.id, **carried_args(), **language_arg(questionnaire, reference)
    )
    return redirect(thanks_url, code=303)


def build_answer(
    campaign: Campaign, questionnaire: Questionnaire, form: QuestionnaireForm, only, channel: str, raw: dict
) -> dict:
    return new_answer(
        campaign,
        questionnaire,
        answer_id=form.answer_id.data,
        answers=form.answers(only, raw),
        channel=channel,  # ``channel_for``, as the view found it
        collector=session.get("collector", {}).get(campaign.id, ""),
        session=request.values.get("session"),
        poster=request.values.get("affiche"),
        started_at=form.started_at.data,
    )


def said_refusals(
    questionnaire: Questionnaire, form: QuestionnaireForm, refused: dict, only, raw: dict | None = None
) -> bool:
    """Each refused medium said on its question's field (if shown); False when there is one."""
    if not refused:
        return True
    valid = True
    shown = form.visible_questions(only, raw)
    for question_id, message in refused.items():
        question = questionnaire.question(question_id)
        if question is not None and question in shown:
            form.question_field(question).errors = [message]
            valid = False
    return valid


def move_step(campaign, questionnaire, form: QuestionnaireForm, action: str, media=None, refused=None):
    # A recording made on this step is stored now and named on the next screens (a file cannot travel).
    kept = keep_for_next_screen(campaign.id, form.answer_id.data, media or {})
    visible = form.visible_questions()
    ids = [q.id for q in visible]
    current_id = request.form.get("etape")
    index = ids.index(current_id) if current_id in ids else 0
    if action == "precedent":
        index = max(index - 1, 0)
        return render_form(campaign, questionnaire, form, None, True, visible[index], kept_media=kept)
    valid = form.validate_questions({ids[index]}, final=False)
    if not (said_refusals(questionnaire, form, refused or {}, {ids[index]}) and valid):
        return render_form(campaign, questionnaire, form, None, True, visible[index], kept_media=kept), 422
    # The answer just given may show or hide later questions: recompute.
    visible = form.visible_questions()
    ids = [q.id for q in visible]
    index = ids.index(current_id) + 1 if current_id in ids else 0
    return render_form(
        campaign, questionnaire, form, None, True, visible[min(index, len(visible) - 1)], kept_media=kept
    )


def first_error(form: QuestionnaireForm) -> Question | None:
    for q in form.visible_questions():
        if form.question_field(q).errors:
            return q
    return None


def render_form(campaign, questionnaire, form, single, step_mode, current, notice=None, kept_media=None):
    visible = form.visible_questions()
    if step_mode:
        current = current or (visible[0] if visible else None)
        position = [q.id for q in visible].index(current.id) + 1 if current else 0
        # Numbers follow the questions this person gets: a hidden one leaves no gap.
        numbers = {q.id: n for n, q in enumerate(visible, 1)}
    else:
        position = 0
        numbers = {q.id: questionnaire.number_of(q.id) for q in questionnaire.answerable}
    channel = channel_for(campaign)
    pristine = request.method == "GET" and not single and not step_mode and not notice
    reference = services().questionnaire_for(campaign) or questionnaire
    in_language = language_arg(questionnaire, reference)  # carried by the form's screens and links
    media_kinds = media_questions(questionnaire, campaign.voice_answers)
    recorded = recorder_settings(media_kinds)
    return render_template(
        "public/form.html",
        questions_html=pristine_questions(questionnaire, form, numbers, recorded) if pristine else None,
        has_media=bool(media_kinds),
        recorded=recorded,
        kept_media=kept_media or {},
        campaign=campaign,
        questionnaire=questionnaire,
        form=form,
        single=single,
        step_mode=step_mode,
        current=current,
        position=position,
        total=len(visible),
        notice=notice,
        args=carried_args(),
        channel=channel,
        door_round=door_round_url(campaign, channel),
        field_name=field_name,
        other_name=other_name,
        numbers=numbers,
        with_volunteer=with_volunteer(channel),
        errors=[(q, form.question_field(q).errors) for q in visible if form.question_field(q).errors],
        lang_args=in_language,
        languages=language_links(
            reference,
            questionnaire.language,
            lambda code: url_for("public.answer_form", campaign_id=campaign.id, **carried_args(), **{LANG_ARG: code}),
        ),
        # The scripts' words (data-words); a kiosk's say nothing of the export it does not offer.
        words=json.dumps(
            page_words(kiosk.kiosk_requested() or kiosk.locked_campaign() is not None), ensure_ascii=False
        ),
        keeps_language=keeps_language(campaign.id),
    )


def recorder_settings(media_kinds: dict) -> dict:
    """What the voice recorder of the page needs (``public/_recorder.html``): the questions that
    take a recording and the longest one, in seconds. Empty: no recorder, no record.js."""
    ids = frozenset(qid for qid, kind in media_kinds.items() if kind == RECORDING)
    return {"ids": ids, "seconds": current_app.config["MEDIA_MAX_RECORDING_SECONDS"]} if ids else {}


def pristine_questions(questionnaire: Questionnaire, form: QuestionnaireForm, numbers: dict, recorded: dict) -> Markup:
    """The questions of a one-page form nobody has filled yet: the same HTML for everyone (no
    answer, no error, no token: those are outside it), so rendered once per questionnaire
    version. Kept beside the form classes, which are dropped when a questionnaire changes."""
    cache = services().form_classes
    # Two campaigns of one questionnaire may differ in which questions take a recording.
    key = (
        "questions-html",
        questionnaire.id,
        questionnaire.version,
        questionnaire.language,
        repr(sorted(recorded.items())),
    )
    kept = cache.get(key)
    if kept is None or kept[0] is not questionnaire:
        html = render_template(
            "public/_questions.html",
            questionnaire=questionnaire,
            form=form,
            field_name=field_name,
            other_name=other_name,
            numbers=numbers,
            recorded=recorded,
        )
        kept = cache[key] = (questionnaire, Markup(html))
    return kept[1]


def is_plain_visit(campaign: Campaign, channel: str) -> bool:
    """The one-page form opened by a visitor it says nothing of (``says_nothing_of_the_visitor``),
    with no argument but the language: the page most phones ask for, the same for all of them
    but for the token, the answer id and the start time."""
    return (
        request.args.keys() <= {LANG_ARG}
        and says_nothing_of_the_visitor()
        and door_round_url(campaign, channel) is None
    )


# What belongs to one request in a kept form page (``plain_form_page``): slots of ``fill``.
TOKEN_SLOT, ANSWER_ID_SLOT, STARTED_AT_SLOT = range(3)


def plain_form_page(campaign: Campaign, questionnaire: Questionnaire, channel: str) -> str:
    """The page of ``is_plain_visit``, rendered once per campaign as stored, questionnaire version
    and language (kept beside the form classes, as ``plain_thanks``), then filled in per request
    with this visitor's token, a new answer id and the start time: rendering it was a third of
    a journey's time. The first request renders it whole (and is served that page); what may
    differ for another visitor (the channel, the tablet's language setting, the catalog of the
    page's words) is part of what the kept page is checked against."""
    token = generate_csrf()  # this visitor's, in their session, as the form's own field makes it
    answer_id, started_at = str(uuid.uuid4()), utc_now()
    cache = services().form_classes
    key = ("form-html", campaign.id, questionnaire.language)
    stamp = (
        repr(campaign),
        request.script_root,
        channel,
        keeps_language(campaign.id),
        (session.get("collector") or {}).get(campaign.id, ""),
    )
    translations = get_translations()
    kept = cache.get(key)
    if kept is not None and kept[0] == stamp and kept[1] is questionnaire and kept[2] is translations:
        return fill(kept[3], (token, answer_id, started_at))
    form = posted_form_class(services(), questionnaire, current_app.config["MAX_TEXT_LENGTH"])()
    form.answer_id.data, form.started_at.data = answer_id, started_at
    html = render_form(campaign, questionnaire, form, None, False, current=None)
    parts = split_on(html, (token, answer_id, started_at))
    if parts is not None:
        cache[key] = (stamp, questionnaire, translations, parts)
    return html


def split_on(html: str, values: tuple[str, ...]) -> list | None:
    """``html`` as its literal pieces with, between them, the slot (index in ``values``) of what
    stood there; None when the token is missing, or the answer id or the start time is not
    there exactly once (such a page is not kept)."""
    pattern = re.compile("|".join(re.escape(value) for value in values))
    parts: list = []
    seen = [0] * len(values)
    start = 0
    for match in pattern.finditer(html):
        slot = values.index(match.group())
        seen[slot] += 1
        parts += [html[start : match.start()], slot]
        start = match.end()
    parts.append(html[start:])
    if seen[TOKEN_SLOT] < 1 or seen[ANSWER_ID_SLOT] != 1 or seen[STARTED_AT_SLOT] != 1:
        return None
    return parts


def fill(parts: list, values: tuple[str, ...]) -> str:
    return "".join(str(escape(values[part])) if isinstance(part, int) else part for part in parts)


def with_volunteer(channel: str) -> bool:
    """Someone of the team is with the person and writes with them: the volunteer's intro and
    consent texts. A kiosk tablet is passed from hand to hand: people read alone there."""
    in_kiosk = kiosk.kiosk_requested() or kiosk.locked_campaign() is not None
    return channel in TEAM_FORM_CHANNELS and not in_kiosk


@bp.route("/c/<campaign_id>/merci")
def thanks(campaign_id: str):
    campaign, reference, questionnaire, _language = campaign_in_language(campaign_id)
    try:
        door_round = door_round_url(campaign, channel_for(campaign))
    except ChannelRefused:
        door_round = None
    args = carried_args()
    identity = identity_for(services(), campaign, with_logo=False)  # the RGPD contact
    if door_round is None and not args and says_nothing_of_the_visitor():
        return plain_thanks(campaign, questionnaire, identity, language_arg(questionnaire, reference))
    return render_template(
        "public/thanks.html",
        campaign=campaign,
        questionnaire=questionnaire,
        args=args,
        door_round=door_round,
        identity=identity,
        lang_args=language_arg(questionnaire, reference),
    )


def says_nothing_of_the_visitor() -> bool:
    """Nobody signed in (the header's logout form holds a token), no volunteer, no kiosk, no
    message waiting: a page then shows nothing of who asks for it."""
    return not (
        session.get("coordinator")
        or g.get("volunteer")
        or session.get("_flashes")
        or kiosk.kiosk_requested()
        or kiosk.locked_campaign() is not None
    )


def plain_thanks(campaign: Campaign, questionnaire: Questionnaire, identity, lang_args: dict) -> str:
    """The thank-you page of a visitor it says nothing of (``says_nothing_of_the_visitor``),
    with no carried arguments: the same for all of them, so rendered once per campaign as
    stored and questionnaire version (kept beside the form classes, as ``pristine_questions``)."""
    cache = services().form_classes
    key = ("thanks-html", campaign.id, questionnaire.language)
    stamp = (repr(campaign), repr(identity), request.script_root)
    kept = cache.get(key)
    if kept is None or kept[0] != stamp or kept[1] is not questionnaire:
        html = render_template(
            "public/thanks.html",
            campaign=campaign,
            questionnaire=questionnaire,
            args={},
            door_round=None,
            identity=identity,
            lang_args=lang_args,
        )
        kept = cache[key] = (stamp, questionnaire, html)
    return kept[2]


@bp.route("/c/<campaign_id>/equipe", methods=["GET", "POST"])
def team(campaign_id: str):
    """A volunteer says who collects and how, once per tablet; kept in the session."""
    campaign, questionnaire = load_campaign(campaign_id)
    error = None
    # A volunteer who entered a code collects under the pseudonym of that code; a
    # coordinator may type one; anyone else collects unsigned (a typed name could
    # otherwise swell a volunteer's counts).
    volunteer = pseudonym_for(session, campaign.id)
    may_sign = volunteer is None and is_coordinator()
    # Only the team picks a channel: anyone else answers on the public one (answer_channel.py).
    in_team = team_member(campaign.id) is not None
    choices = [c for c in TEAM_FORM_CHANNELS if c in campaign.channels] if in_team else []
    if request.method == "POST":
        typed = (request.form.get("collecteur") or "").strip()[:40] if may_sign else ""
        pseudonym = volunteer or typed
        channel = request.form.get("canal")
        if not in_team:
            return redirect(url_for("volunteer.home"), code=303)
        if channel not in choices:
            error = gettext("Choisissez un canal de collecte.")
        else:
            session.setdefault("collector", {})[campaign.id] = pseudonym
            session.setdefault("channel", {})[campaign.id] = channel
            set_keep_language(campaign.id, request.form.get("garder_langue") == "1")
            session.modified = True
            if channel == "porte-a-porte":  # the door's outcome comes first, then the questionnaire
                return redirect(url_for("terrain.doors", campaign_id=campaign.id), code=303)
            return redirect(url_for("public.answer_form", campaign_id=campaign.id, canal=channel), code=303)
    try:
        current = channel_for(campaign)
    except ChannelRefused:
        current = None
    return render_template(
        "public/team.html",
        campaign=campaign,
        channels=CHANNELS,
        field_errors=on("canal-1", error),
        collector=session.get("collector", {}).get(campaign.id, ""),
        volunteer=volunteer,
        may_sign=may_sign,
        choices=choices,
        in_team=in_team,
        channel=current,
        many_languages=len(questionnaire.languages) > 1,
        keeps_language=keeps_language(campaign.id),
    ), (422 if error else 200)


def add_hooks(app) -> None:
    # The answer form checks its own token so that an expired one re-shows the
    # person's answers instead of an error page that would lose them.
    app.extensions["csrf"].exempt(answer_form)
    app.add_url_rule("/", endpoint="index")
