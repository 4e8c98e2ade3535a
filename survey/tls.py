"""HTTPS on a laptop: a local certificate authority and a server certificate, made on first run.

Tablets allow offline forms (service workers) only in a secure context, and a laptop on a
LAN has no public certificate. So ``survey serve --https`` makes, in ``<data>/tls/``:

- ``ca.pem`` / ``ca-key.pem``: a small authority, valid 10 years. A tablet trusts it once
  (``/aide/certificat``); it is the fingerprint people compare.
- ``server.pem`` / ``server-key.pem``: the certificate the server shows, signed by that
  authority, for localhost, 127.0.0.1 and the laptop's LAN addresses. It is remade when an
  address changes or it nears its end, without asking the tablets to trust anything again.
  Apple devices refuse a server certificate valid more than 825 days: it lasts 800.

waitress has no TLS; cheroot (CherryPy's maintained WSGI server, also on Windows) serves
HTTPS with Python's own ssl module.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "Porteur de parole – autorité locale"
CA_DAYS = 3650
SERVER_DAYS = 800
RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True)
class Certificate:
    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca-key.pem"

    @property
    def server(self) -> Path:
        return self.folder / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.folder / "server-key.pem"


def tls_folder(data_dir) -> Path:
    return Path(data_dir) / "tls"


def fingerprint(pem_path: Path) -> str:
    """SHA-256 fingerprint as phones show it: « AB:CD:… »."""
    cert = x509.load_pem_x509_certificate(Path(pem_path).read_bytes())
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def ca_fingerprint(data_dir) -> str | None:
    path = Certificate(tls_folder(data_dir)).ca
    return fingerprint(path) if path.exists() else None


# The authority may sign only for the local network: a leaked ``ca-key.pem`` cannot be used
# to impersonate any public site on the tablets that trust it (X.509 name constraints).
PERMITTED_NETWORKS = (
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
)
PERMITTED_DOMAINS = ("localhost", "local", "home.arpa", "lan")


def ensure(data_dir, hosts: list[str]) -> tuple[Certificate, bool]:
    """The certificate files for these host names and addresses; True if the server one was (re)made.

    An authority made before name constraints existed is replaced (the tablets trust the new
    one once, as the first time)."""
    files = Certificate(tls_folder(data_dir))
    files.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(files.folder, 0o700)
    names = [n for n in _names(hosts) if is_local_name(n)]
    if not (files.ca.exists() and files.ca_key.exists()) or not _ca_is_constrained(files):
        _make_ca(files)
    os.chmod(files.ca_key, 0o600)
    if _server_is_fine(files, names):
        return files, False
    _make_server(files, names)
    return files, True


def _names(hosts: list[str]) -> list[str]:
    wanted = ["localhost", "127.0.0.1"] + [h for h in hosts if h not in ("0.0.0.0", "::", "")]
    seen: list[str] = []
    for h in wanted:
        if h not in seen:
            seen.append(h)
    return seen


def is_local_name(name: str) -> bool:
    """Within the authority's name constraints: a LAN or loopback address, or a local name."""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        name = name.lower().rstrip(".")
        return any(name == d or name.endswith("." + d) for d in PERMITTED_DOMAINS)
    return any(address in ipaddress.ip_network(net) for net in PERMITTED_NETWORKS)


def _name_constraints() -> x509.NameConstraints:
    permitted = [x509.IPAddress(ipaddress.ip_network(net)) for net in PERMITTED_NETWORKS]
    permitted += [x509.DNSName(domain) for domain in PERMITTED_DOMAINS]
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None)


def _ca_is_constrained(files: Certificate) -> bool:
    try:
        ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
        return ca.extensions.get_extension_for_class(x509.NameConstraints).value == _name_constraints()
    except (ValueError, x509.ExtensionNotFound):
        return False


def _san(names: list[str]) -> x509.SubjectAlternativeName:
    entries = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _server_is_fine(files: Certificate, names: list[str]) -> bool:
    if not (files.server.exists() and files.server_key.exists()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(files.server.read_bytes())
        ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
        covered = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    if cert.issuer != ca.subject:
        return False
    if cert.not_valid_after_utc - RENEW_BEFORE < datetime.now(timezone.utc):
        return False
    have = {str(v) for v in covered.get_values_for_type(x509.IPAddress)}
    have |= set(covered.get_values_for_type(x509.DNSName))
    return all(n in have for n in names)


def _write_key(path: Path, key) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _write_cert(path: Path, cert: x509.Certificate, *chain: x509.Certificate) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (cert, *chain)))
    os.replace(tmp, path)


def _make_ca(files: Certificate) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Porteur de parole"),
        ]
    )
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_name_constraints(), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_key(files.ca_key, key)
    _write_cert(files.ca, cert)
    # A new authority makes the old server certificate worthless.
    files.server.unlink(missing_ok=True)


def _key_usage(signs_certificates: bool) -> x509.KeyUsage:
    """Signatures only: the authority signs certificates (and their revocation lists), the
    server signs its TLS handshakes (ECDSA: no key encipherment)."""
    return x509.KeyUsage(
        digital_signature=True,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        encipher_only=False,
        decipher_only=False,
    )


def _make_server(files: Certificate, names: list[str]) -> None:
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[-1])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=SERVER_DAYS))
        .add_extension(_san(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(files.server_key, key)
    _write_cert(files.server, cert, ca)


def serve_https(app, host: str, port: int, threads: int, files: Certificate) -> None:
    """Serve ``app`` over TLS with cheroot until Ctrl+C."""
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    server = wsgi.Server(
        (host, port), app, numthreads=threads, server_name="porteur-de-parole", request_queue_size=64, timeout=30
    )
    server.max_request_body_size = app.config["MAX_UPLOAD_LENGTH"]
    server.ssl_adapter = BuiltinSSLAdapter(str(files.server), str(files.server_key))
    try:
        server.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
