"""The editor's translations page: a draft's texts in another language, side by side with
the reference (issue 16). Plain forms, no JavaScript, like the rest of the editor; the
texts live in the draft until « Enregistrer le questionnaire »."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..model.questionnaire import language_words
from ..model.translations import direction, own_name
from ..services import draft_translations, drafts
from .access import coordinator_required, services

bp = Blueprint("editor_translations", __name__, url_prefix="/coordination/questionnaires")


def _draft_or_404(draft_id: str) -> dict:
    draft = drafts.get(services(), draft_id)
    if draft is None:
        abort(404, description="Ce brouillon n'existe plus (il a peut-être été enregistré ou abandonné).")
    return draft


@bp.route("/brouillons/<draft_id>/langues", methods=["POST"])
@coordinator_required
def add_language(draft_id: str):
    draft = _draft_or_404(draft_id)
    code = request.form.get("langue", "")
    if not draft_translations.add_language(draft["data"], code):
        flash("Choisissez une langue de la liste (une langue déjà proposée n'est pas ajoutée deux fois).")
        return redirect(url_for("editor.draft", draft_id=draft_id) + "#langues", code=303)
    drafts.put(services(), draft)
    return redirect(url_for("editor_translations.translate", draft_id=draft_id, language=code), code=303)


@bp.route("/brouillons/<draft_id>/langues/<language>/retirer", methods=["POST"])
@coordinator_required
def remove_language(draft_id: str, language: str):
    draft = _draft_or_404(draft_id)
    if request.form.get("confirmer") != "oui":
        flash("Cochez la case de confirmation pour retirer cette traduction.")
    elif draft_translations.remove_language(draft["data"], language):
        drafts.put(services(), draft)
        flash(f"La traduction en {language_words(language)} est retirée du brouillon.")
    return redirect(url_for("editor.draft", draft_id=draft_id) + "#langues", code=303)


@bp.route("/brouillons/<draft_id>/langues/<language>", methods=["GET", "POST"])
@coordinator_required
def translate(draft_id: str, language: str):
    draft = _draft_or_404(draft_id)
    data = draft["data"]
    if language not in draft_translations.languages(data):
        abort(404, description="Ce brouillon n'est pas traduit dans cette langue.")
    if request.method == "POST":
        draft_translations.put_texts(data, language, request.form, request.form.get("note", ""))
        drafts.put(services(), draft)
        flash("Traduction gardée dans le brouillon.")
        return redirect(url_for("editor.draft", draft_id=draft_id) + "#langues", code=303)
    rows = draft_translations.rows(data, language)
    return render_template(
        "editor/translation.html",
        draft=draft,
        data=data,
        language=language,
        language_name=own_name(language),
        language_words=language_words(language),
        direction=direction(language),
        rows=rows,
        missing=sum(1 for r in rows if not r.translated),
        note=draft_translations.note(data, language),
    )
