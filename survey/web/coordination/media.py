"""Recordings and drawings in the coordinator's reading pages (issue 16 §2): each medium sent back
to whoever may read its answer, and the transcription a facilitator types beside a recording.

Routes of the ``coordination`` blueprint. A medium is looked up as its answer is
(``access.campaign_or_404`` then ``answer_or_404``: another structure's campaign is a 404), and
only a file the answer names is sent: a name typed in the URL reaches nothing else.
"""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, request, url_for

from ...model.clock import utc_now
from ...model.media import RECORDING, media_of, transcription_of, with_transcription
from ..access import answer_or_404, campaign_or_404, coordinator_required, local_target, services
from .blueprint import bp

NO_MEDIUM = "Ce fichier n'existe pas, ou plus."
MAX_TRANSCRIPTION = 20_000  # characters: two minutes of speech are about 300 words


@bp.record_once
def template_helpers(state) -> None:
    """The macro of ``coordination/_media.html`` reads an answer's media and transcriptions."""
    state.app.jinja_env.globals.update(media_of=media_of, transcription_of=transcription_of)


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>/medias/<name>")
@coordinator_required
def medium(campaign_id: str, answer_id: str, name: str):
    campaign = campaign_or_404(campaign_id)
    item = answer_or_404(campaign, answer_id)
    entry = next((e for e in media_of(item) if e["file"] == name), None)
    if entry is None:
        abort(404, description=NO_MEDIUM)
    data = services().media.read(campaign.id, name)
    if data is None:
        abort(404, description=NO_MEDIUM)
    response = Response(data, mimetype=entry["type"])
    # The player asks for parts of the file (Range) to seek; the browser keeps it for this person only.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))


@bp.route("/campagnes/<campaign_id>/reponses/<answer_id>/transcription", methods=["POST"])
@coordinator_required
def transcribe(campaign_id: str, answer_id: str):
    """Save what a facilitator heard in a recording, with who and when; an empty text removes it."""
    campaign = campaign_or_404(campaign_id)
    item = answer_or_404(campaign, answer_id)
    question_id = request.form.get("question", "")
    back = local_target(
        request.form.get("suite"), url_for("coordination.answer", campaign_id=campaign.id, answer_id=item["id"])
    )
    if not any(e["question"] == question_id and e["kind"] == RECORDING for e in media_of(item)):
        flash("Cette réponse n'a pas d'enregistrement pour cette question.")
        return redirect(back, code=303)
    text = (request.form.get("transcription") or "").replace("\r\n", "\n")
    if len(text) > MAX_TRANSCRIPTION:
        flash(
            f"La transcription est trop longue ({len(text)} caractères, au plus {MAX_TRANSCRIPTION}). Rien n'a changé."
        )
        return redirect(back, code=303)
    who, at = g.coordinator, utc_now()
    services().answers.change(
        campaign.id, item["id"], lambda stored: with_transcription(stored, question_id, text, who, at)
    )
    flash("Transcription enregistrée." if text.strip() else "Transcription effacée.")
    return redirect(back, code=303)
