"""The shared instance's side of a laptop's hand-over (issue 15 §4): upload tokens, and what
each request of ``web/handover.py`` stores.

A coordinator of the instance makes a token for one campaign id; it is shown once and only
its SHA-256 is kept (``storage/repositories/handover.py``), with its campaign and expiry, so a
copy of the records gives nobody a way in. Everything received goes through the same rules as
``survey data copy`` (``data_copy.copy_answer``): an answer already there as it is counts as
« déjà là », one whose id holds other content is refused and listed, never overwritten, and a
corrected answer is stored as first sent then corrected (its fingerprint is what a tablet
resending it is compared with). The summary (``summary``) is counted and hashed the way the
laptop counts its own side, so the final check is the same on both.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from typing import Any, Callable

from ..model.answer_record import is_answer_id
from ..model.campaign import TEXT_FIELDS, Campaign, validate
from ..model.clock import utc_now
from ..model.errors import SurveyError
from ..model.structure import owner_of
from ..storage.repositories.handover import UploadTokenRepository
from ..storage.repositories.versions import snapshot_id
from . import Services
from .data_copy import CopyReport, answer_hash, canonical, copy_answer, item_hash, tally
from .fieldwork.photos import MAX_PHOTO_BYTES, PhotoError, check_dimensions, image_type
from .media import MediaRefused
from .media_transfer import STORED, media_digests, receive_medium
from .structures import campaign_owner

CAMPAIGN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")  # as model/campaign.py
PHOTO_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")  # as services/fieldwork/photos.py names them
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
TOKEN_BYTES = 32
KINDS = ("reponses", "sessions", "versions", "photos", "medias")


class HandoverRefused(SurveyError):
    """A request the instance refuses, with its HTTP status and French message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- tokens ----------------------------------------------------------------------------------


def make_token(svc: Services, campaign_id: str, days: int, by: str, structure_id: str = "") -> str:
    """A new token for ``campaign_id`` (which need not exist yet: the laptop brings it); the
    token itself is returned once and never stored. The campaign it brings belongs to
    ``structure_id`` (``services/structures.py`` ``token_structure``; "" the default one)."""
    campaign_id = (campaign_id or "").strip()
    if not CAMPAIGN_ID.match(campaign_id):
        raise HandoverRefused(
            "Identifiant de campagne non valable : des lettres minuscules sans accent, des chiffres "
            "et des tirets (celui que montre l'ordinateur portable, par exemple « fete-quartier-2026 »)."
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    record = {
        "id": token_hash(token),
        "campaign": campaign_id,
        "created_at": utc_now(),
        "expires": time.time() + days * 86400,
        "by": by,
        "revoked": False,
    }
    if structure_id:
        record["structure_id"] = structure_id
    UploadTokenRepository(svc.records).add(record)
    return token


def tokens(svc: Services) -> list[dict]:
    """Every token record (never the tokens), newest first, with ``active``."""
    now = time.time()
    found = [
        dict(r, active=not r.get("revoked") and r.get("expires", 0) > now)
        for r in UploadTokenRepository(svc.records).all()
    ]
    return sorted(found, key=lambda r: r.get("created_at", ""), reverse=True)


def revoke_token(svc: Services, token_id: str, may_revoke: Callable[[dict], bool] = lambda record: True) -> dict | None:
    """Withdraw a token; None when there is none, or it is not one ``may_revoke`` (another
    structure's)."""

    def revoke(record: dict) -> None:
        record["revoked"] = True
        record["revoked_at"] = utc_now()

    if not isinstance(token_id, str) or not re.fullmatch(r"[0-9a-f]{64}", token_id):
        return None
    repository = UploadTokenRepository(svc.records)
    found = repository.get(token_id)
    if found is None or not may_revoke(found):  # a token's structure never changes
        return None
    return repository.change(token_id, revoke)


def check_token(svc: Services, authorization: str | None, campaign_id: str) -> dict:
    """The token record of ``Authorization: Bearer …`` if it may send to ``campaign_id``."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HandoverRefused("Jeton d'envoi manquant : créez-en un sur l'instance partagée.", 401)
    record = UploadTokenRepository(svc.records).get(token_hash(token.strip()))
    if record is None:
        raise HandoverRefused("Jeton d'envoi inconnu : vérifiez-le, ou créez-en un nouveau sur l'instance.", 401)
    if record.get("revoked"):
        raise HandoverRefused("Ce jeton d'envoi a été retiré : créez-en un nouveau sur l'instance.", 401)
    if record.get("expires", 0) <= time.time():
        raise HandoverRefused("Ce jeton d'envoi a expiré : créez-en un nouveau sur l'instance.", 401)
    if record.get("campaign") != campaign_id:
        raise HandoverRefused(
            f"Ce jeton d'envoi est fait pour la campagne « {record.get('campaign')} », pas pour « {campaign_id} ».", 403
        )
    existing = svc.campaigns.get(campaign_id)
    if existing is not None and campaign_owner(existing) != owner_of(record):
        # Another structure made a campaign with this id after the token: nothing goes into it.
        raise HandoverRefused(
            f"La campagne « {campaign_id} » de l'instance appartient à une autre structure : "
            "créez un nouveau jeton, pour un autre identifiant.",
            403,
        )
    return record


# -- receiving -------------------------------------------------------------------------------


def receive_campaign(svc: Services, campaign_id: str, record: Any, structure_id: str = "") -> dict:
    """The campaign record: stored if absent, as a campaign of ``structure_id`` (the structure
    of the token, whatever the laptop says); if present, the instance's is kept as it is (it
    may have been edited there) and the answer says whether it differs."""
    if not isinstance(record, dict) or record.get("id") != campaign_id:
        raise HandoverRefused("La campagne envoyée n'est pas lisible, ou ce n'est pas celle de l'adresse.")
    try:
        # The instance gives its own short code, and the structure is the token's.
        campaign = Campaign.from_record({**record, "short_code": "", "structure_id": structure_id})
    except TypeError:
        raise HandoverRefused("La campagne envoyée n'est pas lisible (champs manquants).") from None
    if not well_typed(campaign):
        raise HandoverRefused("La campagne envoyée n'est pas lisible (format inattendu).")
    problems = validate(campaign, [campaign.questionnaire])  # a questionnaire missing here is only said
    if problems:
        raise HandoverRefused("La campagne envoyée n'est pas valable : " + " ".join(problems))
    missing = (
        f" Son questionnaire « {campaign.questionnaire} » n'est pas sur l'instance : ajoutez-le "
        "(page « Questionnaires ») pour que le formulaire s'ouvre."
        if svc.questionnaire_for(campaign) is None
        else ""
    )
    stored = svc.campaigns.get(campaign_id)
    if stored is None:
        svc.campaigns.save(campaign)
        message = "Campagne enregistrée sur l'instance."
        return {"resultat": "enregistree", "message": message + missing, "a_signaler": bool(missing)}
    same = {**stored.to_record(), "short_code": "", "structure_id": structure_id} == campaign.to_record()
    message = (
        "Campagne déjà là." if same else "Campagne déjà là, avec d'autres réglages : ceux de l'instance sont gardés."
    )
    return {"resultat": "deja-la", "message": message + missing, "a_signaler": bool(missing) or not same}


def well_typed(campaign: Campaign) -> bool:
    """Every field of the type the model gives it (a record from elsewhere may hold anything)."""
    texts = ("id", *TEXT_FIELDS)
    return (
        all(isinstance(getattr(campaign, name), str) for name in texts)
        and isinstance(campaign.channels, list)
        and all(isinstance(c, str) for c in campaign.channels)
        and isinstance(campaign.closed, bool)
        and isinstance(campaign.retention_months, int)
        and not isinstance(campaign.retention_months, bool)
    )


def receive_records(
    svc: Services, collection: str, campaign_id: str, records: Any, valid: Callable[[Any], str]
) -> dict:
    """Records of a small collection, each kept if absent; one whose id holds other content
    is refused and listed (``valid(record)`` says what may be sent for this campaign)."""
    if not isinstance(records, list):
        raise HandoverRefused("La liste envoyée n'est pas lisible (format inattendu).")
    result: dict[str, Any] = {"enregistres": 0, "deja_la": 0, "refuses": []}
    for record in records:
        reason = valid(record)
        key = record.get("id") if isinstance(record, dict) else None
        if reason or not isinstance(key, str):
            result["refuses"].append({"id": key if isinstance(key, str) else "?", "raison": reason or "illisible"})
            continue
        held = svc.records.get(collection, key)
        if held is not None:
            if canonical(held) == canonical(record):
                result["deja_la"] += 1
            else:
                result["refuses"].append({"id": key, "raison": "déjà présent sur l'instance avec un autre contenu"})
            continue
        try:
            added = svc.records.add(collection, record)
        except SurveyError as error:  # a value the storage cannot hold
            result["refuses"].append({"id": key, "raison": error.message})
            continue
        if added:
            result["enregistres"] += 1
        else:
            result["refuses"].append({"id": key, "raison": "déjà présent sur l'instance avec un autre contenu"})
    return result


def receive_versions(svc: Services, campaign_id: str, records: Any) -> dict:
    def valid(record: Any) -> str:
        if not isinstance(record, dict) or not isinstance(record.get("definition"), dict):
            return "version de questionnaire illisible"
        questionnaire, version = record.get("questionnaire"), record.get("version")
        if not isinstance(questionnaire, str) or not isinstance(version, int) or isinstance(version, bool):
            return "version de questionnaire illisible"
        if record.get("id") != snapshot_id(questionnaire, version):
            return "identifiant de version incohérent"
        return ""

    return receive_records(svc, "questionnaire_versions", campaign_id, records, valid)


def receive_sessions(svc: Services, campaign_id: str, records: Any) -> dict:
    def valid(record: Any) -> str:
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not SESSION_ID.match(record["id"]):
            return "session illisible"
        if record.get("campaign") != campaign_id:
            return "session d'une autre campagne"
        photos = record.get("photos") or []
        if not isinstance(photos, list) or not all(
            isinstance(p, dict) and isinstance(p.get("file"), str) and PHOTO_NAME.match(p["file"]) for p in photos
        ):
            return "photos de la session illisibles"
        return ""

    return receive_records(svc, "sessions", campaign_id, records, valid)


def receive_answers(svc: Services, campaign_id: str, answers: Any) -> dict:
    """A batch of answers as the laptop stores them; the same rules as ``survey data copy``."""
    if not isinstance(answers, list):
        raise HandoverRefused("La liste de réponses n'est pas lisible (format inattendu).")
    report = CopyReport()
    refused: list[dict] = []
    for answer in answers:
        if not isinstance(answer, dict) or not is_answer_id(answer.get("id")):
            refused.append(
                {
                    "id": answer.get("id") if isinstance(answer, dict) and isinstance(answer.get("id"), str) else "?",
                    "raison": "réponse illisible ou sans identifiant valable",
                }
            )
            continue
        if answer.get("campaign") != campaign_id or not isinstance(answer.get("answers"), dict):
            refused.append({"id": answer["id"], "raison": "réponse d'une autre campagne, ou illisible"})
            continue
        held = svc.answers.get(campaign_id, answer["id"])
        before = len(report.refused)
        copy_answer(svc.answers, answer, answer_hash(held) if held is not None else None, report)
        refused += [{"id": answer["id"], "raison": r.reason} for r in report.refused[before:]]
    return {"enregistres": report.answers_copied, "deja_la": report.answers_present, "refuses": refused}


def receive_photo(svc: Services, campaign_id: str, session_id: str, name: str, data: bytes) -> dict:
    """A session's photo file, checked as an uploaded one is (size, image type, pixels); the
    session must be here already and list it."""
    record = svc.records.get("sessions", session_id) if SESSION_ID.match(session_id or "") else None
    if record is None or record.get("campaign") != campaign_id:
        raise HandoverRefused("Cette session n'est pas (encore) sur l'instance : envoyez d'abord les sessions.", 404)
    if not PHOTO_NAME.match(name) or name not in {
        p.get("file") for p in record.get("photos") or [] if isinstance(p, dict)
    }:
        raise HandoverRefused("Cette photo n'est pas dans la session envoyée.", 404)
    if not data:
        raise HandoverRefused("Aucune photo reçue.")
    if len(data) > MAX_PHOTO_BYTES:
        raise HandoverRefused(f"La photo est trop lourde. Maximum : {MAX_PHOTO_BYTES // (1024 * 1024)} Mo.", 413)
    kind = image_type(data)
    if kind is None or name.rsplit(".", 1)[-1] != kind[0]:
        raise HandoverRefused("Ce fichier n'est pas une photo (formats acceptés : JPEG, PNG, WebP).", 415)
    try:
        check_dimensions(data)
    except PhotoError as error:
        raise HandoverRefused(error.message, 422) from None
    held = svc.photos.read(campaign_id, session_id, name)
    if held is not None:
        if held == data:
            return {"resultat": "deja-la", "message": "Photo déjà là."}
        raise HandoverRefused("Une autre photo est déjà enregistrée sous ce nom sur l'instance.", 409)
    svc.photos.write(campaign_id, session_id, name, data)
    return {"resultat": "enregistree", "message": "Photo enregistrée."}


def receive_answer_medium(svc: Services, campaign_id: str, answer_id: str, name: str, data: bytes) -> dict:
    """A recording or drawing of an answer already sent: checked again from its bytes, stored
    once (``media_transfer.receive_medium``); the answer must be here and name it."""
    answer = svc.answers.get(campaign_id, answer_id) if is_answer_id(answer_id) else None
    if answer is None:
        raise HandoverRefused("Cette réponse n'est pas (encore) sur l'instance : envoyez d'abord les réponses.", 404)
    try:
        outcome = receive_medium(svc.media, campaign_id, answer, name, data)
    except MediaRefused as refusal:  # 422, or 409 for other bytes under that name
        raise HandoverRefused(f"Fichier {name} refusé : {refusal.message}", refusal.status) from None
    if outcome == STORED:
        return {"resultat": "enregistree", "message": "Fichier enregistré."}
    return {"resultat": "deja-la", "message": "Fichier déjà là."}


# -- the final check -------------------------------------------------------------------------


def campaign_summary(svc: Services, campaign_id: str) -> dict:
    """Per kind, the count and the order-independent digest (``data_copy.tally``) of this
    campaign's items: answers, sessions, the questionnaire versions its answers were given
    under, photo files, the recordings and drawings the answers name. Both sides compute it the
    same way, so equal means identical. ``medias_manquants``: the files an answer names that are
    not here (an answer never arrives without them unnoticed)."""
    answer_hashes: list[int] = []
    versions: set[str] = set()
    media_hashes: list[int] = []
    missing: list[str] = []
    for answer in svc.answers.iter_answers(campaign_id):
        answer_hashes.append(answer_hash(answer))
        for name, digest in media_digests(svc.media, campaign_id, answer):
            if digest is None:
                missing.append(name)
            else:
                media_hashes.append(item_hash([name, digest]))
        if isinstance(answer.get("questionnaire"), str) and isinstance(answer.get("version"), int):
            versions.add(snapshot_id(answer["questionnaire"], answer["version"]))
    sessions = [r for r in svc.records.all("sessions") if r.get("campaign") == campaign_id]
    kept_versions = [svc.records.get("questionnaire_versions", v) for v in sorted(versions)]
    photos = []
    for session in sessions:
        for entry in session.get("photos") or []:
            data = svc.photos.read(campaign_id, session["id"], entry.get("file", ""))
            if data is not None:
                photos.append(item_hash([session["id"], entry["file"], hashlib.sha256(data).hexdigest()]))
    found = {
        "reponses": tally(answer_hashes),
        "sessions": tally(item_hash(canonical(r)) for r in sessions),
        "versions": tally(item_hash(canonical(r)) for r in kept_versions if r is not None),
        "photos": tally(photos),
        "medias": tally(media_hashes),
    }
    summary: dict = {kind: {"nombre": t.count, "empreinte": t.digest} for kind, t in found.items()}
    summary["medias_manquants"] = missing
    return summary
