"""The public side: the list of campaigns, the form (one page or one question per
screen), and the thank-you page. No account needed; nobody sees others' answers."""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext
from markupsafe import Markup

from ..catalogs import N_
from ..forms import QuestionnaireForm, field_name, other_name
from ..model.answer_record import is_answer_id, new_answer
from ..model.campaign import CHANNELS, Campaign
from ..model.clock import parse_time, utc_now
from ..model.questionnaire import AUDIENCES, Question, Questionnaire
from ..services.answer_channel import PUBLIC, TEAM_FORM_CHANNELS, ChannelRefused, form_channel
from ..services.structure_identity import identity_for
from ..services.volunteers import pseudonym_for
from ..storage import AnswerConflict
from . import kiosk
from .access import CARRIED_ARGS, is_coordinator, load_campaign, services, team_member, team_today
from .languages import (
    LANG_ARG,
    campaign_in_language,
    keeps_language,
    language_arg,
    language_links,
    page_words,
    set_keep_language,
)
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
    return render_template("public/channel_refused.html", campaign=campaign, message=str(error)), 403


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
        channel_for(campaign)
    except ChannelRefused as error:
        return channel_refused(campaign, error)
    svc = services()
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
    if step_mode and action in ("suivant", "precedent"):
        return move_step(campaign, questionnaire, form, action)

    if notice or not form.validate_questions(only):
        if form.csrf_errors:
            notice = gettext(
                "La page était ouverte depuis longtemps. Vos réponses sont gardées : "
                "vérifiez-les puis envoyez à nouveau."
            )
        notice = notice or form.empty_error
        current = first_error(form) if step_mode else None
        return render_form(campaign, questionnaire, form, single, step_mode, current, notice), 422

    answer = build_answer(campaign, questionnaire, form, only)
    try:
        svc.save_answer(reference, answer)
    except AnswerConflict:
        return render_template("public/conflict.html", campaign=campaign, args=carried_args()), 409
    except OSError:
        current_app.logger.exception("answer not saved")
        notice = gettext(
            "Votre réponse n'a pas pu être enregistrée (problème sur l'ordinateur qui reçoit les réponses). "
            "Rien n'est perdu sur cette page : réessayez dans un instant."
        )
        return render_form(campaign, questionnaire, form, single, step_mode, None, notice), 503
    thanks_url = url_for(
        "public.thanks", campaign_id=campaign.id, **carried_args(), **language_arg(questionnaire, reference)
    )
    return redirect(thanks_url, code=303)


def build_answer(campaign: Campaign, questionnaire: Questionnaire, form: QuestionnaireForm, only) -> dict:
    return new_answer(
        campaign,
        questionnaire,
        answer_id=form.answer_id.data,
        answers=form.answers(only),
        channel=channel_for(campaign),
        collector=session.get("collector", {}).get(campaign.id, ""),
        session=request.values.get("session"),
        poster=request.values.get("affiche"),
        started_at=form.started_at.data,
    )


def move_step(campaign, questionnaire, form: QuestionnaireForm, action: str):
    visible = form.visible_questions()
    ids = [q.id for q in visible]
    current_id = request.form.get("etape")
    index = ids.index(current_id) if current_id in ids else 0
    if action == "precedent":
        index = max(index - 1, 0)
        return render_form(campaign, questionnaire, form, None, True, visible[index])
    if not form.validate_questions({ids[index]}, final=False):
        return render_form(campaign, questionnaire, form, None, True, visible[index]), 422
    # The answer just given may show or hide later questions: recompute.
    visible = form.visible_questions()
    ids = [q.id for q in visible]
    index = ids.index(current_id) + 1 if current_id in ids else 0
    return render_form(campaign, questionnaire, form, None, True, visible[min(index, len(visible) - 1)])


def first_error(form: QuestionnaireForm) -> Question | None:
    for q in form.visible_questions():
        if form.question_field(q).errors:
            return q
    return None


def render_form(campaign, questionnaire, form, single, step_mode, current, notice=None):
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
    return render_template(
        "public/form.html",
        questions_html=pristine_questions(questionnaire, form, numbers) if pristine else None,
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


def pristine_questions(questionnaire: Questionnaire, form: QuestionnaireForm, numbers: dict) -> Markup:
    """The questions of a one-page form nobody has filled yet: the same HTML for everyone (no
    answer, no error, no token: those are outside it), so rendered once per questionnaire
    version. Kept beside the form classes, which are dropped when a questionnaire changes."""
    cache = services().form_classes
    key = ("questions-html", questionnaire.id, questionnaire.version, questionnaire.language)
    kept = cache.get(key)
    if kept is None or kept[0] is not questionnaire:
        html = render_template(
            "public/_questions.html",
            questionnaire=questionnaire,
            form=form,
            field_name=field_name,
            other_name=other_name,
            numbers=numbers,
        )
        kept = cache[key] = (questionnaire, Markup(html))
    return kept[1]


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
        error=error,
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
