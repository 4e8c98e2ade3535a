"""« /aide/certificat »: how a tablet learns to trust the laptop's own certificate.

Shows the SHA-256 fingerprint of the local authority made by ``survey serve --https``
(``tls.py``) so that a volunteer can check, on the tablet, that it is the right one, and
offers it for download with plain steps for Android and iPadOS.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file

bp = Blueprint("https_help", __name__)


@bp.get("/aide/certificat")
def certificate():
    data_dir = current_app.config["DATA_DIR"]
    from .. import tls  # cryptography is loaded only for this page

    fingerprint = tls.ca_fingerprint(data_dir)
    return render_template(
        "help/certificate.html", fingerprint=fingerprint, secure=request.is_secure, host=request.host, name=tls.CA_NAME
    )


@bp.get("/aide/certificat.crt")
def download():
    from .. import tls

    path = tls.Certificate(tls.tls_folder(current_app.config["DATA_DIR"])).ca
    if not path.exists():
        abort(
            404,
            description="Aucun certificat n'a encore été créé : l'outil le crée la première fois qu'il "
            "démarre en mode sécurisé (HTTPS).",
        )
    return send_file(
        path,
        mimetype="application/x-x509-ca-cert",
        as_attachment=True,
        download_name="porteur-de-parole.crt",
        max_age=0,
    )
