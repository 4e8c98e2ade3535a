"""Attacks and faults that once worked against the web side (issue 12), one test each."""

from __future__ import annotations

import errno
import io
import json
import os
import struct
import uuid
import zlib

import pytest

from survey import create_app
from survey.cli.tablets import import_queue
from survey.config import secret_key
from survey.services import kiosk_codes
from survey.services.fieldwork.photos import PhotoError, save_photo
from survey.storage.photos import PhotoStore
from survey.storage.repositories.accounts import SIGN_INS
from survey.web.access import local_target
from survey.web.throttle import Throttle
from tests.factories import COORDINATOR, login_coordinator

CAMPAIGN = "porteur-de-parole-numerique"
DEEP_JSON = "[" * 2000 + "]" * 2000


def text(response) -> str:
    return response.get_data(as_text=True)


# -- 2. one safe target for every « suite » / « retour » ------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        " /coordination/",
        "/a b",
    ],
)
def test_unsafe_targets_fall_back_to_the_default(target):
    from urllib.parse import unquote

    assert local_target(unquote(target), "/coordination/") == "/coordination/"
    assert local_target(target, "/x") in ("/x", target) and not local_target(target, "/x").startswith("//")


def test_a_path_of_this_site_is_kept():
    assert local_target("/coordination/campagnes/a/reponses?page=2", "/") == "/coordination/campagnes/a/reponses?page=2"


@pytest.mark.parametrize(
    "suite", ["/%09/evil.example", "/%0A/evil.example", "/%0D/evil.example", "%2F%2Fevil.example", "/%5Cevil.example"]
)
def test_login_never_sends_a_coordinator_to_another_site(client, app, suite):
    from survey.services.accounts import create_coordinator

    create_coordinator(app.extensions["survey"], *COORDINATOR)
    response = client.post(f"/connexion?suite={suite}", data={"nom": COORDINATOR[0], "mot_de_passe": COORDINATOR[1]})
    assert response.status_code == 303
    assert response.headers["Location"] == "/coordination/"


def test_the_scribe_return_field_stays_on_this_site(client, app):
    login_coordinator(client, app)
    new = client.post(
        f"/terrain/{CAMPAIGN}/sessions/nouvelle", data={"lieu": "Marché", "jour": "2026-12-01", "equipe": "camille"}
    )
    assert new.status_code == 303, text(new)[:400]
    [session_id] = [r["id"] for r in app.extensions["survey"].records.all("sessions")]
    response = client.post(f"/terrain/{CAMPAIGN}/sessions/{session_id}/arrets", data={"retour": "/\t/evil.example"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/terrain/{CAMPAIGN}/"


# -- 3. secret key and full disk -------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n", b"abc"])
def test_an_empty_or_short_secret_key_is_made_again(tmp_path, content):
    (tmp_path / "secret_key").write_bytes(content)
    key = secret_key(tmp_path)
    assert len(key) >= 32 and (tmp_path / "secret_key").read_text() == key
    assert secret_key(tmp_path) == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_a_full_disk_at_first_start_leaves_no_empty_key(tmp_path, monkeypatch):
    from survey.storage import atomic

    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    from survey import DataFolderError

    with pytest.raises(DataFolderError, match="clé secrète"):
        create_app({"TESTING": True, "DATA_DIR": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)  # space came back
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "WTF_CSRF_ENABLED": False})
    assert len(app.config["SECRET_KEY"]) >= 32
    assert app.test_client().get("/premier-demarrage").status_code == 200


def test_a_full_disk_gives_a_french_503_and_stores_nothing(tmp_path, monkeypatch):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s" * 40, "WTF_CSRF_ENABLED": False}
    )
    from survey.services.demo import load_demo

    load_demo(app.extensions["survey"])
    from survey.storage import atomic

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "atomic_write_bytes", full)
    client = app.test_client()
    account = client.post(
        "/premier-demarrage",
        data={"nom": "camille", "mot_de_passe": "un-mot-de-passe-long", "confirmation": "un-mot-de-passe-long"},
    )
    answer = client.post(
        f"/c/{CAMPAIGN}/",
        data={
            "answer_id": str(uuid.uuid4()),
            "started_at": "2026-01-01T10:00:00Z",
            "q_simplifie": "bonjour",
            "action": "envoyer",
        },
    )
    api = client.post(
        f"/api/c/{CAMPAIGN}/reponses", json={"answer_id": str(uuid.uuid4()), "answers": {"simplifie": "bonjour"}}
    )
    assert account.status_code == 503, text(account)[:300]
    assert "Disque plein" in text(account) and "Rien n&#39;a été enregistré" in text(account)
    # The inhabitant's form keeps what was typed, to send again.
    assert answer.status_code == 503 and "réessayez" in text(answer) and "bonjour" in text(answer)
    assert api.status_code == 503 and "reste sur la tablette" in api.get_json()["message"]
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 0


# -- 4. the login throttle grows, per address and name ------------------------------------------


def test_the_wait_doubles_after_each_further_failure_and_is_capped():
    throttle = Throttle(free_tries=5, max_delay=900, address_tries=100, window=3600)
    now = 1_000_000.0
    waits = []
    for n in range(10):
        throttle.fail("10.0.0.9", "camille", now=now)
        waits.append(throttle.blocked_for("10.0.0.9", "camille", now=now))
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:] == [31, 61, 121, 241, 481, 901]
    assert throttle.blocked_for("10.0.0.8", "camille", now=now) == 0  # the owner's own device
    assert throttle.blocked_for("10.0.0.9", "camille", now=now + 901) == 0


def test_an_address_guessing_many_names_waits_too():
    throttle = Throttle(free_tries=5, max_delay=900, address_tries=30, window=3600)
    for n in range(30):
        throttle.fail("10.0.0.9", f"nom{n}", now=100.0)
    assert throttle.blocked_for("10.0.0.9", "encore-un-autre", now=101.0) > 0
    assert throttle.blocked_for("10.0.0.7", "nom1", now=101.0) == 0


# -- 7. deeply nested JSON ----------------------------------------------------------------------


def test_deeply_nested_json_is_refused_in_french_by_the_api(client):
    response = client.post(f"/api/c/{CAMPAIGN}/reponses", data=DEEP_JSON, content_type="application/json")
    assert response.status_code == 400
    assert "pas lisible" in response.get_json()["message"]


def test_a_lone_surrogate_in_json_is_refused_not_a_crash(client):
    body = '{"answer_id": "%s", "answers": {"simplifie": "caf\\ud800"}}' % uuid.uuid4()
    response = client.post(f"/api/c/{CAMPAIGN}/reponses", data=body, content_type="application/json")
    assert response.status_code == 400 and "pas lisible" in response.get_json()["message"]


def test_deeply_nested_json_is_refused_in_french_by_import_queue(runner, tmp_path):
    queue = tmp_path / "file.json"
    queue.write_text(DEEP_JSON)
    result = runner.invoke(import_queue, [str(queue), "--data", str(tmp_path / "data")])
    assert result.exit_code != 0
    assert "n'est pas un fichier de file d'attente" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


# -- 8. kiosk exit tries are counted on the server ----------------------------------------------


def test_replaying_the_kiosk_cookie_gives_no_fresh_tries(client, app):
    kiosk_codes.set_kiosk_code(app.extensions["survey"], CAMPAIGN, "ABCD2345")
    assert client.get(f"/c/{CAMPAIGN}/?kiosque=1").status_code == 200
    cookie = client.get_cookie("session").value
    url = f"/c/{CAMPAIGN}/kiosque/quitter"
    statuses = []
    for _ in range(8):
        client.set_cookie("session", cookie)  # the cookie as it was before any try
        statuses.append(text(client.post(url, data={"code": "ZZZZ9999"})))
    assert all("Trop d&#39;essais" not in body for body in statuses[:5])
    assert all("Trop d&#39;essais" in body for body in statuses[5:])
    client.set_cookie("session", cookie)
    right = client.post(url, data={"code": "ABCD2345"})
    assert "Trop d&#39;essais" in text(right)  # even the right code waits: no way to probe


# -- 10. session and printed-code values on the public form --------------------------------------


def test_unknown_or_huge_session_and_poster_values_are_not_stored(client, app):
    svc = app.extensions["survey"]
    ids = []
    for session_value, poster in (
        ("x" * 100_000, "A-" + "y" * 100_000),
        ("s20260101-dead", "<b>"),
        ("../../etc", "A-q1"),
    ):
        answer_id = str(uuid.uuid4())
        ids.append(answer_id)
        response = client.post(
            f"/c/{CAMPAIGN}/?session={session_value[:2000]}&affiche={poster[:2000]}",
            data={
                "answer_id": answer_id,
                "started_at": "2026-01-01T10:00:00Z",
                "q_simplifie": "bonjour",
                "action": "envoyer",
                "session": session_value,
                "affiche": poster,
            },
        )
        assert response.status_code in (200, 303), text(response)[:300]
    stored = [svc.answers.get(CAMPAIGN, i) for i in ids]
    assert [a["session"] for a in stored] == [None, None, None]
    assert [a["poster"] for a in stored] == [None, None, "A-q1"]


def test_the_api_keeps_a_real_session_of_the_campaign_only(client, app):
    login_coordinator(client, app)
    client.post(
        f"/terrain/{CAMPAIGN}/sessions/nouvelle", data={"lieu": "Marché", "jour": "2026-12-01", "equipe": "camille"}
    )
    [session_id] = [r["id"] for r in app.extensions["survey"].records.all("sessions")]
    other = "besoins-numeriques-habitants"
    kept, dropped = str(uuid.uuid4()), str(uuid.uuid4())
    client.post(
        f"/api/c/{CAMPAIGN}/reponses", json={"answer_id": kept, "answers": {"simplifie": "oui"}, "session": session_id}
    )
    client.post(f"/api/c/{other}/reponses", json={"answer_id": dropped, "answers": {}, "session": session_id})
    svc = app.extensions["survey"]
    assert svc.answers.get(CAMPAIGN, kept)["session"] == session_id
    stored = svc.answers.get(other, dropped)
    assert stored is None or stored["session"] is None


# -- 11. signing out signs out ---------------------------------------------------------------


def test_a_cookie_copied_before_signing_out_opens_nothing(client, app):
    login_coordinator(client, app)
    copied = client.get_cookie("session").value
    assert client.get("/coordination/").status_code == 200
    client.post("/deconnexion")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/coordination/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")


def test_signing_out_of_every_device(app):
    laptop, tablet = app.test_client(), app.test_client()
    login_coordinator(laptop, app)
    login_coordinator(tablet, app)
    assert tablet.get("/coordination/").status_code == 200
    response = laptop.post("/deconnexion", data={"partout": "1"})
    assert "tous vos appareils" in text(laptop.get(response.headers["Location"]))
    assert tablet.get("/coordination/").status_code == 302
    assert app.extensions["survey"].records.all(SIGN_INS) == []


def test_a_coordinator_session_ends_after_its_hours_whatever_the_cookie(client, app):
    login_coordinator(client, app)
    svc = app.extensions["survey"]
    [record] = svc.records.all(SIGN_INS)
    svc.records.change(SIGN_INS, record["id"], lambda r: r.update(expires=r["expires"] - 13 * 3600))
    assert client.get("/coordination/").status_code == 302
    assert app.config["COORDINATOR_SESSION_HOURS"] <= 12


def test_the_every_device_button_is_offered_to_a_signed_in_coordinator(client, app):
    login_coordinator(client, app)
    body = text(client.get("/coordination/"))
    assert 'name="partout"' in body and "tous mes appareils" in body


# -- 12. the local authority signs for the local network only ----------------------------------


def test_the_local_authority_is_name_constrained_and_its_key_private(tmp_path):
    from cryptography import x509

    from survey import tls

    files, _ = tls.ensure(tmp_path, ["192.168.1.20", "203.0.113.5", "evil.example"])
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    permitted = {str(p.value) for p in constraints.value.permitted_subtrees}
    assert {"192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "localhost"} <= permitted
    assert "0.0.0.0/0" not in permitted
    server = x509.load_pem_x509_certificate(files.server.read_bytes())
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = {str(a) for a in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))
    assert "192.168.1.20" in names and "203.0.113.5" not in names and "evil.example" not in names
    assert oct(files.ca_key.stat().st_mode & 0o777) == "0o600"
    assert oct(files.folder.stat().st_mode & 0o777) == "0o700"


def test_an_authority_without_constraints_is_replaced(tmp_path):
    from cryptography import x509

    from survey import tls

    files, _ = tls.ensure(tmp_path, ["192.168.1.20"])
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    from cryptography.hazmat.primitives import hashes, serialization

    key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    builder = (
        x509.CertificateBuilder()
        .subject_name(ca.subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(ca.not_valid_before_utc)
        .not_valid_after(ca.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
    )
    old = builder.sign(key, hashes.SHA256())
    files.ca.write_bytes(old.public_bytes(serialization.Encoding.PEM))
    files, remade = tls.ensure(tmp_path, ["192.168.1.20"])
    assert remade
    renewed = x509.load_pem_x509_certificate(files.ca.read_bytes())
    assert renewed.extensions.get_extension_for_class(x509.NameConstraints)


def test_the_certificate_help_says_how_to_remove_the_trust(client):
    body = text(client.get("/aide/certificat"))
    assert "retirer la confiance" in body.lower() and "Supprimer le profil" in body


# -- 14. image bombs ---------------------------------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A valid PNG signature and header announcing ``width`` × ``height`` (no real pixels)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(b"\0" * 64)
    chunk += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))


def test_a_huge_png_header_is_refused_before_it_is_stored(tmp_path):
    for width, height in ((60000, 60000), (20000, 100), (9000, 9000)):
        with pytest.raises(PhotoError, match="trop grande"):
            save_photo(PhotoStore(tmp_path / "photos"), CAMPAIGN, "s1", png_header(width, height), already=0)
    assert not (tmp_path / "photos").exists()


def test_a_phone_sized_photo_is_accepted(tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "white").save(buffer, "JPEG")
    record = save_photo(PhotoStore(tmp_path / "photos"), CAMPAIGN, "s1", buffer.getvalue(), already=0)
    assert record["type"] == "image/jpeg"
    with pytest.raises(PhotoError):
        save_photo(PhotoStore(tmp_path / "photos"), CAMPAIGN, "s1", b"\xff\xd8\xff" + b"\0" * 500, already=0)


def test_json_module_is_not_needed_for_the_api_content_type(client):
    # A tablet sends JSON; any other body is refused in French, never a 500.
    response = client.post(f"/api/c/{CAMPAIGN}/reponses", data=b"\xff\xfe not json", content_type="text/plain")
    assert response.status_code == 400 and json.loads(response.data)["message"]


def test_expired_coordinator_sessions_are_cleared_at_the_next_sign_in(client, app):
    login_coordinator(client, app)
    svc = app.extensions["survey"]
    [old] = svc.records.all(SIGN_INS)
    svc.records.change(SIGN_INS, old["id"], lambda r: r.update(expires=1.0))
    login_coordinator(app.test_client(), app)
    assert [r["id"] for r in svc.records.all(SIGN_INS)] != [old["id"]]
    assert len(svc.records.all(SIGN_INS)) == 1


def test_a_session_made_after_the_first_answers_is_known_at_once(client, app):
    login_coordinator(client, app)
    svc = app.extensions["survey"]
    assert svc.known_session(CAMPAIGN, "s20261201-abcd") is None  # read once, remembered
    client.post(
        f"/terrain/{CAMPAIGN}/sessions/nouvelle", data={"lieu": "Marché", "jour": "2026-12-01", "equipe": "camille"}
    )
    [session_id] = [r["id"] for r in svc.records.all("sessions")]
    assert svc.known_session(CAMPAIGN, session_id) == session_id  # the file changed: read again
    assert svc.known_session("besoins-numeriques-habitants", session_id) is None
