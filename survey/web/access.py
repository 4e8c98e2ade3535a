"""What a request may reach, for every view: who is signed in (a coordinator, the team of a
campaign), a campaign that exists and only the answers inside it, and where to go back.

One module because each helper answers the same question (may this request get there?) and
every view needs several of them. Every coordinator view that takes ids from the URL goes through these helpers:
an answer is always looked up inside the campaign of the URL, so an id copied
from another campaign, a made-up id or a path-like id gives the same 404 and
shows nothing.
"""

from __future__ import annotations

import functools
import time
from datetime import date
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from ..catalogs import N_
from ..model.answer_record import is_answer_id
from ..model.campaign import Campaign
from ..model.clock import local_today
from ..model.questionnaire import Questionnaire
from ..services import Services, structures, volunteers

# N_: the error page says them in the respondent's language (survey/translations/).
NO_CAMPAIGN = N_("Cette campagne n'existe pas, ou plus. Vérifiez l'adresse, ou demandez le bon lien à l'équipe.")
QUESTIONNAIRE_AWAY = N_("Le questionnaire de cette campagne n'est pas disponible pour le moment.")
NO_ANSWER = "Cette réponse n'existe pas dans cette campagne (ou elle a été effacée)."
NO_QUESTIONNAIRE = (
    "Le questionnaire de cette campagne n'est pas disponible : ouvrez la page « Questionnaires » "
    "de la coordination, qui dit quel fichier est à corriger."
)


def services() -> Services:
    """The app's ``Services`` (opened by ``create_app``): a view passes what it needs from them
    to the use cases, which never reach for the app themselves."""
    return current_app.extensions["survey"]


def team_today() -> date:
    """Today where the team is (the app's ``TIMEZONE``): the day a campaign's dates are read on."""
    return local_today(current_app.config["TIMEZONE"])


# -- who is signed in --------------------------------------------------------


def current_coordinator() -> str | None:
    """The coordinator signed in on this device, checked against the server's records."""
    if "signed_in" in g:
        return g.signed_in
    name, sid = session.get("coordinator"), session.get("coordinator_session")
    g.signed_in = None
    if isinstance(name, str) and isinstance(sid, str):
        svc = services()
        record = svc.sign_ins.get(sid)
        account = svc.accounts.get(name) if record else None
        if record and record.get("account") == name and record.get("expires", 0) > time.time() and account is not None:
            g.signed_in, g.account = name, account
    return g.signed_in


def current_account() -> dict | None:
    """The signed-in coordinator's account (its structure and role: ``services/structures.py``);
    without sign-in (tests only) one that sees every structure."""
    if current_app.config.get("LOGIN_DISABLED"):
        return structures.NO_SIGN_IN
    return g.get("account") if current_coordinator() else None


def audit(action: str, detail: str = "", who: str | None = None, structure_id: str = "") -> None:
    """Record who did what, when, in the journal: by default the coordinator of this request.
    The entry belongs to ``structure_id``, else to the structure of the campaign the request is
    about (so that its coordinators read it, whoever acted), else to the acting coordinator's
    (``services/structures.py`` ``entry_structure``)."""
    who = who or getattr(g, "coordinator", None) or current_coordinator() or ""
    structure_id = structure_id or g.get("campaign_structure") or structures.entry_structure(g.get("account"))
    services().journal.write(action, detail, who, structure_id)


def is_coordinator() -> bool:
    """A logged-in coordinator whose account still exists (or tests without login)."""
    if current_app.config.get("LOGIN_DISABLED"):
        return True
    return current_coordinator() is not None


def coordinator_required(view):
    """Only a logged-in coordinator reaches this view."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_app.config.get("LOGIN_DISABLED"):
            g.coordinator = "test"
            return view(*args, **kwargs)
        name = current_coordinator()
        if not name:
            session.pop("coordinator", None)
            session.pop("coordinator_session", None)
            return redirect(url_for("auth.login", suite=request.full_path))
        g.coordinator = name
        return view(*args, **kwargs)

    return wrapped


def coordinates(campaign: Campaign) -> bool:
    """A coordinator signed in here who may see this campaign (of its structure, or the network's)."""
    return is_coordinator() and structures.may_see(current_account(), campaign)


def team_member(campaign_id: str) -> str | None:
    """The name that signs what this person captures, or None if not in the team."""
    if current_app.config.get("LOGIN_DISABLED"):
        return "test"
    if is_coordinator():
        campaign = services().campaigns.get(campaign_id)
        if campaign is not None and not structures.may_see(current_account(), campaign):
            return None  # another structure's campaign: not this coordinator's team
        return current_coordinator()
    record = volunteers.check_session(services(), session)
    if record and record.get("campaign") == campaign_id:
        return record["pseudonym"]
    return None


def team_required(view):
    """The view takes ``campaign_id``; only its team gets in (403 in French otherwise)."""

    @functools.wraps(view)
    def wrapped(campaign_id, *args, **kwargs):
        member = team_member(campaign_id)
        if member is None and is_coordinator():  # a coordinator of another structure
            abort(404, description=NO_CAMPAIGN)
        if member is None:
            abort(
                403,
                description=N_(
                    "Cette page est réservée à l'équipe de la campagne. Connectez-vous, "
                    "ou entrez le code bénévole que la coordination vous a donné."
                ),
            )
        g.team_member = member
        return view(campaign_id, *args, **kwargs)

    return wrapped


# -- what the URL names -------------------------------------------------------

# The form's choices carried from page to page (step by step, kiosk, poster, session).
CARRIED_ARGS = ("mode", "canal", "question", "affiche", "session", "kiosque", "secteur")


def campaign_or_404(campaign_id: str) -> Campaign:
    """The campaign the address names, or the French 404 page: the one lookup of every view.

    In the coordinator's pages (``coordinator_required``), a campaign of another structure is
    refused the same way, as if it did not exist (``services/structures.py``); the public pages
    (the form, the notice, a public wall) stay open to everyone, a coordinator of another
    structure included, who is no more than a passer-by there (``team_member``)."""
    campaign = services().campaigns.get(campaign_id)
    if campaign is None or ("coordinator" in g and not structures.may_see(current_account(), campaign)):
        abort(404, description=NO_CAMPAIGN)
    g.campaign_structure = structures.campaign_owner(campaign)
    return campaign


def visible_campaigns() -> list[Campaign]:
    """The campaigns the signed-in coordinator may see: every list of the coordinator's pages."""
    return structures.visible_campaigns(services(), current_account())


def load_campaign(campaign_id: str) -> tuple[Campaign, Questionnaire]:
    """The campaign and its questionnaire, for the pages people answer on: a missing
    questionnaire is said to them plainly (the coordination's pages use ``questionnaire_or_404``,
    which says which file to fix)."""
    campaign = campaign_or_404(campaign_id)
    questionnaire = services().questionnaire_for(campaign)
    if questionnaire is None:
        abort(404, description=QUESTIONNAIRE_AWAY)
    return campaign, questionnaire


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


# -- where to go back ---------------------------------------------------------


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
