"""The ``survey`` command: serve, load the demo, list campaigns, check questionnaires."""

from __future__ import annotations

import errno
import os
import socket
import sys

import click

from . import DataFolderError, create_app
from .demo import load_demo
from .questionnaires import load_library

data_option = click.option("--data", "data_dir", type=click.Path(file_okay=False), envvar="SURVEY_DATA",
                           default="data", show_default=True, help="Dossier des données.")


def make_app(data_dir: str, **extra):
    try:
        return create_app({"DATA_DIR": data_dir, **extra})
    except DataFolderError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(help="Porteur de parole : recueillir la parole des habitants.")
def main():
    pass


@main.command(help="Vérifie les fichiers de questionnaires et dit chaque problème.")
@click.option("--questionnaires", "folder", type=click.Path(exists=True, file_okay=False), default=None,
              help="Dossier des questionnaires (par défaut : questionnaires/).")
def check(folder):
    from .config import DEFAULTS
    folder = folder or DEFAULTS["QUESTIONNAIRES_DIR"]
    library = load_library(folder)
    for q in library:
        click.echo(f"OK  {q.id} (version {q.version}, {len(q.answerable)} questions)")
    for problem in library.problems:
        click.echo(f"ERREUR  {problem}", err=True)
    if library.problems:
        raise SystemExit(1)
    if not library.questionnaires:
        click.echo(f"Aucun questionnaire dans {folder}.", err=True)
        raise SystemExit(1)


@main.command(help="Crée les campagnes de démonstration (une par questionnaire).")
@data_option
def demo(data_dir):
    app = make_app(data_dir)
    created = load_demo(app.extensions["survey"], with_answers=True)
    click.echo(f"{len(created)} campagne(s) de démonstration créée(s) dans {app.config['DATA_DIR']}.")


@main.command(help="Liste les campagnes (identifiant et titre).")
@data_option
def campaigns(data_dir):
    app = make_app(data_dir)
    items = app.extensions["survey"].campaigns.all()
    if not items:
        click.echo("Aucune campagne. Lancez « survey demo » pour créer les campagnes de démonstration.")
    for c in items:
        click.echo(f"{c.id}\t{c.title}")


@main.group(help="Gère les comptes des coordinateurs.")
def coordinator():
    pass


@coordinator.command("add", help="Crée un compte coordinateur (le mot de passe est demandé).")
@click.argument("name")
@data_option
@click.option("--password", envvar="SURVEY_PASSWORD", default=None, hidden=True)
def coordinator_add(name, data_dir, password):
    from .auth import AccountError, create_coordinator
    app = make_app(data_dir)
    if password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Encore une fois")
    with app.app_context():
        try:
            record = create_coordinator(app.extensions["survey"], name, password)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Compte « {record['name']} » créé.")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback (no network traffic)."""
    found = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = info[4][0]
            if not address.startswith("127.") and address not in found:
                found.append(address)
    except OSError:
        pass
    return found


def check_port(host: str, port: int) -> None:
    """Say in French when another program listens there. On POSIX, bound like the servers
    bind (SO_REUSEADDR), so that a server just stopped can be started again at once; on
    Windows that option would let the probe share a port another program listens on."""
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    if os.name == "posix":
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"Le port {port} est déjà utilisé par un autre programme. "
                f"Choisissez-en un autre, par exemple : survey serve --port {port + 1}") from None
        raise click.ClickException(f"Impossible d'écouter sur {host}:{port} ({exc.strerror}).") from None
    finally:
        probe.close()


def print_qr(url: str) -> None:
    import qrcode
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.print_ascii(out=sys.stdout, invert=True)


@main.command(help="Démarre le serveur sur le réseau local.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@data_option
@click.option("--demo", "with_demo", is_flag=True, help="Crée d'abord les campagnes de démonstration.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--https", "use_https", is_flag=True,
              help="Sert en HTTPS avec un certificat créé sur cet ordinateur (nécessaire pour travailler hors connexion).")
def serve(host, port, data_dir, with_demo, threads, use_https):
    from waitress import serve as waitress_serve
    app = make_app(data_dir, **({"HTTPS": True, "SESSION_COOKIE_SECURE": True} if use_https else {}))
    if with_demo:
        load_demo(app.extensions["survey"], with_answers=True)
    svc = app.extensions["survey"]
    svc.answers.warm()
    for problem in svc.library.problems:
        click.echo(f"Questionnaire ignoré : {problem}", err=True)
    check_port(host, port)
    hosts = lan_addresses() if host in ("0.0.0.0", "::") else [host]
    scheme = "https" if use_https else "http"
    urls = [f"{scheme}://{h}:{port}/" for h in hosts] or [f"{scheme}://127.0.0.1:{port}/"]
    click.echo(f"Données : {app.config['DATA_DIR']}")
    click.echo("Ouvrez sur une tablette ou un téléphone du même réseau :")
    for url in urls:
        click.echo(f"  {url}")
    if host in ("0.0.0.0", "::"):
        click.echo(f"  (sur cet ordinateur : {scheme}://127.0.0.1:{port}/)")
    print_qr(urls[0])
    from .auth import has_coordinator
    if not has_coordinator(svc):
        click.echo(f"Première utilisation : créez le compte de coordination sur {urls[0]}premier-demarrage")
    if use_https:
        from . import tls
        files, remade = tls.ensure(app.config["DATA_DIR"], hosts)
        click.echo(f"Certificat : {files.folder} (empreinte SHA-256 {tls.fingerprint(files.ca)})")
        if remade:
            click.echo("Certificat du serveur (re)fait pour ces adresses. Les tablettes qui font déjà confiance "
                       "à l'autorité locale n'ont rien à refaire.")
        click.echo(f"Faire confiance au certificat sur une tablette : {urls[0]}aide/certificat")
        click.echo("Arrêt : Ctrl+C.")
        sys.stdout.flush()
        tls.serve_https(app, host, port, threads, files)
        return
    click.echo("Arrêt : Ctrl+C.")
    sys.stdout.flush()
    waitress_serve(app, host=host, port=port, threads=threads, ident="porteur-de-parole",
                   max_request_body_size=app.config["MAX_UPLOAD_LENGTH"])


from .exports.cli import export as export_command  # noqa: E402
main.add_command(export_command)
from .privacy_cli import purge as purge_command  # noqa: E402
main.add_command(purge_command)
from .printing.cli import print_command  # noqa: E402
main.add_command(print_command)
from .offline_cli import import_queue, kiosk_code_command  # noqa: E402
main.add_command(import_queue)
main.add_command(kiosk_code_command)

from .xlsform_cli import xlsform as xlsform_command  # noqa: E402
main.add_command(xlsform_command)


if __name__ == "__main__":
    main()
