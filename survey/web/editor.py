"""The questionnaire editor of the coordinator space (issue 8).

Server-rendered pages that work on a tablet without JavaScript: every button
is a form submit, the draft lives in the record collection ``drafts`` between
requests, and the loader's own French problems are shown next to the question
they concern. Saving goes through ``survey.services.publishing`` (a new version when the
current one has answers); files go to ``<data>/questionnaires/``.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.validators import ValidationError

from ..editor_messages import NO_QUESTION, plain_problem
from ..formats import pictograms
from ..formats.xlsform import MAX_UPLOAD, MIMETYPE, XLSFormError, export_filename, export_xlsform, import_xlsform
from ..formats.yaml_files import parse_text
from ..formats.yaml_writer import questionnaire_yaml
from ..forms import build_form_class, field_name, other_name
from ..model.questionnaire import CHOICE_TYPES, DEFAULT_SCALE_LABELS, OPEN_TYPES, TYPES, QuestionnaireError
from ..services import draft_translations, drafts, publishing, structures
from ..services import questionnaire_files as files
from ..services.snapshots import snapshots
from .access import audit, coordinator_required, current_account, services, visible_campaigns

bp = Blueprint("editor", __name__, url_prefix="/coordination/questionnaires")

# Multipart overhead allowed above the file itself; the file's own limit is MAX_UPLOAD.
UPLOAD_SLACK = 64 * 1024
TYPE_HELP = {
    "short_text": "Une ligne de texte (un mot, une courte phrase).",
    "long_text": "Une grande zone de texte, pour raconter.",
    "single_choice": "Une seule réponse dans une liste.",
    "multiple_choice": "Plusieurs réponses possibles dans une liste.",
    "yes_no": "Deux gros boutons « Oui » et « Non ».",
    "scale": "De 1 à 5, chaque niveau avec un mot et un pictogramme.",
    "number": "Un nombre entier (un âge, un nombre de personnes…).",
    "note": "Un texte à lire, sans réponse.",
    "dessin": "Un dessin fait du doigt sur la tablette, ou la photo d'un dessin sur papier, avec une petite "
    "phrase si la personne le veut (la phrase seule suffit aussi).",
}


def add_hooks(app) -> None:
    # The upload checks its own token once the bigger size limit is set (see import_file).
    app.extensions["csrf"].exempt(import_file)


@bp.errorhandler(drafts.DraftChanged)
def draft_changed(error):
    """Two tabs on one draft: the later edit is refused, said plainly, never lost in silence."""
    if error.gone:
        flash(
            "Ce brouillon n'existe plus (il a été enregistré ou abandonné entre-temps) : "
            "votre dernière modification n'a pas été gardée."
        )
        return redirect(url_for("editor.index"), code=303)
    flash(
        "Ce brouillon a été modifié entre-temps (dans un autre onglet ?) : votre dernière "
        "modification n'a pas été enregistrée. Voici le brouillon à jour : refaites-la si besoin."
    )
    return redirect(url_for("editor.draft", draft_id=error.draft_id), code=303)


def _draft_or_404(draft_id: str) -> dict:
    draft = drafts.get(services(), draft_id)
    if draft is None:
        abort(404, description="Ce brouillon n'existe plus (il a peut-être été enregistré ou abandonné).")
    return draft


def _questionnaire_or_404(questionnaire_id: str):
    questionnaire = services().library.get(questionnaire_id)
    if questionnaire is None:
        abort(404, description="Ce questionnaire n'existe pas.")
    return questionnaire


def _version_or_404(questionnaire_id: str, version: int | None):
    svc = services()
    current = svc.library.get(questionnaire_id)
    if version is None or (current is not None and current.version == version):
        if current is None:
            abort(404, description="Ce questionnaire n'existe pas.")
        return current
    for q in snapshots(svc, questionnaire_id):
        if q.version == version:
            return q
    abort(404, description=f"La version {version} de ce questionnaire n'existe pas.")


SHARED_QUESTIONNAIRE = (
    "Des campagnes d'autres structures utilisent ce questionnaire : seule la coordination du réseau le "
    "modifie. Faites-en une copie (« Copier ») pour l'adapter à votre structure."
)


def _may_edit(questionnaire_id: str) -> None:
    if not structures.may_edit_questionnaire(services(), current_account(), questionnaire_id):
        abort(403, description=SHARED_QUESTIONNAIRE)


def _who() -> str:
    return getattr(g, "coordinator", "") or ""


# --------------------------------------------------------------------------- the list


@bp.route("/")
@coordinator_required
def index():
    svc = services()
    rows = []
    mine = {c.id for c in visible_campaigns()}  # questionnaires are shared; campaigns are not
    for q in svc.library:
        users = [c for c in publishing.campaigns_using(svc, q.id) if c.id in mine]
        rows.append(
            {
                "q": q,
                "origin": files.origin(svc, q),
                "campaigns": users,
                "answers": sum(svc.answers.count(c.id) for c in users),
            }
        )
    return render_template(
        "editor/index.html",
        rows=rows,
        drafts=drafts.all_drafts(svc),
        problems=[plain_problem(p, with_file=True) for p in svc.library.problems],
        max_upload=MAX_UPLOAD // (1024 * 1024),
    )


@bp.route("/nouveau", methods=["POST"])
@coordinator_required
def new():
    svc = services()
    title = request.form.get("titre", "").strip()[:200]
    taken = set(svc.library.questionnaires) | {d["data"].get("id") for d in drafts.all_drafts(svc)}
    data = drafts.blank(title, taken)
    data["id"] = files.free_id(svc, data["id"], taken)
    draft = drafts.create(svc, data, origin="nouveau questionnaire", by=_who())
    return redirect(url_for("editor.draft", draft_id=draft["id"]), code=303)


@bp.route("/importer", methods=["POST"])
@coordinator_required
def import_file():
    """A YAML questionnaire from another structure, or an XLSForm (.xlsx) from Kobo or ODK."""
    svc = services()
    request.max_content_length = MAX_UPLOAD + UPLOAD_SLACK
    too_big = (
        f"Le fichier est trop gros : la limite est de {MAX_UPLOAD // (1024 * 1024)} Mo. "
        "Un questionnaire pèse d'habitude moins de 100 ko."
    )
    if (request.content_length or 0) > request.max_content_length:
        return _import_error(too_big, 413)  # said before reading a byte of it
    try:
        upload = request.files.get("fichier")
        token = request.form.get("csrf_token")
    except RequestEntityTooLarge:  # a body sent without its length
        return _import_error(too_big, 413)
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(token)
        except ValidationError:
            return _import_error("La page a expiré. Rechargez-la, puis choisissez à nouveau le fichier.", 400)
    if upload is None or not upload.filename:
        return _import_error("Choisissez d'abord un fichier (.yaml ou .xlsx).", 422)
    content = upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _import_error(too_big, 413)
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:120]
    lowered = name.lower()
    notes: list[str] = []
    if lowered.endswith((".yaml", ".yml")):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return _import_error("Ce fichier n'est pas un questionnaire lisible : il n'est pas en texte UTF-8.", 422)
        try:
            questionnaire = parse_text(text, name)
        except QuestionnaireError as exc:
            return _import_error(
                "Ce questionnaire a des problèmes : corrigez le fichier puis réessayez.",
                422,
                [plain_problem(p, with_file=True) for p in exc.problems],
            )
        data = questionnaire.to_dict()
        origin = f"fichier {name}"
    elif lowered.endswith((".xlsx", ".xlsm")) or content.startswith(b"PK"):
        try:
            result = import_xlsform(content, name)
        except XLSFormError as exc:
            return _import_error(str(exc), 422, notes=exc.notes)
        questionnaire, problems = result.validate(name)
        if questionnaire is None:
            return _import_error(
                "Le formulaire converti a encore des problèmes :",
                422,
                [plain_problem(p, with_file=True) for p in problems],
                result.notes,
            )
        data, notes = questionnaire.to_dict(), result.notes
        origin = f"XLSForm {name}"
    else:
        return _import_error(
            "Ce type de fichier n'est pas reconnu. Choisissez un questionnaire .yaml (partagé par "
            "une autre structure) ou un XLSForm .xlsx (KoboToolbox, ODK).",
            422,
        )
    wanted = data["id"]
    taken = set(svc.library.questionnaires) | {d["data"].get("id") for d in drafts.all_drafts(svc)}
    data["id"] = files.free_id(svc, wanted, taken)
    data["version"] = 1
    if data["id"] != wanted:
        notes.insert(
            0,
            f"Un questionnaire « {wanted} » existe déjà ici : celui-ci prend l'identifiant "
            f"« {data['id']} » (vous pouvez le changer avant d'enregistrer).",
        )
    draft = drafts.create(svc, data, origin=origin, notes=notes, by=_who())
    audit("questionnaire importé", f"{origin} → brouillon {data['id']}")
    flash("Fichier importé. Relisez le questionnaire, puis enregistrez-le.")
    return redirect(url_for("editor.draft", draft_id=draft["id"]), code=303)


def _import_error(message: str, status: int, problems=(), notes=()):
    svc = services()
    return render_template(
        "editor/import_error.html",
        message=message,
        problems=list(problems),
        notes=list(notes),
        max_upload=MAX_UPLOAD // (1024 * 1024),
        drafts=drafts.all_drafts(svc),
    ), status


# --------------------------------------------------------------------------- one questionnaire


@bp.route("/q/<questionnaire_id>/")
@coordinator_required
def questionnaire(questionnaire_id: str):
    svc = services()
    current = _questionnaire_or_404(questionnaire_id)
    counts = publishing.version_counts(svc, questionnaire_id)
    versions = {q.version: q for q in snapshots(svc, questionnaire_id)}
    versions[current.version] = current
    rows = [
        {"q": q, "answers": counts.get(v, 0), "current": v == current.version}
        for v, q in sorted(versions.items(), reverse=True)
    ]
    mine = {c.id for c in visible_campaigns()}  # questionnaires are shared; campaigns are not
    return render_template(
        "editor/questionnaire.html",
        q=current,
        rows=rows,
        origin=files.origin(svc, current),
        campaigns=[c for c in publishing.campaigns_using(svc, questionnaire_id) if c.id in mine],
        draft=drafts.for_base(svc, questionnaire_id),
        types=TYPES,
    )


@bp.route("/q/<questionnaire_id>/modifier", methods=["POST"])
@coordinator_required
def edit(questionnaire_id: str):
    svc = services()
    current = _questionnaire_or_404(questionnaire_id)
    _may_edit(questionnaire_id)
    existing = drafts.for_base(svc, questionnaire_id)
    if existing is not None:
        flash("Un brouillon de ce questionnaire était déjà commencé : vous le reprenez.")
        return redirect(url_for("editor.draft", draft_id=existing["id"]), code=303)
    draft = drafts.create(
        svc, current.to_dict(), base=current, origin=f"modification de la version {current.version}", by=_who()
    )
    return redirect(url_for("editor.draft", draft_id=draft["id"]), code=303)


@bp.route("/q/<questionnaire_id>/copier", methods=["POST"])
@coordinator_required
def copy(questionnaire_id: str):
    svc = services()
    current = _questionnaire_or_404(questionnaire_id)
    taken = set(svc.library.questionnaires) | {d["data"].get("id") for d in drafts.all_drafts(svc)}
    data = drafts.copy_of(current, files.free_id(svc, f"{current.id}-copie", taken))
    draft = drafts.create(svc, data, origin=f"copie de « {current.title} »", by=_who())
    return redirect(url_for("editor.draft", draft_id=draft["id"]), code=303)


@bp.route("/q/<questionnaire_id>/apercu", methods=["GET", "POST"])
@coordinator_required
def library_preview(questionnaire_id: str):
    version = request.args.get("version", type=int)
    q = _version_or_404(questionnaire_id, version)
    return _preview(
        q,
        back=url_for("editor.questionnaire", questionnaire_id=questionnaire_id),
        action=url_for("editor.library_preview", questionnaire_id=questionnaire_id, version=version),
    )


@bp.route("/q/<questionnaire_id>/fichier.yaml")
@coordinator_required
def download_yaml(questionnaire_id: str):
    q = _version_or_404(questionnaire_id, request.args.get("version", type=int))
    return Response(
        questionnaire_yaml(q).encode("utf-8"),
        mimetype="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{q.id}-v{q.version}.yaml"'},
    )


@bp.route("/q/<questionnaire_id>/xlsform.xlsx")
@coordinator_required
def download_xlsform(questionnaire_id: str):
    q = _version_or_404(questionnaire_id, request.args.get("version", type=int))
    return Response(
        export_xlsform(q),
        mimetype=MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{export_filename(q)}"'},
    )


@bp.route("/q/<questionnaire_id>/versions/<int:version>/supprimer", methods=["POST"])
@coordinator_required
def delete_version(questionnaire_id: str, version: int):
    svc = services()
    try:
        message = publishing.delete_version(svc, questionnaire_id, version)
    except publishing.DeleteRefused as exc:
        flash(str(exc))
        if svc.library.get(questionnaire_id) is None:
            return redirect(url_for("editor.index"), code=303)
        return redirect(url_for("editor.questionnaire", questionnaire_id=questionnaire_id), code=303)
    audit("questionnaire supprimé", f"{questionnaire_id} version {version}")
    flash(message)
    if svc.library.get(questionnaire_id) is None:
        return redirect(url_for("editor.index"), code=303)
    return redirect(url_for("editor.questionnaire", questionnaire_id=questionnaire_id), code=303)


# --------------------------------------------------------------------------- a draft


def _render_draft(draft: dict, status: int = 200, save_problems=None):
    svc = services()
    data = draft["data"]
    questionnaire, general, per_question = drafts.check(data)
    if save_problems is None:
        general, per_question = _not_yet_touched(draft, general, per_question)
    if questionnaire is not None and draft.get("base_id") and not save_problems:
        # Said before saving: an answered question that would change meaning.
        save_problems = (
            publishing.meaning_problems(
                publishing.answered_definitions(svc, draft["base_id"]), questionnaire, "brouillon"
            )
            or None
        )
    if save_problems:
        extra_general, extra = drafts.placed(save_problems, data)
        general = general + [m for m in extra_general if m not in general]
        for index, messages in extra.items():
            known = per_question.setdefault(index, [])
            known.extend(m for m in messages if m not in known)
    if not draft.get("base_id") and data.get("id") in svc.library.questionnaires:
        general = general + [
            f"un questionnaire « {data['id']} » existe déjà : changez l'identifiant, "
            f"par exemple « {files.free_id(svc, str(data['id']))} »."
        ]
    questions = data.get("questions") or []
    return render_template(
        "editor/draft.html",
        draft=draft,
        data=data,
        questions=questions,
        general=general,
        per_question=per_question,
        valid=questionnaire is not None and not save_problems,
        types=TYPES,
        type_help=TYPE_HELP,
        labels=_labels(questions),
        conditions=_conditions(questions),
        base=svc.library.get(draft["base_id"]) if draft.get("base_id") else None,
        answers=publishing.answer_total(svc, draft["base_id"]) if draft.get("base_id") else 0,
        translations=draft_translations.progress(data),
        addable_languages=draft_translations.addable(data),
    ), status


def _not_yet_touched(draft: dict, general: list[str], per_question: dict) -> tuple[list[str], dict]:
    """No reproach before the coordinator has done anything: a new draft without questions, or a
    question just added and not yet filled in, shows its problems only once saving is tried."""
    questions = draft["data"].get("questions") or []
    if not questions:
        general = [m for m in general if m != NO_QUESTION]
    fresh = draft.get("fresh")
    if fresh:
        per_question = {
            i: m
            for i, m in per_question.items()
            if not (i < len(questions) and isinstance(questions[i], dict) and questions[i].get("id") == fresh)
        }
    return general, per_question


def _labels(questions: list[dict]) -> dict:
    return {q.get("id"): (i, q.get("label", "")) for i, q in enumerate(questions, 1) if isinstance(q, dict)}


def _conditions(questions: list[dict]) -> dict:
    """Each question's condition in words: « si 2. Avez-vous internet ? = Non »."""
    found = {}
    by_id = {q.get("id"): (i, q) for i, q in enumerate(questions, 1)}
    for index, q in enumerate(questions):
        code = drafts.condition_code(q)
        if not code:
            continue
        target_id, _, values = code.partition("=")
        number, target = by_id.get(target_id, (None, {}))
        words = dict(drafts.options_of(target))
        shown = " ou ".join(f"« {words.get(v, v)} »" for v in values.split("|"))
        found[index] = f"seulement si la réponse à la question {number or target_id} est {shown}"
    return found


@bp.route("/brouillons/<draft_id>/")
@coordinator_required
def draft(draft_id: str):
    # ``?verifier=1`` (after a refused preview): every problem, even of a question not filled in yet.
    return _render_draft(_draft_or_404(draft_id), save_problems=[] if request.args.get("verifier") else None)


@bp.route("/brouillons/<draft_id>/presentation", methods=["POST"])
@coordinator_required
def presentation(draft_id: str):
    svc = services()
    draft = _draft_or_404(draft_id)
    data = draft["data"]
    data["title"] = request.form.get("title", "").strip()[:200]
    for key in ("intro", "purpose", "consent"):
        data[key] = request.form.get(key, "").strip()[:5000]
    if not draft.get("base_id") and request.form.get("id", "").strip():
        data["id"] = request.form["id"].strip().lower()  # left empty: it keeps the one made from the title
    drafts.put(svc, draft)
    flash("Présentation enregistrée dans le brouillon.")
    return redirect(url_for("editor.draft", draft_id=draft_id) + "#presentation", code=303)


@bp.route("/brouillons/<draft_id>/questions", methods=["POST"])
@coordinator_required
def add_question(draft_id: str):
    svc = services()
    draft = _draft_or_404(draft_id)
    questions = draft["data"].setdefault("questions", [])
    taken = {q.get("id") for q in questions if isinstance(q, dict)}
    questions.append(drafts.new_question(request.form.get("type", ""), request.form.get("label", "")[:1000], taken))
    draft["fresh"] = questions[-1]["id"]  # its problems wait until it is filled in
    drafts.put(svc, draft)
    return redirect(url_for("editor.question", draft_id=draft_id, number=len(questions)), code=303)


def _question_at(draft: dict, number: int) -> dict:
    questions = draft["data"].get("questions") or []
    if not 1 <= number <= len(questions) or not isinstance(questions[number - 1], dict):
        abort(404, description="Cette question n'existe pas dans le brouillon.")
    return questions[number - 1]


@bp.route("/brouillons/<draft_id>/questions/<int:number>", methods=["GET", "POST"])
@coordinator_required
def question(draft_id: str, number: int):
    svc = services()
    draft = _draft_or_404(draft_id)
    old = _question_at(draft, number)
    questions = draft["data"]["questions"]
    if request.method == "POST":
        action = request.form.get("action", "enregistrer")
        updated = drafts.question_from_form(request.form, old)
        if action.startswith(("monter-", "descendre-", "retirer-")):
            drafts.move_choice(updated, action)
        drafts.rename_references(questions, old.get("id", ""), updated["id"])
        draft_translations.rename_question(draft["data"], old.get("id", ""), updated["id"])
        questions[number - 1] = updated
        if draft.get("fresh") == old.get("id"):
            draft["fresh"] = None
        drafts.put(svc, draft)
        if action == "enregistrer":
            return redirect(url_for("editor.draft", draft_id=draft_id) + f"#question-{number}", code=303)
        anchor = "#choix" if action != "appliquer" else "#apercu"
        return redirect(url_for("editor.question", draft_id=draft_id, number=number) + anchor, code=303)
    return _render_question(draft, number)


def _render_question(draft: dict, number: int):
    data = draft["data"]
    questions = data["questions"]
    q = questions[number - 1]
    _, general, per_question = drafts.check(data)
    general, per_question = _not_yet_touched(draft, general, per_question)
    preview = _question_preview(q, number)
    return render_template(
        "editor/question.html",
        draft=draft,
        data=data,
        q=q,
        number=number,
        total=len(questions),
        problems=per_question.get(number - 1, []),
        types=TYPES,
        type_help=TYPE_HELP,
        choice_types=CHOICE_TYPES,
        open_types=OPEN_TYPES,  # the questions a recording may answer (« voice »)
        pictos=pictograms.catalogue(),  # the drawings a choice may carry, by name
        conditions=drafts.condition_choices(questions, number - 1),
        condition=drafts.condition_code(q),
        scale_labels=q.get("scale_labels") or list(DEFAULT_SCALE_LABELS),
        preview=preview,
        field_name=field_name,
        other_name=other_name,
    )


def _question_preview(q: dict, number: int):
    """The question alone, as a respondent sees it (None while it is not valid)."""
    alone = {key: value for key, value in q.items() if key != "show_if"}
    questionnaire, _, _ = drafts.check({"id": "apercu", "title": "Aperçu", "version": 1, "questions": [alone]})
    if questionnaire is None:
        return None
    form = build_form_class(questionnaire, current_app.config["MAX_TEXT_LENGTH"])()
    return {"questionnaire": questionnaire, "form": form, "number": number}


@bp.route("/brouillons/<draft_id>/questions/<int:number>/<action>", methods=["POST"])
@coordinator_required
def move_question(draft_id: str, number: int, action: str):
    svc = services()
    draft = _draft_or_404(draft_id)
    q = _question_at(draft, number)
    questions = draft["data"]["questions"]
    i = number - 1
    target = number
    if action == "monter" and i > 0:
        questions[i - 1], questions[i] = questions[i], questions[i - 1]
        target = number - 1
    elif action == "descendre" and i < len(questions) - 1:
        questions[i + 1], questions[i] = questions[i], questions[i + 1]
        target = number + 1
    elif action == "supprimer":
        draft["trash"] = {"index": i, "question": q}
        del questions[i]
        flash(f"Question « {q.get('label') or q.get('id')} » supprimée du brouillon.")
        target = min(number, len(questions))
    elif action not in ("monter", "descendre"):
        abort(404)
    drafts.put(svc, draft)
    return redirect(url_for("editor.draft", draft_id=draft_id) + f"#question-{target}", code=303)


@bp.route("/brouillons/<draft_id>/retablir", methods=["POST"])
@coordinator_required
def restore(draft_id: str):
    svc = services()
    draft = _draft_or_404(draft_id)
    trash = draft.get("trash")
    if trash:
        questions = draft["data"].setdefault("questions", [])
        index = min(max(int(trash.get("index", 0)), 0), len(questions))
        questions.insert(index, trash["question"])
        draft["trash"] = None
        drafts.put(svc, draft)
        flash("Question rétablie.")
        return redirect(url_for("editor.draft", draft_id=draft_id) + f"#question-{index + 1}", code=303)
    return redirect(url_for("editor.draft", draft_id=draft_id), code=303)


@bp.route("/brouillons/<draft_id>/apercu", methods=["GET", "POST"])
@coordinator_required
def preview(draft_id: str):
    draft = _draft_or_404(draft_id)
    questionnaire, general, per_question = drafts.check(draft["data"])
    back = url_for("editor.draft", draft_id=draft_id)
    if questionnaire is None:
        flash("L'aperçu sera possible quand les problèmes signalés seront corrigés.")
        return redirect(url_for("editor.draft", draft_id=draft_id, verifier=1) + "#problemes", code=303)
    return _preview(questionnaire, back=back, action=url_for("editor.preview", draft_id=draft_id), draft=True)


def _preview(questionnaire, back: str, action: str | None, draft: bool = False):
    """The form exactly as a respondent sees it; « Essayer » checks answers, stores nothing."""
    form_class = build_form_class(questionnaire, current_app.config["MAX_TEXT_LENGTH"])
    tried = request.method == "POST"
    form = form_class(formdata=request.form if tried else None)
    accepted = None
    if tried:
        form.answer_id.data = str(uuid.uuid4())
        if form.validate_questions():
            accepted = _answers_in_words(questionnaire, form.answers())
    errors = (
        [(q, form.question_field(q).errors) for q in form.visible_questions() if form.question_field(q).errors]
        if tried
        else []
    )
    return render_template(
        "editor/preview.html",
        questionnaire=questionnaire,
        draft_preview=draft,
        form=form,
        back=back,
        action=action,
        tried=tried,
        accepted=accepted,
        errors=errors,
        field_name=field_name,
        other_name=other_name,
    ), (422 if errors else 200)


def _answers_in_words(questionnaire, answers: dict) -> list[tuple[str, str]]:
    rows = []
    for q in questionnaire.answerable:
        if q.id not in answers:
            continue
        value = answers[q.id]
        shown = ", ".join(q.label_of(v) for v in value) if isinstance(value, list) else q.label_of(value)
        if f"{q.id}__autre" in answers:
            shown += f" : {answers[q.id + '__autre']}"
        rows.append((q.label, shown))
    return rows


@bp.route("/brouillons/<draft_id>/enregistrer", methods=["POST"])
@coordinator_required
def save(draft_id: str):
    svc = services()
    draft = _draft_or_404(draft_id)
    if draft.get("base_id"):
        _may_edit(draft["base_id"])
    try:
        saved = publishing.save(
            svc, draft["data"], base_id=draft.get("base_id"), base_version=draft.get("base_version")
        )
    except publishing.SaveRefused as exc:
        return _render_draft(draft, 422, save_problems=exc.problems)
    drafts.delete(svc, draft_id)
    audit("questionnaire enregistré", f"{saved.questionnaire.id} version {saved.questionnaire.version}")
    flash(saved.message)
    return redirect(url_for("editor.questionnaire", questionnaire_id=saved.questionnaire.id), code=303)


@bp.route("/brouillons/<draft_id>/abandonner", methods=["POST"])
@coordinator_required
def discard(draft_id: str):
    svc = services()
    draft = _draft_or_404(draft_id)
    drafts.delete(svc, draft_id)
    flash(f"Brouillon « {draft['data'].get('title') or draft['data'].get('id')} » abandonné.")
    return redirect(url_for("editor.index"), code=303)
