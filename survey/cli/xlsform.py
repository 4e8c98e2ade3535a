"""``survey xlsform import FICHIER.xlsx`` and ``survey xlsform export ID --out FICHIER.xlsx``."""

from __future__ import annotations

from pathlib import Path

import click

from ..formats.xlsform import MAX_UPLOAD, XLSFormError, export_filename, export_xlsform, import_xlsform
from .root import CommandError, data_option, main, make_app


@main.group("xlsform", help="Échange des questionnaires au format XLSForm (KoboToolbox, ODK).")
def xlsform():
    pass


@xlsform.command(
    "import", help="Importe un XLSForm (.xlsx) comme nouveau questionnaire, et dit ce qui n'a pas pu être repris."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@data_option
@click.option("--id", "new_id", default=None, help="Identifiant à donner au questionnaire (s'il est déjà pris).")
def import_command(file, data_dir, new_id):
    from ..services.publishing import save
    from ..services.questionnaire_files import edited_path, free_id

    path = Path(file)
    if path.stat().st_size > MAX_UPLOAD:
        raise CommandError(f"Le fichier est trop gros : la limite est de {MAX_UPLOAD // (1024 * 1024)} Mo.")
    try:
        result = import_xlsform(path.read_bytes(), path.name)
    except XLSFormError as exc:
        if exc.notes:
            _notes(exc.notes)
        raise CommandError(str(exc)) from None
    if new_id:
        result.data["id"] = new_id.strip().lower()
    questionnaire, problems = result.validate(path.name)
    if questionnaire is None:
        _notes(result.notes)
        raise CommandError("le questionnaire converti a des problèmes :\n" + "\n".join(f"  - {p}" for p in problems))
    app = make_app(data_dir)
    svc = app.extensions["survey"]
    if svc.library.get(questionnaire.id) is not None:
        _notes(result.notes)
        raise CommandError(
            f"un questionnaire « {questionnaire.id} » existe déjà. Choisissez un autre identifiant, par exemple : "
            f"survey xlsform import {file} --id {free_id(svc, questionnaire.id)}"
        )
    # SaveRefused (each problem on its line) is said by the group (root.SurveyGroup).
    saved = save(svc, {**questionnaire.to_dict(), "version": 1}, base_id=None, base_version=None)
    click.echo(
        f"Questionnaire « {saved.questionnaire.title} » ({saved.questionnaire.id}, "
        f"{len(saved.questionnaire.answerable)} questions) enregistré dans "
        f"{edited_path(svc, saved.questionnaire.id)}."
    )
    _notes(result.notes)
    click.echo("Un serveur déjà lancé le propose dès sa prochaine page, sans redémarrage.")


def _notes(notes: list[str]) -> None:
    if not notes:
        click.echo("Tout a été repris.")
        return
    click.echo("Ce qui n'a pas été repris, et pourquoi :")
    for note in notes:
        click.echo(f"  - {note}")


@xlsform.command("export", help="Écrit un questionnaire au format XLSForm (.xlsx) pour KoboToolbox ou ODK.")
@click.argument("questionnaire_id")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=True),
    default=None,
    help="Fichier (ou dossier) où écrire ; par défaut le dossier courant.",
)
@click.option("--version", "version", type=int, default=None, help="Une version précédente (par défaut : en cours).")
@data_option
def export_command(questionnaire_id, out, version, data_dir):
    from ..services.publishing import definition_for
    from ..storage.atomic import atomic_write_bytes

    app = make_app(data_dir)
    svc = app.extensions["survey"]
    if svc.library.get(questionnaire_id) is None and version is None:
        known = ", ".join(q.id for q in svc.library) or "aucun"
        raise CommandError(f"le questionnaire « {questionnaire_id} » n'existe pas. Questionnaires : {known}.")
    questionnaire = definition_for(svc, questionnaire_id, version) if version else svc.library.get(questionnaire_id)
    if questionnaire is None or (version and questionnaire.version != version):
        raise CommandError(f"la version {version} du questionnaire « {questionnaire_id} » n'existe pas.")
    target = Path(out) if out else Path(export_filename(questionnaire))
    if target.is_dir():
        target = target / export_filename(questionnaire)
    if not target.parent.exists():
        raise CommandError(f"le dossier « {target.parent} » n'existe pas.")
    atomic_write_bytes(target, export_xlsform(questionnaire))
    click.echo(f"XLSForm écrit : {target} (version {questionnaire.version}).")
