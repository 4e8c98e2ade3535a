"""Commands for tablets: import a queue exported from a tablet, give a campaign a kiosk code."""

from __future__ import annotations

import click

from .root import CommandError, campaign_named, data_option, main, make_app


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n <= 1 else many}"


def read_queue(path) -> list[dict]:
    """The answers of an exported queue file, or a French error."""
    from ..services.queued_answers import UnreadableJSON, parse_json

    try:
        with open(path, encoding="utf-8") as handle:
            content = parse_json(handle.read())
    except (OSError, UnicodeDecodeError, UnreadableJSON):
        raise CommandError(
            f"Impossible de lire « {path} » : ce n'est pas un fichier de file d'attente exporté d'une tablette."
        ) from None
    items = content.get("answers") if isinstance(content, dict) else content
    if not isinstance(items, list):
        raise CommandError(f"« {path} » ne contient pas de réponses à importer.")
    return items


@main.command(
    "import-queue",
    help="Importe la file d'attente exportée d'une tablette (fichier JSON). "
    "Sans risque de doublon : une réponse déjà là n'est pas ajoutée deux fois.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@data_option
def import_queue(file, data_dir):
    from ..services.queue_media import media_of_item
    from ..services.queued_answers import receive

    items = read_queue(file)
    app = make_app(data_dir)
    svc = app.extensions["survey"]
    counts = {201: 0, 200: 0, 409: 0, "refused": 0}
    details = []
    for n, item in enumerate(items, 1):  # the answer form is plain Python: no app context, no request
        campaign_id = item.get("campaign") if isinstance(item, dict) else None
        try:
            campaign = svc.campaigns.get(str(campaign_id)) if campaign_id else None
        except ValueError:
            campaign = None
        questionnaire = svc.questionnaire_for(campaign) if campaign else None
        if questionnaire is None:
            counts["refused"] += 1
            details.append(f"réponse {n} : la campagne « {campaign_id} » n'existe pas ici.")
            continue
        # Recordings and drawings travel in the file as base64, checked as the form's are.
        media, media_refused = media_of_item(svc, app.config, campaign, questionnaire, item)
        status, body = receive(svc, app.config, campaign, questionnaire, item, media=media, media_refused=media_refused)
        if status in counts:
            counts[status] += 1
        else:
            counts["refused"] += 1
        if status not in (200, 201):
            errors = "; ".join(f"{k} : {v}" for k, v in (body.get("errors") or {}).items())
            details.append(
                f"réponse {n} ({item.get('answer_id')}) : {body['message']}" + (f" ({errors})" if errors else "")
            )
    click.echo(f"Fichier : {_plural(len(items), 'réponse', 'réponses')}.")
    click.echo(f"  {_plural(counts[201], 'importée', 'importées')}")
    click.echo(f"  {_plural(counts[200], 'déjà présente', 'déjà présentes')} (rien d'ajouté)")
    not_imported = "non importées" if counts[409] > 1 else "non importée"
    click.echo(f"  {counts[409]} en conflit (même identifiant, autre contenu : {not_imported})")
    click.echo(f"  {_plural(counts['refused'], 'refusée', 'refusées')}")
    for line in details:
        click.echo(f"  - {line}")


@main.command("code-kiosque", help="Affiche (ou crée) le code qui fait quitter le mode kiosque d'une campagne.")
@click.argument("campaign_id")
@click.option("--nouveau", is_flag=True, help="Remplace le code par un nouveau.")
@data_option
def kiosk_code_command(campaign_id, nouveau, data_dir):
    from ..services.kiosk_codes import kiosk_code_or_new, set_kiosk_code
    from ..services.volunteers import display_code

    app = make_app(data_dir)
    svc = app.extensions["survey"]
    campaign = campaign_named(app, campaign_id)
    code, made = (set_kiosk_code(svc, campaign.id), True) if nouveau else kiosk_code_or_new(svc, campaign.id)
    if made:
        click.echo(f"Nouveau code kiosque pour « {campaign.title} » : {display_code(code)}")
    else:
        click.echo(f"Code kiosque de « {campaign.title} » : {display_code(code)}")
    click.echo("Les codes de bénévole de cette campagne font aussi quitter le mode kiosque.")
