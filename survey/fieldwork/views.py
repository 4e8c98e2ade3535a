"""Field-session pages: sessions, the scribe card, post-it transcription, paper
sheets, door-to-door rounds, and the wall of words."""

from __future__ import annotations

import re
import uuid
from datetime import date

from flask import (Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request,
                   send_file, url_for)

from ..answer_record import new_answer
from ..auth import audit, coordinator_required, is_coordinator
from ..campaigns import CHANNELS
from ..forms import is_uuid
from ..public import load_campaign, utc_now
from ..services import services
from ..storage import AnswerConflict
from . import doors as door_rounds
from .access import team_member, team_required
from .photos import TYPES, PhotoError, photo_dir, save_photo
from .respondent import AGE_BANDS, clean_age_band, clean_first_name, clean_quartier
from .sessions import ROLES, Session, SessionRepository, new_id, parse_team, validate
from .wall import wall_cards, wall_is_public, set_wall_public

bp = Blueprint("terrain", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.config.setdefault("COORDINATION_LINKS", []).append(("terrain.report", "Terrain"))


def sessions() -> SessionRepository:
    return SessionRepository(services().records)


def load_session(campaign_id: str, session_id: str) -> Session:
    found = sessions().get(campaign_id, session_id)
    if found is None:
        abort(404, description="Cette session n'existe pas pour cette campagne.")
    return found


def optional_session(campaign_id: str) -> Session | None:
    session_id = request.values.get("session")
    return load_session(campaign_id, session_id) if session_id else None


def board_questions(questionnaire, session: Session | None):
    """The questions a passer-by can answer in words: the session's, or every text question."""
    open_questions = [q for q in questionnaire.answerable if q.type in ("long_text", "short_text")]
    if session and session.questions:
        chosen = [questionnaire.question(qid) for qid in session.questions]
        return [q for q in chosen if q is not None] or open_questions
    return open_questions


def pick_question(questionnaire, candidates):
    asked = request.values.get("question")
    if asked:
        question = questionnaire.question(asked)
        if question is None or question not in candidates:
            abort(404, description="Cette question n'existe pas dans ce questionnaire.")
        return question
    return candidates[0] if candidates else None


def store_words(campaign, questionnaire, question, words: str, channel: str, session_id, extra: dict) -> bool:
    """Store one card or post-it as an answer of the campaign; True if new."""
    answer_id = request.form.get("answer_id", "")
    if not is_uuid(answer_id):
        answer_id = str(uuid.uuid4())
    answer = new_answer(campaign, questionnaire, answer_id=answer_id, answers={question.id: words}, channel=channel,
                        collector=g.team_member, session=session_id, started_at=request.form.get("started_at"),
                        **extra)
    return services().save_answer(questionnaire, answer)


def count_for(campaign_id: str, session_id, channel: str) -> int:
    return sum(1 for a in services().answers.iter_answers(campaign_id)
               if a.get("session") == session_id and a.get("channel") == channel)


def words_error(words: str) -> str | None:
    if not words:
        return "Écrivez les mots de la personne avant d'enregistrer."
    limit = current_app.config["MAX_TEXT_LENGTH"]
    if len(words) > limit:
        return f"Le texte est trop long : {len(words)} caractères pour {limit} au plus."
    return None


# -- team home and sessions -------------------------------------------------

@bp.route("/terrain/<campaign_id>/")
@team_required
def home(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    return render_template("terrain/home.html", campaign=campaign, questionnaire=questionnaire,
                           sessions=sessions().for_campaign(campaign.id), coordinator=is_coordinator(),
                           wall_public=wall_is_public(services(), campaign.id))


@bp.route("/terrain/<campaign_id>/sessions/nouvelle", methods=["GET", "POST"])
@bp.route("/terrain/<campaign_id>/sessions/<session_id>/modifier", methods=["GET", "POST"])
@team_required
def edit_session(campaign_id, session_id=None):
    if not is_coordinator():
        abort(403, description="Seule la coordination crée et modifie les sessions.")
    campaign, questionnaire = load_campaign(campaign_id)
    existing = load_session(campaign.id, session_id) if session_id else None
    problems: list[str] = []
    form = request.form
    if request.method == "POST":
        team, problems = parse_team(form.get("equipe", ""))
        day = form.get("jour", "").strip()
        item = Session(
            id=existing.id if existing else new_id(day if re.match(r"^\d{4}-\d{2}-\d{2}$", day) else "sans-date"),
            campaign=campaign.id, place=" ".join(form.get("lieu", "").split())[:80], day=day,
            starts=form.get("debut", "").strip(), ends=form.get("fin", "").strip(), team=team,
            questions=form.getlist("questions"), stopped=existing.stopped if existing else 0,
            photos=existing.photos if existing else [])
        problems += validate(item, questionnaire)
        if not problems:
            sessions().save(item)
            audit("session", f"session {item.id} enregistrée ({campaign.id})")
            flash("Session enregistrée.")
            return redirect(url_for("terrain.home", campaign_id=campaign.id), code=303)
        current = item
    else:
        current = existing or Session(id="", campaign=campaign.id, place=campaign.quartier, day=date.today().isoformat())
    team_text = "\n".join(f"{m['pseudonym']} : {m['role']}" if m.get("role") else m["pseudonym"]
                          for m in current.team)
    return render_template("terrain/session_form.html", campaign=campaign, questionnaire=questionnaire,
                           item=current, team_text=form.get("equipe", team_text), roles=ROLES,
                           problems=problems, editing=bool(existing)), (422 if problems else 200)


@bp.route("/terrain/<campaign_id>/sessions/<session_id>/arrets", methods=["POST"])
@team_required
def count_stopped(campaign_id, session_id):
    """« Une personne de plus s'est arrêtée » — counted by the team, no data about the person."""
    item = load_session(campaign_id, session_id)
    delta = -1 if request.form.get("action") == "moins" else 1
    sessions().count_stopped(item, delta)
    return redirect(request.form.get("retour") or url_for("terrain.home", campaign_id=campaign_id), code=303)


# -- the porteur de parole scribe -------------------------------------------

@bp.route("/terrain/<campaign_id>/sessions/<session_id>/scribe", methods=["GET", "POST"])
@team_required
def scribe(campaign_id, session_id):
    campaign, questionnaire = load_campaign(campaign_id)
    item = load_session(campaign.id, session_id)
    candidates = board_questions(questionnaire, item)
    question = pick_question(questionnaire, candidates)
    if question is None:
        abort(404, description="Ce questionnaire n'a pas de question à réponse libre pour un panneau.")
    error = None
    status = 200
    if request.method == "POST":
        words = (request.form.get("paroles") or "").strip().replace("\r\n", "\n")
        error = words_error(words)
        if not error:
            extra = {
                "first_name": clean_first_name(request.form.get("prenom")),
                "age_band": clean_age_band(request.form.get("age")),
                "quartier": clean_quartier(request.form.get("quartier")),
                "consent_display": request.form.get("affiche") == "oui",
                "consent_report": request.form.get("compte_rendu") == "oui",
            }
            try:
                store_words(campaign, questionnaire, question, words, "porteur-de-parole", item.id, extra)
            except AnswerConflict:
                error = "Cette carte a déjà été enregistrée avec d'autres mots. La carte suivante est prête."
            else:
                flash("Carte enregistrée. Carte suivante :")
                return redirect(url_for("terrain.scribe", campaign_id=campaign.id, session_id=item.id,
                                        question=question.id), code=303)
        status = 422
    count = count_for(campaign.id, item.id, "porteur-de-parole")
    return render_template("terrain/scribe.html", campaign=campaign, questionnaire=questionnaire, item=item,
                           question=question, candidates=candidates, error=error, count=count,
                           age_bands=AGE_BANDS, answer_id=str(uuid.uuid4()), started_at=utc_now(),
                           values=request.form if error else {}), status


# -- post-its and paper sheets ----------------------------------------------

@bp.route("/terrain/<campaign_id>/transcription", methods=["GET", "POST"])
@team_required
def transcription(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    item = optional_session(campaign.id)
    candidates = [q for q in questionnaire.answerable if q.type in ("long_text", "short_text")]
    question = pick_question(questionnaire, board_questions(questionnaire, item) if item else candidates)
    if question is None:
        abort(404, description="Ce questionnaire n'a pas de question à réponse libre pour des post-it.")
    error = None
    status = 200
    if request.method == "POST":
        words = (request.form.get("texte") or "").strip()
        error = words_error(words)
        if not error:
            try:
                store_words(campaign, questionnaire, question, words, "post-it", item.id if item else None, {})
            except AnswerConflict:
                error = "Ce post-it a déjà été enregistré avec un autre texte."
            else:
                return redirect(url_for("terrain.transcription", campaign_id=campaign.id, question=question.id,
                                        session=item.id if item else None, ok=1), code=303)
        status = 422
    count = count_for(campaign.id, item.id if item else None, "post-it")
    return render_template("terrain/transcription.html", campaign=campaign, questionnaire=questionnaire,
                           item=item, question=question, candidates=candidates, error=error, count=count,
                           sessions=sessions().for_campaign(campaign.id), answer_id=str(uuid.uuid4()),
                           started_at=utc_now(), text=request.form.get("texte", "") if error else "",
                           saved=request.args.get("ok") == "1"), status


@bp.route("/terrain/<campaign_id>/papier")
@team_required
def paper(campaign_id):
    """Type a paper questionnaire in: the sheet's code opens the form as channel « papier »."""
    campaign, questionnaire = load_campaign(campaign_id)
    code = (request.args.get("feuille") or "").strip()
    error = None
    if "papier" not in campaign.channels:
        error = ("Cette campagne n'accepte pas de questionnaires papier : la coordination peut ajouter "
                 "le canal « papier » dans les réglages de la campagne.")
    elif code:
        expected = f"P-{campaign.id}-v"
        if not code.startswith(expected) or not code[len(expected):].isdigit():
            error = (f"Le code « {code} » n'est pas celui d'une feuille de cette campagne "
                     f"(il commence par {expected}).")
        else:
            args = {"canal": "papier", "affiche": code}
            if request.args.get("session"):
                args["session"] = load_session(campaign.id, request.args["session"]).id
            return redirect(url_for("public.answer_form", campaign_id=campaign.id, **args), code=303)
    return render_template("terrain/paper.html", campaign=campaign, questionnaire=questionnaire, error=error,
                           code=code, sessions=sessions().for_campaign(campaign.id)), (422 if error else 200)


@bp.route("/terrain/<campaign_id>/sessions/<session_id>/photos", methods=["POST"])
@team_required
def add_photo(campaign_id, session_id):
    item = load_session(campaign_id, session_id)
    request.max_content_length = 9 * 1024 * 1024  # a phone photo is larger than a form
    upload = request.files.get("photo")
    try:
        photo = save_photo(services().data_dir, campaign_id, item.id, upload.read() if upload else b"",
                           len(item.photos))
    except PhotoError as exc:
        flash(str(exc))
    else:
        item.photos.append(photo)
        sessions().save(item)
        flash("Photo du panneau ajoutée à la session.")
    return redirect(url_for("terrain.home", campaign_id=campaign_id), code=303)


@bp.route("/terrain/<campaign_id>/sessions/<session_id>/photos/<name>")
@team_required
def photo(campaign_id, session_id, name):
    item = load_session(campaign_id, session_id)
    entry = next((p for p in item.photos if p["file"] == name), None)
    if entry is None:
        abort(404)
    path = photo_dir(services().data_dir, campaign_id, item.id) / entry["file"]
    return send_file(path, mimetype=TYPES.get(entry["file"].rsplit(".", 1)[-1], "application/octet-stream"))


# -- door to door -------------------------------------------------------------

@bp.route("/terrain/<campaign_id>/porte-a-porte", methods=["GET", "POST"])
@team_required
def doors(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    item = optional_session(campaign.id)
    error = None
    sector = request.values.get("secteur", "")
    if request.method == "POST":
        try:
            door = door_rounds.record_door(services(), campaign.id, item.id if item else None, sector,
                                           request.form.get("issue", ""), g.team_member)
        except ValueError as exc:
            error = str(exc)
        else:
            if door["outcome"] == "repondu":
                args = {"canal": "porte-a-porte" if "porte-a-porte" in campaign.channels else None,
                        "session": item.id if item else None}
                return redirect(url_for("public.answer_form", campaign_id=campaign.id,
                                        **{k: v for k, v in args.items() if v}), code=303)
            flash(f"Porte notée : {door_rounds.OUTCOMES[door['outcome']].lower()}.")
            return redirect(url_for("terrain.doors", campaign_id=campaign.id, secteur=door["sector"],
                                    session=item.id if item else None), code=303)
    mine = [d for d in door_rounds.doors_of(services(), campaign.id) if d.get("collector") == g.team_member]
    return render_template("terrain/doors.html", campaign=campaign, item=item, error=error, sector=sector,
                           outcomes=door_rounds.OUTCOMES, mine=door_rounds.total(mine)), (422 if error else 200)


# -- the wall of words ---------------------------------------------------------

def visible_wall(campaign_id: str):
    """The campaign, the session asked for, and its wall cards; 404 unless the wall is public
    or the viewer is in the team."""
    campaign, _ = load_campaign(campaign_id)
    if not (wall_is_public(services(), campaign.id) or team_member(campaign.id) is not None):
        abort(404)
    item = optional_session(campaign.id)
    return campaign, item, wall_cards(services(), campaign.id, item.id if item else None)


@bp.route("/mur/<campaign_id>/")
def wall(campaign_id):
    campaign, item, cards = visible_wall(campaign_id)
    return render_template("terrain/wall.html", campaign=campaign, item=item, cards=cards)


@bp.route("/mur/<campaign_id>/cartes.json")
def wall_data(campaign_id):
    _, _, cards = visible_wall(campaign_id)
    response = jsonify(cards=cards)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/terrain/<campaign_id>/mur", methods=["GET", "POST"])
@team_required
def wall_admin(campaign_id):
    """The coordinator's view of the wall: every consented card, each with « retirer du mur »."""
    if not is_coordinator():
        abort(403, description="Seule la coordination gère le mur de paroles.")
    campaign, _ = load_campaign(campaign_id)
    svc = services()
    if request.method == "POST":
        if "public" in request.form:
            set_wall_public(svc, campaign.id, request.form["public"] == "oui")
            flash("Réglage du mur enregistré.")
        answer_id = request.form.get("carte", "")
        if is_uuid(answer_id):
            hide = request.form.get("action") != "remettre"
            changed = svc.answers.update(campaign.id, answer_id, lambda a: a.update(wall_hidden=hide))
            if changed is None:
                abort(404)
            audit("mur", f"carte {answer_id} {'retirée du' if hide else 'remise sur le'} mur ({campaign.id})")
            flash("Carte retirée du mur." if hide else "Carte remise sur le mur.")
        return redirect(url_for("terrain.wall_admin", campaign_id=campaign.id), code=303)
    cards = wall_cards(svc, campaign.id, None, include_withdrawn=True)
    return render_template("terrain/wall_admin.html", campaign=campaign, cards=cards,
                           public=wall_is_public(svc, campaign.id))


# -- counts for the coordinator -----------------------------------------------

@bp.route("/coordination/campagnes/<campaign_id>/terrain")
@coordinator_required
def report(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    from .report import session_counts
    svc = services()
    all_doors = door_rounds.doors_of(svc, campaign.id)
    return render_template("terrain/report.html", campaign=campaign, counts=session_counts(svc, campaign.id),
                           by_sector=door_rounds.rates(all_doors, "sector"),
                           by_collector=door_rounds.rates(all_doors, "collector"),
                           doors_total=door_rounds.total(all_doors), outcomes=door_rounds.OUTCOMES,
                           channels=CHANNELS)


@bp.route("/coordination/campagnes/<campaign_id>/terrain.csv")
@coordinator_required
def report_csv(campaign_id):
    campaign, _ = load_campaign(campaign_id)
    from .report import session_counts_csv
    audit("export", f"comptes des sessions ({campaign.id}, CSV)")
    return current_app.response_class(
        session_counts_csv(services(), campaign.id), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{campaign.id}-sessions.csv"'})
