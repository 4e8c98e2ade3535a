"""Campaigns from the web: create, edit, close, reopen, and each campaign's page.

Routes of the ``coordination`` blueprint. The checks are ``campaigns.validate``
(French messages) plus what only the web form can get wrong.
"""

from __future__ import annotations

import re
from datetime import date

from flask import flash, g, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ...forms import ValuesField
from ...model.campaign import CHANNELS, TEXT_FIELDS, Campaign, validate
from ...model.french_time import long_date, typed_day
from ...printing.links import short_url
from ...services import structures
from ...services.reading import fold
from ..access import audit, campaign_or_404, campaign_url, coordinator_required, current_account, services, team_today
from ..addresses import public_address
from ..field_errors import pinned
from .blueprint import bp

RESERVED_IDS = {"nouvelle"}
LIMITS = {"title": 120, "quartier": 120, "structure": 120, "description": 3000, "help_text": 3000}
LIMIT_NAMES = {
    "title": "Le titre",
    "quartier": "Le quartier",
    "structure": "La structure",
    "description": "La description",
    "help_text": "Le texte d'aide",
}


class CampaignForm(FlaskForm):
    identifier = StringField("Identifiant (dans l'adresse du formulaire)")
    title = StringField("Titre de la campagne")
    questionnaire = SelectField("Questionnaire", validate_choice=False)
    quartier = StringField("Quartier")
    structure = StringField("Structure qui mène la campagne")
    starts_on = StringField("Date de début (facultative)", render_kw={"type": "date"}, filters=[typed_day])
    ends_on = StringField("Date de fin (facultative)", render_kw={"type": "date"}, filters=[typed_day])
    channels = ValuesField("Canaux de collecte")
    description = TextAreaField("Description")
    help_text = TextAreaField("Où trouver de l'aide (page de remerciement)")
    retention_months = StringField("Durée de conservation des réponses, en mois", render_kw={"inputmode": "numeric"})
    voice_answers = BooleanField("Permettre de répondre à voix haute (enregistrement) à toutes les questions ouvertes")


def slugify(text: str) -> str:
    """« Vos besoins à Vierzon ! » → « vos-besoins-a-vierzon »."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:50].strip("-")


def _questionnaire_choices(svc) -> list[SelectChoice]:
    return [SelectChoice(q.id, f"{q.title} (version {q.version})") for q in svc.library]


def _form(svc, campaign: Campaign | None) -> CampaignForm:
    form = CampaignForm(obj=None)
    form.questionnaire.choices = _questionnaire_choices(svc)
    if request.method == "GET" and campaign is not None:
        form.identifier.data = campaign.id
        for name in TEXT_FIELDS:
            getattr(form, name).data = getattr(campaign, name)
        form.channels.data = list(campaign.channels)
        form.retention_months.data = str(campaign.retention_months)
        form.voice_answers.data = campaign.voice_answers
    elif request.method == "GET":
        form.channels.data = list(CHANNELS)
        form.retention_months.data = "12"
    return form


def campaign_from_form(form: CampaignForm, base: Campaign | None) -> tuple[Campaign, list[str]]:
    """The campaign the form describes, and the problems only the form can have."""
    problems = []
    text = {name: (getattr(form, name).data or "").strip() for name in LIMITS}
    for name, limit in LIMITS.items():
        if len(text[name]) > limit:
            problems.append(f"{LIMIT_NAMES[name]} fait au plus {limit} caractères.")
    retention_text = (form.retention_months.data or "").strip()
    try:
        # Left empty: the campaign keeps its period (a new one gets the usual 12 months).
        retention = int(retention_text) if retention_text else (base or Campaign("", "", "")).retention_months
    except ValueError:
        retention = 0
        problems.append("Écrivez la durée de conservation en mois, en chiffres (par exemple 12).")
    campaign_id = base.id if base else ((form.identifier.data or "").strip().lower() or slugify(text["title"]))
    campaign = Campaign(
        id=campaign_id,
        title=text["title"],
        questionnaire=form.questionnaire.data or "",
        quartier=text["quartier"],
        structure=text["structure"],
        starts_on=(form.starts_on.data or "").strip(),
        ends_on=(form.ends_on.data or "").strip(),
        channels=[c for c in dict.fromkeys(form.channels.data or [])],
        closed=base.closed if base else False,
        description=text["description"],
        help_text=text["help_text"],
        retention_months=retention,
        voice_answers=bool(form.voice_answers.data),
    )
    return campaign, problems


def status_of(campaign: Campaign, today: date | None = None) -> str:
    today_text = (today or team_today()).isoformat()
    if campaign.closed:
        return "fermée"
    if campaign.starts_on and today_text < campaign.starts_on:
        return f"pas encore ouverte (début le {long_date(campaign.starts_on)})"
    if campaign.ends_on and today_text > campaign.ends_on:
        return f"terminée (fin le {long_date(campaign.ends_on)})"
    return "ouverte"


@bp.route("/campagnes/nouvelle", methods=["GET", "POST"])
@coordinator_required
def new_campaign():
    svc = services()
    form = _form(svc, None)
    problems: list[str] = []
    if request.method == "POST" and form.validate():
        campaign, problems = campaign_from_form(form, None)
        problems += [p for p in validate(campaign, svc.library.questionnaires) if p not in problems]
        if campaign.id in RESERVED_IDS:
            problems.append(f"L'identifiant « {campaign.id} » est réservé : choisissez-en un autre.")
        elif not problems and svc.campaigns.get(campaign.id) is not None:
            problems.append(f"Une campagne a déjà l'identifiant « {campaign.id} » : choisissez-en un autre.")
        try:  # the coordinator's structure; a network coordinator chooses it
            campaign.structure_id = structures.structure_for_new_campaign(
                svc, current_account(), request.form.get("proprietaire", "")
            )
        except structures.StructureError as exc:
            problems.append(exc.message)
        if not problems:
            svc.campaigns.save(campaign)
            audit("campagne créée", f"campagne {campaign.id} : {campaign.title}")
            flash(f"La campagne « {campaign.title} » est créée.")
            return redirect(campaign_url(campaign), code=303)
    elif request.method == "POST":
        problems = [EXPIRED]
    return _form_page(form, problems, None, False)


@bp.route("/campagnes/<campaign_id>/modifier", methods=["GET", "POST"])
@coordinator_required
def edit_campaign(campaign_id: str):
    svc = services()
    current = campaign_or_404(campaign_id)
    has_answers = svc.answers.count(current.id) > 0
    form = _form(svc, current)
    problems: list[str] = []
    if request.method == "POST" and form.validate():
        campaign, problems = campaign_from_form(form, current)
        problems += [p for p in validate(campaign, svc.library.questionnaires) if p not in problems]
        if has_answers and campaign.questionnaire != current.questionnaire:
            problems.append(
                "Cette campagne a déjà des réponses : son questionnaire ne peut plus changer. "
                "Créez plutôt une nouvelle campagne."
            )
        if not problems:
            edited = {k: v for k, v in campaign.to_record().items() if k not in KEPT_ON_EDIT}

            def apply(stored: Campaign) -> None:
                for key, value in edited.items():
                    setattr(stored, key, value)

            # One atomic change: a close made while this form was open is not undone by saving it.
            svc.campaigns.change(campaign.id, apply)
            audit("campagne modifiée", f"campagne {campaign.id}")
            flash("Les changements sont enregistrés.")
            return redirect(campaign_url(campaign), code=303)
    elif request.method == "POST":
        problems = [EXPIRED]
    return _form_page(form, problems, current, has_answers)


EXPIRED = "La page a expiré. Vérifiez les informations puis enregistrez à nouveau."


def _problem_fields(new: bool, owners: bool) -> list[tuple[str, str]]:
    """Which field of the form each problem's words are about (``field_errors.pinned``)."""
    return [
        ("la structure fait", "structure"),
        ("structure", "proprietaire" if owners else "structure"),
        ("identifiant", "identifier" if new else "title"),
        ("titre", "title"),
        ("quartier", "quartier"),
        ("description", "description"),
        ("texte d'aide", "help_text"),
        ("questionnaire", "questionnaire"),
        ("canal", "channels-1"),
        ("date de fin", "ends_on"),
        ("date de début", "starts_on"),
        ("conservation", "retention_months"),
    ]


def _form_page(form, problems: list[str], campaign: Campaign | None, has_answers: bool):
    """The new or edit campaign form, with its problems (422) or as it opens; a network
    coordinator chooses the structure of a new campaign."""
    account = current_account()
    owners = structures.structure_choices(services()) if campaign is None and structures.is_network(account) else []
    return render_template(
        "coordination/campaign_form.html",
        form=form,
        field_errors=pinned(problems, _problem_fields(campaign is None, bool(owners)), "title"),
        campaign=campaign,
        channels=CHANNELS,
        has_answers=has_answers,
        owners=owners,
        owner=request.form.get("proprietaire") or (account or {}).get("structure_id") or "",
    ), (422 if problems else 200)


# What the edit form never changes: the id, whether it is closed (its own button), its short code,
# the structure it belongs to.
KEPT_ON_EDIT = ("id", "closed", "short_code", "structure_id")


def _set_closed(campaign_id: str, closed: bool):
    svc = services()
    campaign_or_404(campaign_id)  # 404 in French for an unknown campaign
    campaign = svc.campaigns.change(campaign_id, lambda c: setattr(c, "closed", closed)) or campaign_or_404(campaign_id)
    audit("campagne fermée" if closed else "campagne rouverte", f"campagne {campaign.id}")
    if closed:
        flash("La campagne est fermée : le formulaire ne reçoit plus de réponses.")
    elif not campaign.accepts_answers(team_today()):
        flash(
            "La campagne est rouverte, mais ses dates ne permettent pas de répondre aujourd'hui : "
            "modifiez-les si besoin."
        )
    else:
        flash("La campagne est rouverte : le formulaire reçoit de nouveau des réponses.")
    return redirect(campaign_url(campaign), code=303)


@bp.route("/campagnes/<campaign_id>/fermer", methods=["GET", "POST"])
@coordinator_required
def close_campaign(campaign_id: str):
    """Closing stops every form at once: asked first, on its own page (works without JavaScript)."""
    campaign = campaign_or_404(campaign_id)
    if request.method == "POST" and request.form.get("confirmer") == "oui":
        return _set_closed(campaign_id, True)
    if request.method == "POST":
        flash("La campagne n'est pas fermée : cochez la case de confirmation.")
    return render_template(
        "coordination/campaign_close.html", campaign=campaign, count=services().answers.count(campaign.id)
    )


@bp.route("/campagnes/<campaign_id>/rouvrir", methods=["POST"])
@coordinator_required
def reopen_campaign(campaign_id: str):
    return _set_closed(campaign_id, False)


@bp.route("/campagnes/<campaign_id>/")
@coordinator_required
def campaign(campaign_id: str):
    """One campaign: its settings, its figures, and the way to every tool."""
    svc = services()
    current = campaign_or_404(campaign_id)
    return render_template(
        "coordination/campaign.html",
        campaign=current,
        questionnaire=svc.questionnaire_for(current),
        count=svc.answers.count(current.id),
        status=status_of(current),
        channels=CHANNELS,
        who=g.coordinator,
        form_url=short_url(public_address().url, current),
    )  # what phones open
