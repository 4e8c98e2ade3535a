"""``survey purge``: delete the answers older than each campaign's retention period."""

from __future__ import annotations

import getpass

import click

from .root import data_option, main, make_app


@main.command("purge", help="Efface les réponses plus anciennes que la durée de conservation de leur campagne.")
@data_option
@click.option("--dry-run", is_flag=True, help="Compte seulement : n'efface rien.")
def purge(data_dir, dry_run):
    from ..services.privacy import orphan_campaigns, purge_all

    app = make_app(data_dir)
    svc = app.extensions["survey"]
    try:
        who = f"ligne de commande ({getpass.getuser()})"
    except (KeyError, OSError):
        who = "ligne de commande"
    results = purge_all(svc, dry_run=dry_run, audit_as=None if dry_run else who)
    orphans = orphan_campaigns(svc)
    total = 0
    for r in results:
        count = r.expired if dry_run else r.deleted
        total += count
        verb = "à effacer" if dry_run else "effacée(s)"
        click.echo(
            f"{r.campaign_id} : {count} réponse(s) {verb} "
            f"(envoyées avant le {r.cutoff[:10]}, conservation {r.retention_months} mois)"
        )
        if r.undated:
            click.echo(f"{r.campaign_id} : {r.undated} réponse(s) sans date lisible, gardée(s).", err=True)
    for campaign_id in orphans:
        click.echo(
            f"{campaign_id} : des réponses sans campagne (durée de conservation inconnue), non effacées.", err=True
        )
    if dry_run:
        click.echo(f"En tout : {total} réponse(s) à effacer. Rien n'a été effacé (--dry-run).")
    else:
        click.echo(f"En tout : {total} réponse(s) effacée(s).")
