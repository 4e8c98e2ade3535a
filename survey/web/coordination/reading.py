"""Reading answers: browse and search, one answer with its metadata, tags, hiding,
quotes for the restitution, and erasure on request.

Routes of the ``coordination`` blueprint. Every answer is looked up inside the
campaign of the URL (``access.answer_or_404``).
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from ...model.campaign import CHANNELS
from ...model.consent import consent_words, from_scribe_card, may_display, may_quote
from ...services.corrections import history as correction_history
from ...services.privacy import delete_answer
from ...services.publishing import definition_for
from ...services.reading import HIDDEN_CHOICES, Filters, answers_page, free_texts, page_number
from ...services.results import NO_PLACE, TEXT_TYPES, answer_rows, place_of
from ...services.tags import (
    TagError,
    add_tag,
    campaign_tags,
    remove_tag,
    set_answer_tags,
    set_hidden,
    set_quoted,
    tag_counts,
)
from ..access import answer_or_404, campaign_or_404, coordinator_required, local_target, questionnaire_or_404, services
from ..field_errors import on
from .blueprint import bp
from .results import session_places


@bp.route("/campagnes/<campaign_id>/reponses")
@coordinator_required
def answers(campaign_id: str):
    svc = services()
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    filters = Filters.from_args(request.args)
    tags = campaign_tags(svc, campaign.id)
    places = session_places(svc, campaign.id) if filters.place else {}
    page = answers_page(
        svc.answers,
        campaign.id,
        questionnaire,
        filters,
        page_number(request.args.get("page")),
        known_tags=tags,
        place_of=lambda answer: place_of(answer, places, campaign.place or NO_PLACE),
    )
    text_questions = [q for q in questionnaire.answerable if q.type in TEXT_TYPES or q.other]
    return render_template(
        "coordination/answers.html",
        campaign=campaign,
        questionnaire=questionnaire,
        filters=filters,
        page=page,
        tags=tags,
        text_questions=text_questions,
        hidden_choices=HIDDEN_CHOICES,
        free_texts=free_texts,
        channels=CHANNELS,
        here=request.full_path,
    )


NOT_QUOTABLE = (
    "Ce texte ne peut pas être cité : la personne n'a pas donné son accord pour que ses mots "
    "soient réutilisés dans le compte rendu."
)


def session_label(svc, campaign_id: str, session_id) -> str:
    """The field session an answer was captured in, in words (« 21 novembre 2026 … – Marché »)."""
    if not session_id:
        return ""

    found = svc.sessions.get(campaign_id, str(session_id))
    return found.label if found else str(session_id)


def _back(campaign, answer) -> str:
    default = url_for("coordination.answer", campaign_id=campaign.id, answer_id=answer["id"])
    return local_target(request.form.get("suite"), default)


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>")
@coordinator_required
def answer(campaign_id: str, answer_id: str):
    svc = services()
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    item = answer_or_404(campaign, answer_id)
    # Shown with the questions as they were asked, even if the questionnaire changed since.
    asked = definition_for(svc, item.get("questionnaire", questionnaire.id), item.get("version")) or questionnaire
    return render_template(
        "coordination/answer.html",
        campaign=campaign,
        questionnaire=asked,
        answer=item,
        rows=answer_rows(item, asked),
        tags=campaign_tags(svc, campaign.id),
        channels=CHANNELS,
        place=place_of(item, session_places(svc, campaign.id), campaign.place or NO_PLACE),
        text_types=TEXT_TYPES,
        quotes=set(item.get("quotes") or []),
        here=request.full_path,
        may_quote=may_quote(item),
        may_display=may_display(item),
        from_card=from_scribe_card(item),
        consent_words=consent_words,
        session_label=session_label(svc, campaign.id, item.get("session")),
        not_quotable=NOT_QUOTABLE,
        correctable=bool(free_texts(item, asked)),
        corrections=correction_history(item, asked),
    )


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>/etiquettes", methods=["POST"])
@coordinator_required
def tag_answer(campaign_id: str, answer_id: str):
    campaign = campaign_or_404(campaign_id)
    item = answer_or_404(campaign, answer_id)
    shown = request.form.getlist("etiquette_affichee") if "etiquettes_affichees" in request.form else None
    set_answer_tags(services(), campaign.id, item["id"], request.form.getlist("etiquette"), shown)
    flash("Étiquettes enregistrées.")
    return redirect(_back(campaign, item), code=303)


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>/masquer", methods=["POST"])
@coordinator_required
def hide_answer(campaign_id: str, answer_id: str):
    campaign = campaign_or_404(campaign_id)
    item = answer_or_404(campaign, answer_id)
    hidden = request.form.get("masquer") == "1"
    set_hidden(services(), campaign.id, item["id"], hidden)
    flash(
        "Réponse masquée : elle n'est plus comptée dans les résultats."
        if hidden
        else "Réponse de nouveau visible et comptée."
    )
    return redirect(_back(campaign, item), code=303)


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>/citer", methods=["POST"])
@coordinator_required
def quote_answer(campaign_id: str, answer_id: str):
    campaign = campaign_or_404(campaign_id)
    item = answer_or_404(campaign, answer_id)
    question_id = request.form.get("question", "")
    quoted = request.form.get("citer") == "1"
    if quoted and not may_quote(item):
        flash(NOT_QUOTABLE)
        return redirect(_back(campaign, item), code=303)
    set_quoted(services(), campaign.id, item["id"], question_id, quoted)
    flash("Texte ajouté aux citations de la synthèse." if quoted else "Texte retiré des citations.")
    return redirect(_back(campaign, item), code=303)


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>/supprimer", methods=["GET", "POST"])
@coordinator_required
def delete_answer_view(campaign_id: str, answer_id: str):
    """Erase one answer for good, when the person asks (with a confirmation step)."""
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    item = answer_or_404(campaign, answer_id)
    if request.method == "POST":
        if request.form.get("confirmer") != "oui":
            flash("Rien n'a été effacé : cochez la case de confirmation.")
            return redirect(
                url_for("coordination.delete_answer_view", campaign_id=campaign.id, answer_id=item["id"]), code=303
            )
        delete_answer(services(), campaign.id, item["id"], who=g.coordinator)
        flash("La réponse est effacée définitivement.")
        return redirect(url_for("coordination.answers", campaign_id=campaign.id), code=303)
    return render_template(
        "coordination/answer_delete.html", campaign=campaign, answer=item, rows=answer_rows(item, questionnaire)
    )


@bp.route("/campagnes/<campaign_id>/etiquettes", methods=["GET", "POST"])
@coordinator_required
def tags(campaign_id: str):
    """The campaign's tag list, with how many answers carry each tag."""
    svc = services()
    campaign = campaign_or_404(campaign_id)
    error = None
    name = ""
    if request.method == "POST":
        if request.form.get("action") == "supprimer":
            removed = request.form.get("etiquette", "")
            count = remove_tag(svc, campaign.id, removed)
            flash(f"Étiquette « {removed} » supprimée (retirée de {count} réponse{'s' if count > 1 else ''}).")
            return redirect(url_for("coordination.tags", campaign_id=campaign.id), code=303)
        name = request.form.get("etiquette", "")
        try:
            added = add_tag(svc, campaign.id, name)
        except TagError as exc:
            error = str(exc)
        else:
            flash(f"Étiquette « {added} » ajoutée.")
            return redirect(url_for("coordination.tags", campaign_id=campaign.id), code=303)
    counts = tag_counts(svc, campaign.id, current_app.config["TIMEZONE"])
    return render_template(
        "coordination/tags.html", campaign=campaign, counts=counts, field_errors=on("etiquette", error), name=name
    ), (422 if error else 200)
