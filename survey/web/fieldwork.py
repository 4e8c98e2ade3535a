"""Field-session pages: sessions, the scribe card, post-it transcription, paper
sheets, door-to-door rounds, and the wall of words."""

from __future__ import annotations

import io
import re
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ..forms import field_name, other_name, validate_sheet
from ..model.answer_record import is_answer_id, new_answer
from ..model.campaign import CHANNELS
from ..model.clock import parse_time, utc_now
from ..model.fieldwork import (
    OUTCOMES,
    ROLES,
    SESSION_KINDS,
    Session,
    new_door,
    new_id,
    parse_team,
    rates,
    team_from_rows,
    total,
    validate_session,
)
from ..model.french_time import typed_clock, typed_day
from ..model.respondent import AGE_BANDS, clean_age_band, clean_first_name, clean_quartier
from ..services.fieldwork.paper import paper_code, sheet_version
from ..services.fieldwork.photos import TYPES, PhotoError, save_photo
from ..services.fieldwork.wall import postits_on_wall, set_postits_on_wall, set_wall_public, wall_cards, wall_is_public
from ..services.kept_counts import Facts
from ..services.snapshots import known_versions
from ..storage import AnswerConflict
from ..storage.repositories import SessionRepository
from .access import (
    audit,
    coordinator_required,
    is_coordinator,
    load_campaign,
    local_target,
    services,
    team_member,
    team_required,
    team_today,
)
from .field_errors import on, pinned
from .posted_forms import posted_form_class

bp = Blueprint("terrain", __name__)


def sessions() -> SessionRepository:
    return services().sessions


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
    open_questions = [q for q in questionnaire.answerable if q.is_open]
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
    if not is_answer_id(answer_id):
        answer_id = str(uuid.uuid4())
    answer = new_answer(
        campaign,
        questionnaire,
        answer_id=answer_id,
        answers={question.id: words},
        channel=channel,
        collector=g.team_member,
        session=session_id,
        started_at=request.form.get("started_at"),
        **extra,
    )
    return services().save_answer(questionnaire, answer)


def count_for(campaign_id: str, session_id, channel: str) -> int:
    """The session's answers on this channel, from the kept counts (not a re-read per save)."""
    facts = Facts.of(services().answers, campaign_id, current_app.config["TIMEZONE"])
    return facts.session_channel(session_id, channel)


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
    return render_template(
        "terrain/home.html",
        campaign=campaign,
        questionnaire=questionnaire,
        sessions=sessions().for_campaign(campaign.id),
        coordinator=is_coordinator(),
        wall_public=wall_is_public(services(), campaign.id),
        roles=ROLES,
    )


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
    adding = request.method == "POST" and form.get("action") == "ajouter-personne"
    if request.method == "POST":
        if "membre" in form:
            rows = [
                {"pseudonym": name, "role": role} for name, role in zip(form.getlist("membre"), form.getlist("role"))
            ]
            team, problems = team_from_rows(form.getlist("membre"), form.getlist("role"))
        else:  # a page opened before the team became one row per person
            team, problems = parse_team(form.get("equipe", ""))
            rows = team + [{}] * 2
        day = typed_day(form.get("jour", ""))
        item = Session(
            id=existing.id if existing else new_id(day if re.match(r"^\d{4}-\d{2}-\d{2}$", day) else "sans-date"),
            campaign=campaign.id,
            place=" ".join(form.get("lieu", "").split())[:80],
            day=day,
            starts=typed_clock(form.get("debut", "")),
            ends=typed_clock(form.get("fin", "")),
            team=team,
            questions=form.getlist("questions"),
            stopped=existing.stopped if existing else 0,
            photos=existing.photos if existing else [],
            kind=form.get("genre", ""),
        )
        # « Ajouter une personne » only shows one more row: nothing is checked or saved yet.
        problems = [] if adding else problems + validate_session(item, questionnaire)
        if not problems and not adding:
            sessions().save(item)
            audit("session", f"session {item.id} enregistrée ({campaign.id})")
            flash("Session enregistrée.")
            return redirect(url_for("terrain.home", campaign_id=campaign.id), code=303)
        current = item
        rows = rows + [{}] if adding else rows
    else:
        current = existing or Session(
            id="",
            campaign=campaign.id,
            place=campaign.quartier,
            day=team_today().isoformat(),
        )
        rows = current.team + [{}] * 2
    return render_template(
        "terrain/session_form.html",
        campaign=campaign,
        questionnaire=questionnaire,
        item=current,
        rows=rows,
        roles=ROLES,
        kinds=SESSION_KINDS,
        added=adding,
        field_errors=pinned(problems, session_problem_fields(questionnaire, len(rows)), "lieu"),
        editing=bool(existing),
    ), (422 if problems else 200)


def session_problem_fields(questionnaire, rows: int) -> list[tuple[str, str]]:
    """Which field of the session form each problem's words are about (``field_errors.pinned``)."""
    first_question = next((f"qs-{q.id}" for q in questionnaire.answerable if q.is_open), "lieu")
    return [(f"personne {n} de", f"membre-{n}") for n in range(1, rows + 1)] + [
        ("de l'équipe", "membre-1"),
        ("heure de fin", "fin"),
        ("heure de début", "debut"),
        ("date", "jour"),
        ("lieu", "lieu"),
        ("question", first_question),
    ]


@bp.route("/terrain/<campaign_id>/sessions/<session_id>/arrets", methods=["POST"])
@team_required
def count_stopped(campaign_id, session_id):
    """« Une personne de plus s'est arrêtée » — counted by the team, no data about the person."""
    item = load_session(campaign_id, session_id)
    delta = -1 if request.form.get("action") == "moins" else 1
    sessions().count_stopped(item, delta)
    back = local_target(request.form.get("retour"), url_for("terrain.home", campaign_id=campaign_id))
    return redirect(back, code=303)


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
                return redirect(
                    url_for("terrain.scribe", campaign_id=campaign.id, session_id=item.id, question=question.id),
                    code=303,
                )
        status = 422
    count = count_for(campaign.id, item.id, "porteur-de-parole")
    return render_template(
        "terrain/scribe.html",
        campaign=campaign,
        questionnaire=questionnaire,
        item=item,
        question=question,
        candidates=candidates,
        field_errors=on("paroles", error),
        count=count,
        age_bands=AGE_BANDS,
        answer_id=str(uuid.uuid4()),
        started_at=utc_now(),
        values=request.form if error else {},
    ), status


# -- post-its and paper sheets ----------------------------------------------


@bp.route("/terrain/<campaign_id>/transcription", methods=["GET", "POST"])
@team_required
def transcription(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    item = optional_session(campaign.id)
    candidates = [q for q in questionnaire.answerable if q.is_open]
    question = pick_question(questionnaire, board_questions(questionnaire, item) if item else candidates)
    if question is None:
        abort(404, description="Ce questionnaire n'a pas de question à réponse libre pour des post-it.")
    error = None
    status = 200
    # static/postit.js sends each post-it in the background (Accept: JSON) so that typing
    # never stops; without JavaScript the form posts and the page comes back.
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.method == "POST":
        words = (request.form.get("texte") or "").strip()
        error = words_error(words)
        status = 422
        if not error:
            try:
                created = store_words(
                    campaign, questionnaire, question, words, "post-it", item.id if item else None, {}
                )
            except AnswerConflict:
                error, status = "Ce post-it a déjà été enregistré avec un autre texte.", 409
            except OSError:
                current_app.logger.exception("post-it not saved")
                error, status = "Le post-it n'a pas pu être enregistré. Réessayez dans un instant.", 503
            else:
                answer_id = request.form.get("answer_id", "")
                if wants_json:
                    return jsonify(id=answer_id, text=words, new=created, message=saved_message(words)), (
                        201 if created else 200
                    )
                return redirect(
                    url_for(
                        "terrain.transcription",
                        campaign_id=campaign.id,
                        question=question.id,
                        session=item.id if item else None,
                        enregistre=answer_id if is_answer_id(answer_id) else None,
                    ),
                    code=303,
                )
        if wants_json:
            return jsonify(message=error), status
    count = count_for(campaign.id, item.id if item else None, "post-it")
    return render_template(
        "terrain/transcription.html",
        campaign=campaign,
        questionnaire=questionnaire,
        item=item,
        question=question,
        candidates=candidates,
        field_errors=on("texte", error),
        count=count,
        sessions=sessions().for_campaign(campaign.id),
        answer_id=str(uuid.uuid4()),
        started_at=utc_now(),
        text=request.form.get("texte", "") if error else "",
        saved=saved_postit(campaign.id, request.args.get("enregistre")),
        max_length=current_app.config["MAX_TEXT_LENGTH"],
    ), status


def saved_message(words: str) -> str:
    return f"Post-it enregistré : «\u00a0{words}\u00a0»"


def saved_postit(campaign_id: str, answer_id) -> str | None:
    """The confirmation after a post-it saved without JavaScript: its text as stored."""
    if not is_answer_id(answer_id):
        return None
    answer = services().answers.get(campaign_id, str(answer_id))
    if not answer or answer.get("channel") != "post-it":
        return None
    texts = [v for v in (answer.get("answers") or {}).values() if isinstance(v, str)]
    return saved_message(texts[0]) if texts else None


NO_PAPER = (
    "Cette campagne n'accepte pas de questionnaires papier : la coordination peut ajouter "
    "le canal « papier » dans les réglages de la campagne."
)


def sheet_questionnaire(campaign, typed: str):
    """(the sheet's code as printed, its questionnaire version), or (None, a French error)."""
    version = sheet_version(campaign, typed)
    versions = {q.version: q for q in known_versions(services(), campaign.questionnaire)}
    if version is None or version not in versions:
        current = services().questionnaire_for(campaign)
        example = paper_code(campaign, current.version if current else 1)
        return None, (
            f"Le code « {typed[:40]} » n'est pas celui d'une feuille de cette campagne. "
            f"Il est imprimé en haut de la feuille, par exemple {example} "
            "(majuscules ou minuscules, avec ou sans tirets)."
        )
    return paper_code(campaign, version), versions[version]


@bp.route("/terrain/<campaign_id>/papier")
@team_required
def paper(campaign_id):
    """Type paper questionnaires in: the sheet's code opens the facilitator's entry screen."""
    campaign, questionnaire = load_campaign(campaign_id)
    code = (request.args.get("feuille") or "").strip()
    error = None
    if "papier" not in campaign.channels:
        error = NO_PAPER
    elif code:
        code, found = sheet_questionnaire(campaign, code)
        if code is None:
            error, code = found, request.args.get("feuille", "").strip()[:40]
        else:
            item = optional_session(campaign.id)
            return redirect(
                url_for(
                    "terrain.paper_entry", campaign_id=campaign.id, feuille=code, session=item.id if item else None
                ),
                code=303,
            )
    return render_template(
        "terrain/paper.html",
        campaign=campaign,
        questionnaire=questionnaire,
        field_errors=on("feuille", error),
        code=code,
        example=paper_code(campaign, questionnaire.version),
        sessions=sessions().for_campaign(campaign.id),
    ), (422 if error else 200)


@bp.route("/terrain/<campaign_id>/papier/saisie", methods=["GET", "POST"])
@team_required
def paper_entry(campaign_id):
    """The facilitator's screen for one paper sheet: the questions, no greeting, no « merci »;
    saved, it opens the next sheet with the running count. The channel is « papier » because
    the answer comes from here, never from an address anyone can type."""
    campaign, _ = load_campaign(campaign_id)
    if "papier" not in campaign.channels:
        abort(403, description=NO_PAPER)
    code, questionnaire = sheet_questionnaire(campaign, request.values.get("feuille", ""))
    if code is None:
        return redirect(
            url_for("terrain.paper", campaign_id=campaign.id, feuille=request.values.get("feuille")), code=303
        )
    item = optional_session(campaign.id)
    svc = services()
    form = posted_form_class(svc, questionnaire, current_app.config["MAX_TEXT_LENGTH"])()
    notice, status = None, 200
    if request.method == "POST":
        if not is_answer_id(form.answer_id.data):
            form.answer_id.data = str(uuid.uuid4())
        valid, notice = validate_sheet(form)
        status = 422
        if valid:
            started = form.started_at.data if parse_time(form.started_at.data) else None
            answer = new_answer(
                campaign,
                questionnaire,
                answer_id=form.answer_id.data,
                answers=form.answers(),
                channel="papier",
                collector=g.team_member,
                session=item.id if item else None,
                poster=code,
                started_at=started,
            )
            try:
                svc.save_answer(questionnaire, answer)
            except AnswerConflict:
                flash(
                    "Cette feuille était déjà enregistrée avec d'autres réponses : elle n'a pas été "
                    "enregistrée une deuxième fois."
                )
            except OSError:  # the page comes back with what was typed
                current_app.logger.exception("paper sheet not saved")
                notice, status = (
                    (
                        "La feuille n'a pas pu être enregistrée (problème sur l'ordinateur qui reçoit "
                        "les réponses). Rien n'est perdu sur cette page : réessayez dans un instant."
                    ),
                    503,
                )
            else:
                flash("Feuille enregistrée. Feuille suivante :")
            if status != 503:
                return redirect(
                    url_for(
                        "terrain.paper_entry", campaign_id=campaign.id, feuille=code, session=item.id if item else None
                    ),
                    code=303,
                )
    else:
        form.answer_id.data = str(uuid.uuid4())
        form.started_at.data = utc_now()
    visible = form.visible_questions()
    return render_template(
        "terrain/paper_entry.html",
        campaign=campaign,
        questionnaire=questionnaire,
        form=form,
        code=code,
        item=item,
        count=count_for(campaign.id, item.id if item else None, "papier"),
        notice=notice,
        field_name=field_name,
        other_name=other_name,
        numbers={q.id: questionnaire.number_of(q.id) for q in questionnaire.answerable},
        errors=[(q, form.question_field(q).errors) for q in visible if form.question_field(q).errors],
    ), status


@bp.route("/terrain/<campaign_id>/sessions/<session_id>/photos", methods=["POST"])
@team_required
def add_photo(campaign_id, session_id):
    item = load_session(campaign_id, session_id)
    request.max_content_length = 9 * 1024 * 1024  # a phone photo is larger than a form
    upload = request.files.get("photo")
    try:
        photo = save_photo(services().photos, campaign_id, item.id, upload.read() if upload else b"", len(item.photos))
    except PhotoError as exc:
        flash(str(exc))
    else:
        sessions().add_photo(item, photo)
        flash("Photo du panneau ajoutée à la session.")
    return redirect(url_for("terrain.home", campaign_id=campaign_id), code=303)


@bp.route("/terrain/<campaign_id>/sessions/<session_id>/photos/<name>")
@team_required
def photo(campaign_id, session_id, name):
    item = load_session(campaign_id, session_id)
    entry = next((p for p in item.photos if p["file"] == name), None)
    if entry is None:
        abort(404)
    data = services().photos.read(campaign_id, item.id, entry["file"])
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=TYPES.get(entry["file"].rsplit(".", 1)[-1], "application/octet-stream"))


# -- door to door -------------------------------------------------------------

NO_DOORS = (
    "Cette campagne ne prévoit pas de porte-à-porte : la coordination peut ajouter le canal "
    "« Porte-à-porte » dans les réglages de la campagne."
)


@bp.route("/terrain/<campaign_id>/porte-a-porte", methods=["GET", "POST"])
@team_required
def doors(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    item = optional_session(campaign.id)
    error = None
    sector = request.values.get("secteur", "")
    # Without the channel, « A répondu » would store a door's answer under another channel.
    no_doors = "porte-a-porte" not in campaign.channels
    if no_doors:
        error = NO_DOORS
    elif request.method == "POST":
        try:
            door = new_door(
                campaign.id, item.id if item else None, sector, request.form.get("issue", ""), g.team_member
            )
            services().doors.add(door)
        except ValueError as exc:
            error = str(exc)
        else:
            if door["outcome"] == "repondu":  # the questionnaire, then « Porte suivante » back here
                args = {"canal": "porte-a-porte", "session": item.id if item else None, "secteur": door["sector"]}
                return redirect(
                    url_for("public.answer_form", campaign_id=campaign.id, **{k: v for k, v in args.items() if v}),
                    code=303,
                )
            flash(f"Porte notée : {OUTCOMES[door['outcome']].lower()}.")
            return redirect(
                url_for(
                    "terrain.doors", campaign_id=campaign.id, secteur=door["sector"], session=item.id if item else None
                ),
                code=303,
            )
    mine = [d for d in services().doors.for_campaign(campaign.id) if d.get("collector") == g.team_member]
    return render_template(
        "terrain/doors.html",
        campaign=campaign,
        item=item,
        notice=NO_DOORS if no_doors else None,
        field_errors=[] if no_doors else on("secteur", error),
        sector=sector,
        outcomes=OUTCOMES,
        mine=total(mine),
        no_doors=no_doors,
    ), (422 if error and request.method == "POST" else 200)


# -- the wall of words ---------------------------------------------------------

WALL_CLOSED = (
    "Ce mur de paroles n'est pas ouvert sur cet écran. Pour l'ouvrir : tapez ici un code "
    "bénévole de la campagne, ou demandez à la coordination de rendre le mur public "
    "(Terrain, « Gérer le mur de paroles »)."
)


def may_see_wall(campaign) -> bool:
    """The wall shows without login only when the coordination made it public."""
    return wall_is_public(services(), campaign.id) or team_member(campaign.id) is not None


def visible_wall(campaign):
    """The session asked for and its wall cards."""
    item = optional_session(campaign.id)
    cards = wall_cards(
        services(), campaign.id, item.id if item else None, postits=postits_on_wall(services(), campaign)
    )
    return item, cards


def wall_invitation(campaign, questionnaire, item) -> dict:
    """The question(s) the wall asks, and the QR code to answer from a phone (when the
    campaign takes answers from the public)."""
    asked = board_questions(questionnaire, item)
    questions = asked[:3] if item and item.questions else asked[:1]
    if "qr" not in campaign.channels or not campaign.accepts_answers(team_today()):
        return {"questions": questions, "qr": None, "address": None}
    from ..printing.links import form_url, short_url
    from ..printing.qr import qr_svg
    from ..services.site_settings import AddressError
    from .addresses import public_address

    try:
        base = public_address().url
    except AddressError:  # a bad saved address: the one this screen was opened with
        base = request.host_url.rstrip("/")
    one = questions[0].id if len(questions) == 1 else None
    url = form_url(base, campaign.id, "qr", poster="MUR", question=one)
    return {"questions": questions, "qr": qr_svg(url, "qr-mur", "wall-qr"), "address": short_url(base, campaign)}


@bp.route("/mur/<campaign_id>/")
def wall(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    if not may_see_wall(campaign):
        return render_template(
            "terrain/wall_closed.html", campaign=campaign, message=WALL_CLOSED, here=request.full_path.rstrip("?")
        ), 403
    item, cards = visible_wall(campaign)
    return render_template(
        "terrain/wall.html",
        campaign=campaign,
        item=item,
        cards=cards,
        invitation=wall_invitation(campaign, questionnaire, item),
    )


@bp.route("/mur/<campaign_id>/cartes.json")
def wall_data(campaign_id):
    campaign, _ = load_campaign(campaign_id)
    if not may_see_wall(campaign):
        response = jsonify(message=WALL_CLOSED)
        response.status_code = 403
    else:
        response = jsonify(cards=visible_wall(campaign)[1])
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
        if "postits" in request.form:
            set_postits_on_wall(svc, campaign.id, request.form["postits"] == "oui")
        answer_id = request.form.get("carte", "")
        if is_answer_id(answer_id):
            hide = request.form.get("action") != "remettre"
            changed = svc.answers.change(campaign.id, answer_id, lambda a: a.update(wall_hidden=hide))
            if changed is None:
                abort(404)
            audit("mur", f"carte {answer_id} {'retirée du' if hide else 'remise sur le'} mur ({campaign.id})")
            flash("Carte retirée du mur." if hide else "Carte remise sur le mur.")
        return redirect(url_for("terrain.wall_admin", campaign_id=campaign.id), code=303)
    postits = postits_on_wall(svc, campaign)
    cards = wall_cards(svc, campaign.id, None, include_withdrawn=True, postits=postits)
    return render_template(
        "terrain/wall_admin.html",
        campaign=campaign,
        cards=cards,
        public=wall_is_public(svc, campaign.id),
        postits=postits,
    )


# -- counts for the coordinator -----------------------------------------------


@bp.route("/coordination/campagnes/<campaign_id>/terrain")
@coordinator_required
def report(campaign_id):
    campaign, questionnaire = load_campaign(campaign_id)
    from ..services.fieldwork.report import session_counts

    svc = services()
    all_doors = svc.doors.for_campaign(campaign.id)
    return render_template(
        "terrain/report.html",
        campaign=campaign,
        counts=session_counts(svc, campaign.id, current_app.config["TIMEZONE"]),
        by_sector=rates(all_doors, "sector"),
        by_collector=rates(all_doors, "collector"),
        doors_total=total(all_doors),
        outcomes=OUTCOMES,
        channels=CHANNELS,
    )


@bp.route("/coordination/campagnes/<campaign_id>/terrain.csv")
@coordinator_required
def report_csv(campaign_id):
    campaign, _ = load_campaign(campaign_id)
    from ..services.fieldwork.report import session_counts_csv

    audit("export", f"comptes des sessions ({campaign.id}, CSV)")
    return current_app.response_class(
        session_counts_csv(services(), campaign.id, current_app.config["TIMEZONE"]),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{campaign.id}-sessions.csv"'},
    )
