"""The ``survey`` command: serve, load the demo, list campaigns, check questionnaires."""

from __future__ import annotations

import errno
import os
import socket
import sys
from urllib.parse import urlsplit

import click

from . import DataFolderError, create_app
from .config import DEFAULTS
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


def print_qr(text: str) -> None:
    import qrcode
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.print_ascii(out=sys.stdout, invert=True)


def announce(app, host: str, port: int, scheme: str) -> tuple[str, list[str]]:
    """Say where phones open the app, save that address for the posters (unless the coordinator
    chose one), and show the QR codes: the team's Wi-Fi first when there is one. Returns the
    address and the host names the HTTPS certificate must cover."""
    from . import network, site_settings
    records = app.extensions["survey"].records
    everywhere = host in ("0.0.0.0", "::")
    view = network.read_machine() if everywhere else None
    lan = network.lan_addresses(view) if everywhere else ([] if network.is_loopback(host) else [host])
    if lan:
        site_settings.record_server(records, scheme, port, host)
    public, remark = site_settings.serve_address(records, scheme, port, lan)
    configured = app.config.get("PUBLIC_BASE_URL")
    if configured:
        try:
            public = site_settings.clean_address(configured)
        except site_settings.AddressError as exc:
            raise click.ClickException(f"SURVEY_PUBLIC_URL : {exc}") from None
    local = f"{scheme}://127.0.0.1:{port}/"
    click.echo(f"Données : {app.config['DATA_DIR']}")
    if public:
        where = ""
        if view is not None and lan and public.endswith(f"//{lan[0]}:{port}"):
            name = network.interface_of(view, lan[0])
            on_route = name in view.default_interfaces
            where = f" (réseau {name}{', celui de la route par défaut' if on_route else ''})" if name else ""
        click.echo(f"Adresse à imprimer sur les affiches : {public}{where}")
        click.echo("  (à changer dans Coordination, « Adresse à imprimer sur les affiches »)")
    if remark:
        click.echo(remark, err=True)
    others = [site_settings.address_on(ip, scheme, port) for ip in lan]
    others = [url + "/" for url in others if not public or url != public]
    if others:
        click.echo("Autres adresses de cet ordinateur : " + "  ".join(others))
    if not lan and everywhere:
        click.echo("Attention : aucun réseau trouvé (ni Wi-Fi ni câble). Les téléphones ne pourront pas joindre "
                   "cet ordinateur ; branchez-le au réseau ou ouvrez son point d'accès Wi-Fi, puis relancez.", err=True)
    opened = (public + "/") if public else local
    click.echo("Ouvrez sur une tablette ou un téléphone du même réseau :")
    click.echo(f"  {opened}")
    if everywhere:
        click.echo(f"  (sur cet ordinateur : {local})")
    wifi = site_settings.team_wifi(records)
    if wifi:
        password = f", mot de passe : {wifi.password}" if wifi.password else ", sans mot de passe"
        click.echo(f"1. Rejoindre le Wi-Fi « {wifi.name} »{password}")
        print_qr(wifi.payload)
        click.echo(f"2. Ouvrir le questionnaire : {opened}")
    print_qr(opened)
    return opened, list(dict.fromkeys((lan or [host]) + [urlsplit(opened).hostname or ""]))


@main.command(help="Démarre le serveur sur le réseau local.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=DEFAULTS["PORT"], show_default=True, type=click.IntRange(1, 65535), help="Port.")
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
    scheme = "https" if use_https else "http"
    opened, hosts = announce(app, host, port, scheme)
    from .auth import has_coordinator
    if not has_coordinator(svc):
        click.echo(f"Première utilisation : créez le compte de coordination sur {opened}premier-demarrage")
    if use_https:
        from . import tls
        files, remade = tls.ensure(app.config["DATA_DIR"], hosts)
        click.echo(f"Certificat : {files.folder} (empreinte SHA-256 {tls.fingerprint(files.ca)})")
        if remade:
            click.echo("Certificat du serveur (re)fait pour ces adresses. Les tablettes qui font déjà confiance "
                       "à l'autorité locale n'ont rien à refaire.")
        click.echo(f"Faire confiance au certificat sur une tablette : {opened}aide/certificat")
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
