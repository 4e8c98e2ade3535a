"""The pages that correct an answer's words: the coordinator's (any answer of the
campaign) and the team's (« Mes saisies du jour »: what this member captured today).
The rules are in ``corrections.py``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from ..services.corrections import CorrectionError, changed_texts, correct_answer, correctable_texts, member_may_correct
from ..services.kept_counts import Facts
from ..services.publishing import definition_for
from .access import (
    answer_or_404,
    campaign_or_404,
    coordinator_required,
    is_coordinator,
    load_campaign,
    questionnaire_or_404,
    services,
    team_required,
)

bp = Blueprint("corrections", __name__)
FIELD = "texte__"  # form field of the text stored under key k: "texte__k"
MY_ENTRIES_SHOWN = 50  # « Mes saisies du jour »: the newest this many


def asked_definition(answer: dict, questionnaire):
    """The questionnaire as it was when the answer was given."""
    return (
        definition_for(services(), answer.get("questionnaire", questionnaire.id), answer.get("version"))
        or questionnaire
    )


def text_fields(answer: dict, questionnaire) -> list[dict]:
    """One field per written text: its key, its label (the question's words) and its text."""
    fields = []
    for key, text in correctable_texts(answer, questionnaire).items():
        question = questionnaire.question(key.removesuffix("__autre"))
        label = question.label if question else key
        if key.endswith("__autre"):
            label += " (Autre, précisez)"
        fields.append({"key": key, "name": FIELD + key, "label": label, "text": text})
    return fields


def _correct(campaign, questionnaire, answer: dict, who: str, back: str, done: str, template_back: str):
    """The shared GET/POST of both correction pages."""
    asked = asked_definition(answer, questionnaire)
    fields = text_fields(answer, asked)
    error = None
    if request.method == "POST":
        submitted = {f["key"]: request.form.get(f["name"], f["text"]) for f in fields}
        try:
            changes = changed_texts(answer, submitted, asked, current_app.config["MAX_TEXT_LENGTH"])
        except CorrectionError as exc:
            error = str(exc)
            for f in fields:
                f["text"] = submitted[f["key"]]
        else:
            if not changes:
                flash("Rien n'a changé : la réponse est restée telle quelle.")
            elif correct_answer(services(), campaign.id, answer["id"], changes, who) is None:
                abort(404)
            else:
                flash("Correction enregistrée. Le texte d'avant reste gardé avec la réponse.")
            return redirect(done, code=303)
    return render_template(
        "coordination/answer_correct.html",
        campaign=campaign,
        answer=answer,
        fields=fields,
        error=error,
        back=back,
        back_label=template_back,
        max_length=current_app.config["MAX_TEXT_LENGTH"],
    ), (422 if error else 200)


@bp.route("/coordination/campagnes/<campaign_id>/reponses/<answer_id>/corriger", methods=["GET", "POST"])
@coordinator_required
def coordinator_correct(campaign_id: str, answer_id: str):
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    item = answer_or_404(campaign, answer_id)
    page = url_for("coordination.answer", campaign_id=campaign.id, answer_id=item["id"])
    return _correct(campaign, questionnaire, item, g.coordinator, page, page, "Revenir à la réponse")


@bp.route("/terrain/<campaign_id>/saisies")
@team_required
def my_entries(campaign_id: str):
    """What this team member captured today, newest first, each with « Corriger ».

    The kept counts say how many answers the member signed today; the newest answers
    are read backwards until all of them are seen: the page costs today's work."""
    campaign, questionnaire = load_campaign(campaign_id)
    zone = current_app.config["TIMEZONE"]
    now = datetime.now(ZoneInfo(zone))
    store = services().answers
    expected = Facts.of(store, campaign.id, zone).collected(g.team_member, now.date())
    mine, seen = [], 0
    for a in store.iter_newest(campaign.id) if expected else ():
        if member_may_correct(a, g.team_member, zone, now):
            seen += 1
            if correctable_texts(a, questionnaire):
                mine.append(a)
            if seen >= expected:
                break
    return render_template(
        "terrain/entries.html",
        campaign=campaign,
        questionnaire=questionnaire,
        entries=mine[:MY_ENTRIES_SHOWN],
        total=len(mine),
        texts=correctable_texts,
    )


@bp.route("/terrain/<campaign_id>/saisies/<answer_id>/corriger", methods=["GET", "POST"])
@team_required
def member_correct(campaign_id: str, answer_id: str):
    campaign, questionnaire = load_campaign(campaign_id)
    item = answer_or_404(campaign, answer_id)
    zone = current_app.config["TIMEZONE"]
    if not (is_coordinator() or member_may_correct(item, g.team_member, zone)):
        abort(
            403,
            description="Vous pouvez corriger seulement ce que vous avez saisi vous-même, le jour même. "
            "Pour une autre réponse, demandez à la coordination.",
        )
    page = url_for("corrections.my_entries", campaign_id=campaign.id)
    return _correct(campaign, questionnaire, item, g.team_member, page, page, "Revenir à mes saisies du jour")
