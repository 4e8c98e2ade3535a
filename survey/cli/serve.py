"""``survey serve``: the server on the local network, with the addresses and QR codes phones open."""

from __future__ import annotations

import errno
import os
import socket
import sys
from urllib.parse import urlsplit

import click

from ..config import DEFAULTS
from ..services.demo import load_demo
from .root import CommandError, data_option, main, make_app


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
            raise CommandError(
                f"Le port {port} est déjà utilisé par un autre programme. "
                f"Choisissez-en un autre, par exemple : survey serve --port {port + 1}"
            ) from None
        raise CommandError(f"Impossible d'écouter sur {host}:{port} ({exc.strerror}).") from None
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
    from .. import network
    from ..services import site_settings

    records = app.extensions["survey"].records
    everywhere = host in ("0.0.0.0", "::")
    view = network.read_machine() if everywhere else None
    lan = network.lan_addresses(view) if everywhere else ([] if network.is_loopback(host) else [host])
    site_settings.record_server(records, scheme, port, host)  # its real port, for survey print
    public, remark = site_settings.serve_address(records, scheme, port, lan)
    configured = app.config.get("PUBLIC_BASE_URL")
    if configured:
        try:
            public = site_settings.clean_address(configured)
        except site_settings.AddressError as exc:
            raise CommandError(f"SURVEY_PUBLIC_URL : {exc}") from None
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
        click.echo(
            "Attention : aucun réseau trouvé (ni Wi-Fi ni câble). Les téléphones ne pourront pas joindre "
            "cet ordinateur ; branchez-le au réseau ou ouvrez son point d'accès Wi-Fi, puis relancez.",
            err=True,
        )
    opened = (public + "/") if public else local
    if network.is_loopback(host):
        click.echo(
            f"Ce serveur ne répond qu'à cet ordinateur (--host {host}) : les tablettes et les téléphones "
            "ne peuvent pas l'ouvrir. Pour eux, relancez sans --host.",
            err=True,
        )
        click.echo(f"Ouvrez sur cet ordinateur : {local}")
        return local, [host]
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


def check_workers(app, use_https: bool) -> None:
    """Several processes share what is on disk or in the database: each campaign's answers
    (flock and generation: storage/answers.py), the records (an flock per collection), the
    sign-in throttles (``SHARED_THROTTLES``, set by ``serve``). The limits of sends per address
    are counted per process unless they are in Redis: said, not refused."""
    if use_https:
        raise CommandError("--https sert avec un seul processus : devant plusieurs, c'est nginx qui fait le HTTPS.")
    if os.name != "posix":
        raise CommandError("Plusieurs processus serveurs (--workers) ne marchent que sous Linux ou macOS.")
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        where = "dans la base" if app.config.get("DATABASE_URL") else "dans le dossier des données"
        click.echo(
            "Attention : les limites d'envois sont comptées par processus (SURVEY_RATELIMIT_STORAGE_URI "
            f"vers Redis pour les partager) ; les essais de mot de passe, eux, sont comptés {where}.",
            err=True,
        )


@main.command(help="Démarre le serveur sur le réseau local.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=DEFAULTS["PORT"], show_default=True, type=click.IntRange(1, 65535), help="Port.")
@data_option
@click.option("--demo", "with_demo", is_flag=True, help="Crée d'abord les campagnes de démonstration.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--https",
    "use_https",
    is_flag=True,
    help="Sert en HTTPS avec un certificat créé sur cet ordinateur (nécessaire pour travailler hors connexion).",
)
@click.option(
    "--database",
    "database_url",
    metavar="URL",
    help="Tout enregistrer dans cette base PostgreSQL (postgresql://…) plutôt que dans le dossier des données.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processus serveurs (gunicorn, Linux ou macOS) : 2 pour recevoir beaucoup de réponses à la fois.",
)
@click.option(
    "--proxy",
    "behind_proxy",
    is_flag=True,
    help="Derrière un serveur mandataire (nginx) : l'adresse de chaque client est celle qu'il transmet.",
)
def serve(host, port, data_dir, with_demo, threads, use_https, database_url, workers, behind_proxy):
    from waitress import serve as waitress_serve

    extra = {"HTTPS": True, "SESSION_COOKIE_SECURE": True} if use_https else {}
    if database_url:  # else SURVEY_DATABASE_URL, if set (config.py)
        extra["DATABASE_URL"] = database_url
    if behind_proxy:
        extra["BEHIND_PROXY"] = True
    if workers > 1:  # the sign-in throttles counted in the records that every worker reads
        extra["SHARED_THROTTLES"] = True
    # A request keeps its database connection until it ends (storage/postgres/pool.py): a
    # process needs one per thread, or its last threads would wait for one.
    extra["DATABASE_POOL_SIZE"] = max(threads, DEFAULTS["DATABASE_POOL_SIZE"])
    app = make_app(data_dir, **extra)
    if workers > 1:
        check_workers(app, use_https)
    from .. import allocator

    allocator.limit_arenas(allocator.arena_setting(app.config))  # before the server's threads start
    if with_demo:
        load_demo(app.extensions["survey"], with_answers=True)
    svc = app.extensions["survey"]
    on_folder = not app.config.get("DATABASE_URL")
    if workers == 1 or not on_folder:  # several on the folder: each worker loads its own index, not this process
        svc.answers.warm()
    for problem in svc.library.problems:
        click.echo(f"Questionnaire ignoré : {problem}", err=True)
    check_port(host, port)
    scheme = "https" if use_https else "http"
    opened, hosts = announce(app, host, port, scheme)
    from ..services.accounts import has_coordinator

    if not has_coordinator(svc):
        click.echo(f"Première utilisation : créez le compte de coordination sur {opened}premier-demarrage")
    if use_https:
        from .. import tls

        files, remade = tls.ensure(app.config["DATA_DIR"], hosts)
        click.echo(f"Certificat : {files.folder} (empreinte SHA-256 {tls.fingerprint(files.ca)})")
        if remade:
            click.echo(
                "Certificat du serveur (re)fait pour ces adresses. Les tablettes qui font déjà confiance "
                "à l'autorité locale n'ont rien à refaire."
            )
        click.echo(f"Faire confiance au certificat sur une tablette : {opened}aide/certificat")
        click.echo("Arrêt : Ctrl+C.")
        sys.stdout.flush()
        tls.serve_https(app, host, port, threads, files)
        return
    click.echo("Arrêt : Ctrl+C.")
    sys.stdout.flush()
    if workers > 1:
        from .workers import run_gunicorn

        def worker_app():
            made = make_app(data_dir, **extra)
            if on_folder:
                made.extensions["survey"].answers.warm()
            return made

        run_gunicorn(worker_app, host, port, workers, threads)
        return
    waitress_serve(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="porteur-de-parole",
        max_request_body_size=app.config["MAX_UPLOAD_LENGTH"],
        # waitress drops X-Forwarded-* by default: behind nginx, ProxyFix must see them (--proxy)
        clear_untrusted_proxy_headers=not behind_proxy,
    )
