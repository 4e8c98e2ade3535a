"""The public side: the list of campaigns, the form (one page or one question per
screen), and the thank-you page. No account needed; nobody sees others' answers."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from .answer_record import new_answer
from .auth import is_coordinator
from .campaigns import CHANNELS, Campaign
from .forms import QuestionnaireForm, field_name, form_class_for, is_uuid, other_name
from .questionnaires import Question, Questionnaire
from .services import services
from .storage import AnswerConflict
from .volunteers import pseudonym_for
from .clock import utc_now

bp = Blueprint("public", __name__)

STEP_MODE = "pas-a-pas"
# Query arguments a form keeps from one screen to the next and into "personne suivante".
CARRIED_ARGS = ("mode", "canal", "question", "affiche", "session", "kiosque")


def load_campaign(campaign_id: str) -> tuple[Campaign, Questionnaire]:
    """The campaign and its questionnaire, or a French 404."""
    svc = services()
    try:
        campaign = svc.campaigns.get(campaign_id)
    except ValueError:
        campaign = None
    if campaign is None:
        abort(404, description="Cette campagne n'existe pas, ou plus. Vérifiez l'adresse, ou demandez le bon lien à l'équipe.")
    questionnaire = svc.questionnaire_for(campaign)
    if questionnaire is None:
        abort(404, description="Le questionnaire de cette campagne n'est pas disponible pour le moment.")
    return campaign, questionnaire


@bp.route("/")
def index():
    svc = services()
    campaigns = [c for c in svc.campaigns.all() if c.accepts_answers() and svc.questionnaire_for(c)]
    return render_template("public/index.html", campaigns=campaigns)


def carried_args() -> dict:
    source = request.values
    return {k: source[k] for k in CARRIED_ARGS if source.get(k)}


def channel_for(campaign: Campaign) -> str:
    asked = request.values.get("canal") or session.get("channel", {}).get(campaign.id)
    return asked if asked in campaign.channels else campaign.default_channel()


def single_question(questionnaire: Questionnaire) -> Question | None:
    """The one question a board poster asks (``?question=id``), if any."""
    question_id = request.values.get("question")
    if not question_id:
        return None
    question = questionnaire.question(question_id)
    if question is None or not question.answerable:
        abort(404, description="Cette question n'existe pas dans ce questionnaire.")
    return question


@bp.route("/c/<campaign_id>/", methods=["GET", "POST"])
def answer_form(campaign_id: str):
    campaign, questionnaire = load_campaign(campaign_id)
    if not campaign.accepts_answers():
        return render_template("public/closed.html", campaign=campaign), 410
    svc = services()
    form_class = form_class_for(svc, questionnaire, current_app.config["MAX_TEXT_LENGTH"])
    form: QuestionnaireForm = form_class()
    single = single_question(questionnaire)
    only = {single.id} if single else None
    step_mode = request.values.get("mode") == STEP_MODE and single is None
    notice = None

    if request.method == "GET":
        form.answer_id.data = str(uuid.uuid4())
        form.started_at.data = utc_now()
        return render_form(campaign, questionnaire, form, single, step_mode, current=None)

    if not is_uuid(form.answer_id.data):
        form.answer_id.data = str(uuid.uuid4())
        notice = "Le formulaire a été rechargé. Vérifiez vos réponses puis envoyez-les."
    if not _is_iso(form.started_at.data):
        form.started_at.data = utc_now()

    action = request.form.get("action", "envoyer")
    if step_mode and action in ("suivant", "precedent"):
        return move_step(campaign, questionnaire, form, action)

    if notice or not form.validate_questions(only):
        if form.csrf_errors:
            notice = ("La page était ouverte depuis longtemps. Vos réponses sont gardées : "
                      "vérifiez-les puis envoyez à nouveau.")
        current = first_error(form) if step_mode else None
        return render_form(campaign, questionnaire, form, single, step_mode, current, notice), 422

    answer = build_answer(campaign, questionnaire, form, only)
    try:
        svc.save_answer(questionnaire, answer)
    except AnswerConflict:
        return render_template("public/conflict.html", campaign=campaign, args=carried_args()), 409
    except OSError:
        current_app.logger.exception("answer not saved")
        notice = ("Votre réponse n'a pas pu être enregistrée (problème sur l'ordinateur qui reçoit les réponses). "
                  "Rien n'est perdu sur cette page : réessayez dans un instant.")
        return render_form(campaign, questionnaire, form, single, step_mode, None, notice), 503
    return redirect(url_for("public.thanks", campaign_id=campaign.id, **carried_args()), code=303)


def build_answer(campaign: Campaign, questionnaire: Questionnaire, form: QuestionnaireForm, only) -> dict:
    return new_answer(
        campaign, questionnaire, answer_id=form.answer_id.data, answers=form.answers(only),
        channel=channel_for(campaign), collector=session.get("collector", {}).get(campaign.id, ""),
        session=request.values.get("session"), poster=request.values.get("affiche"),
        started_at=form.started_at.data)


def move_step(campaign, questionnaire, form: QuestionnaireForm, action: str):
    visible = form.visible_questions()
    ids = [q.id for q in visible]
    current_id = request.form.get("etape")
    index = ids.index(current_id) if current_id in ids else 0
    if action == "precedent":
        index = max(index - 1, 0)
        return render_form(campaign, questionnaire, form, None, True, visible[index])
    if not form.validate_questions({ids[index]}):
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
    else:
        position = 0
    return render_template(
        "public/form.html", campaign=campaign, questionnaire=questionnaire, form=form,
        single=single, step_mode=step_mode, current=current, position=position, total=len(visible),
        notice=notice, args=carried_args(), channel=channel_for(campaign),
        field_name=field_name, other_name=other_name,
        errors=[(q, form.question_field(q).errors) for q in visible if form.question_field(q).errors],
    )


@bp.route("/c/<campaign_id>/merci")
def thanks(campaign_id: str):
    campaign, questionnaire = load_campaign(campaign_id)
    return render_template("public/thanks.html", campaign=campaign, questionnaire=questionnaire,
                           args=carried_args())


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
    if request.method == "POST":
        typed = (request.form.get("collecteur") or "").strip()[:40] if may_sign else ""
        pseudonym = volunteer or typed
        channel = request.form.get("canal")
        if channel not in campaign.channels:
            error = "Choisissez un canal de collecte."
        else:
            session.setdefault("collector", {})[campaign.id] = pseudonym
            session.setdefault("channel", {})[campaign.id] = channel
            session.modified = True
            return redirect(url_for("public.answer_form", campaign_id=campaign.id, canal=channel), code=303)
    return render_template("public/team.html", campaign=campaign, channels=CHANNELS, error=error,
                           collector=session.get("collector", {}).get(campaign.id, ""), volunteer=volunteer,
                           may_sign=may_sign,
                           channel=channel_for(campaign)), (422 if error else 200)


def _is_iso(value) -> bool:
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def init_app(app) -> None:
    app.register_blueprint(bp)
    # The answer form checks its own token so that an expired one re-shows the
    # person's answers instead of an error page that would lose them.
    app.extensions["csrf"].exempt(answer_form)
    app.add_url_rule("/", endpoint="index")
