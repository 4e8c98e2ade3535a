"""The media a person posts with an answer (issue 16 §2): the files ``media-<question>`` of a
``multipart/form-data`` form, read from the request and handed to ``services/media.py`` which
checks them from their bytes. Used by the public form and the tablets' queue (``offline.py``)."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext

from ..model.answer_record import is_answer_id
from ..model.media import RECORDING, field_name
from ..services.media import (
    CONSENT_PREFIX,
    CONSENT_VALUE,
    KEPT_PREFIX,
    Checked,
    MediaRefused,
    check_uploads,
    keep_media,
    kept_media,
    media_questions,
)
from .access import services

# Room for the answers' words and the multipart framing above the files themselves.
FORM_SLACK = 512 * 1024


def allow_media_body(kinds: dict[str, str]) -> None:
    """Raise this request's size limit to what its media questions may bring (before the body is
    read): a recording or a drawing per question, up to the server's own ceiling."""
    if not kinds:
        return
    config = current_app.config
    per_kind = {RECORDING: config["MEDIA_MAX_RECORDING_BYTES"]}
    files = sum(per_kind.get(kind, config["MEDIA_MAX_IMAGE_BYTES"]) for kind in kinds.values())
    request.max_content_length = min(config["MAX_UPLOAD_LENGTH"], config["MAX_CONTENT_LENGTH"] + FORM_SLACK + files)


# The routes an answer with media is posted to (the form, the tablets' queue).
MEDIA_ENDPOINTS = ("public.answer_form", "offline.submit")


def media_body_first() -> None:
    """Before every other hook (``web.register`` puts it first): several of them read the form
    (the page's language, the CSRF token), and the first read of the body applies the request's
    size limit. A posted answer whose questionnaire takes media gets its limit here, or any
    photo or recording above MAX_CONTENT_LENGTH would be refused (413) before its view runs."""
    if request.method != "POST" or request.endpoint not in MEDIA_ENDPOINTS:
        return
    if request.mimetype != "multipart/form-data":
        return
    svc = services()
    campaign = svc.campaigns.get(str((request.view_args or {}).get("campaign_id", "")))
    questionnaire = svc.questionnaire_for(campaign) if campaign is not None else None
    if questionnaire is not None:
        allow_media_body(media_questions(questionnaire, campaign.voice_answers))


def said(refusal: MediaRefused) -> str:
    """The refusal in the page's language."""
    return gettext(refusal.template, **refusal.values)


def posted_media(kinds: dict[str, str], form_values=None) -> tuple[Checked, dict[str, str]]:
    """The checked media of this request (question id → kind, bytes, content type) and the
    refusals in the page's language by question id. ``form_values``: where the consent boxes
    are (the request's form by default; the queue sends them inside its JSON)."""
    if not kinds:
        return {}, {}
    limit = current_app.config["MEDIA_MAX_RECORDING_BYTES"]
    uploads: dict[str, tuple[bytes, str | None]] = {}
    for question_id in kinds:
        upload = request.files.get(field_name(question_id))
        if upload is None:
            continue
        # One more byte than any limit: enough to know a file is too big without keeping more.
        data = upload.read(max(limit, current_app.config["MEDIA_MAX_IMAGE_BYTES"]) + 1)
        if data:
            uploads[question_id] = (data, upload.mimetype)
    values = request.form if form_values is None else form_values
    consents = {qid for qid in kinds if values.get(CONSENT_PREFIX + qid) == CONSENT_VALUE}
    checked, refused = check_uploads(kinds, uploads, consents, limit)
    return checked, {qid: said(refusal) for qid, refusal in refused.items()}


def answer_media(kinds: dict[str, str], campaign_id: str, answer_id: str, form_values=None, kept_names=None):
    """The media of this answer: the files posted now, and those an earlier screen stored (named
    by hidden fields ``media-garde-<question>``; the queue sends them in its JSON), a file posted
    now winning. (question id → kind, bytes, content type; refusals in the page's language)."""
    if not kinds:
        return {}, {}
    posted, refused = posted_media(kinds, form_values)
    if kept_names is None:
        kept_names = {qid: request.form.get(KEPT_PREFIX + qid) for qid in kinds if request.form.get(KEPT_PREFIX + qid)}
    kept, kept_refused = kept_media(services(), campaign_id, answer_id, kinds, kept_names)
    media = {**kept, **posted}
    said_refusals = {qid: said(refusal) for qid, refusal in kept_refused.items() if qid not in media}
    return media, {**said_refusals, **refused}


def keep_for_next_screen(campaign_id: str, answer_id: str, media: Checked) -> dict[str, str]:
    """A screen shown again (the next step, or errors to correct) cannot hold a file: the checked
    media are stored now, under this answer's id, and named on it (question id → file)."""
    if not media or not is_answer_id(answer_id):
        return {}
    return {entry["question"]: entry["file"] for entry in keep_media(services(), campaign_id, answer_id, media)}
