"""What a URL may reach: a campaign that exists, and only the answers inside it.

Every coordinator view that takes ids from the URL goes through these helpers:
an answer is always looked up inside the campaign of the URL, so an id copied
from another campaign, a made-up id or a path-like id gives the same 404 and
shows nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, url_for

from .campaigns import Campaign
from .model.questionnaire import Questionnaire
from .answer_record import is_answer_id
from .services import services

NO_CAMPAIGN = "Cette campagne n'existe pas. Vérifiez l'adresse."
NO_ANSWER = "Cette réponse n'existe pas dans cette campagne (ou elle a été effacée)."
NO_QUESTIONNAIRE = ("Le questionnaire de cette campagne n'est pas disponible : ouvrez la page « Questionnaires » "
                    "de la coordination, qui dit quel fichier est à corriger.")


def campaign_or_404(campaign_id: str) -> Campaign:
    campaign = services().campaigns.get(campaign_id)
    if campaign is None:
        abort(404, description=NO_CAMPAIGN)
    return campaign


def questionnaire_or_404(campaign: Campaign) -> Questionnaire:
    questionnaire = services().questionnaire_for(campaign)
    if questionnaire is None:
        abort(404, description=NO_QUESTIONNAIRE)
    return questionnaire


def answer_or_404(campaign: Campaign, answer_id: str) -> dict:
    """The answer ``answer_id`` of this campaign, never of another one."""
    if not is_answer_id(answer_id):
        abort(404, description=NO_ANSWER)
    answer = services().answers.get(campaign.id, answer_id)
    if answer is None or answer.get("campaign", campaign.id) != campaign.id:
        abort(404, description=NO_ANSWER)
    return answer


def local_target(target: str | None, default: str) -> str:
    """A path of this site to go back to; anything else (another site) becomes ``default``.

    Every ``suite`` / ``retour`` value goes through here. Browsers drop tabs and line breaks
    from a URL and read a backslash as ``/``, so ``/<tab>/evil.example`` would become
    ``//evil.example``: any control character, space or backslash refuses the target, and
    so does anything with a scheme or a host.
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def campaign_url(campaign: Campaign) -> str:
    return url_for("coordination.campaign", campaign_id=campaign.id)
