"""The laptop's side of a hand-over (issue 15 §4): send one campaign to the shared instance.

``survey envoyer CAMPAGNE URL --jeton …`` and the coordinator's page « Envoyer cette campagne
vers l'instance partagée » both call ``send_campaign``. It sends, over HTTPS (``web/handover.py``
on the instance): the campaign, the questionnaire versions its answers were given under, the
answers in batches, the sessions and their photos; then it asks the instance for its
summary (count and order-independent digest per kind) and compares it with its own.

- **Idempotent**: the instance stores an answer once by its id; one it holds with other
  content is refused and listed, never overwritten. Sending twice stores once.
- **Resumable**: after each batch the instance acknowledged, the last answer id is kept in
  ``handover_progress`` (one record per campaign and instance); a run cut by the network
  starts after it. A finished run forgets it, so the next run sends (and checks) everything.
- **Retries**: a refused connection, a timeout, a 429 or a 5xx is tried again after 1, 2, 4,
  8 s; anything else (a wrong token, a bad request) stops at once with the instance's message.
- **HTTPS**: certificates are checked (``ca``: a private authority's file). Plain ``http://``
  is accepted only for this machine or a private network address (a test, a LAN instance):
  a token must never cross the internet in clear.

No Flask here: the standard library's ``urllib.request`` is the client.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from ..model.errors import SurveyError
from ..model.media import media_of
from ..storage.repositories.handover import HandoverProgressRepository
from ..storage.repositories.versions import snapshot_id
from . import Services
from .data_copy import listed, plural
from .handover_receive import KINDS, campaign_summary
from .media_transfer import described

ATTEMPTS = 5  # tries of one request before giving up (waits 1, 2, 4, 8 s between)
TIMEOUT = 60  # seconds for one request
RETRIED = {429, 500, 502, 503, 504}
KIND_WORDS = {
    "reponses": "réponses",
    "sessions": "sessions",
    "versions": "versions du questionnaire",
    "photos": "photos",
    "medias": "enregistrements et dessins",
}


class HandoverError(SurveyError):
    """A hand-over that cannot start or go on, said in French (the instance's message when it has one)."""


def check_address(url: str) -> str:
    """The instance's base address, without a trailing slash; ``http://`` only on a local network."""
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise HandoverError(f"Adresse de l'instance non valable : « {url} ». Elle commence par https://")
    if parts.scheme == "http" and not local_host(parts.hostname):
        raise HandoverError(
            "L'adresse de l'instance doit commencer par https:// : le jeton et les réponses ne "
            "doivent pas traverser internet en clair (http:// n'est accepté que sur un réseau local)."
        )
    return url


def local_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


@dataclass
class Outcome:
    stored: int = 0
    present: int = 0


@dataclass
class HandoverReport:
    campaign: str
    url: str
    campaign_note: str = ""
    outcomes: dict[str, Outcome] = field(default_factory=lambda: {kind: Outcome() for kind in KINDS})
    refused: list[str] = field(default_factory=list)
    resumed: int = 0  # answers skipped: acknowledged by the instance before a cut
    here: dict = field(default_factory=dict)
    there: dict = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.differences

    def lines(self) -> list[str]:
        """The report in French, for the command and the page."""
        answers = self.outcomes["reponses"]
        lines = [
            f"Campagne « {self.campaign} » envoyée à {self.url} : "
            f"{plural(answers.stored, 'réponse enregistrée', 'réponses enregistrées')}, "
            f"{plural(answers.present, 'déjà là', 'déjà là')}, "
            f"{plural(len(self.refused), 'refusée', 'refusées')} ; "
            f"vérifié : {'identiques' if not self.differences else 'DIFFÉRENCES'}.",
        ]
        if self.resumed:
            lines.append(
                f"Reprise après une coupure : {plural(self.resumed, 'réponse', 'réponses')} déjà reçues avant."
            )
        if self.campaign_note:
            lines.append(self.campaign_note)
        others = [
            f"{KIND_WORDS[kind]} : {self.outcomes[kind].stored} enregistrées, {self.outcomes[kind].present} déjà là"
            for kind in KINDS[1:]
        ]
        lines.append("Aussi : " + " ; ".join(others) + ".")
        if self.here:
            lines.append(
                "Vérification (des deux côtés) : "
                + " ; ".join(
                    f"{KIND_WORDS[k]} {self.here[k]['nombre']} (empreinte {self.here[k]['empreinte'][:12]})"
                    for k in KINDS
                )
                + "."
            )
        lines += listed("Refusé", self.refused)
        lines += listed("Différence", self.differences)
        return lines


class Connection:
    """JSON requests to one campaign's hand-over API, with the token and the retries."""

    def __init__(self, url: str, campaign_id: str, token: str, ca: str | None, sleep: Callable[[float], None]):
        self.base = f"{url}/api/remise/{quote(campaign_id, safe='')}"
        self.token = token.strip()
        self.sleep = sleep
        try:
            self.context = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
        except (OSError, ssl.SSLError):
            raise HandoverError(f"Le fichier d'autorité de certification « {ca} » ne peut pas être lu.") from None

    def call(
        self, method: str, path: str, body: Any = None, data: bytes | None = None, kind: str = "", listed: tuple = ()
    ) -> dict:
        """The instance's JSON answer; a refusal whose status is in ``listed`` comes back as
        ``{"refus": message}`` (to be listed) instead of stopping the hand-over."""
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            kind = "application/json"
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if kind:
            headers["Content-Type"] = kind
        for attempt in range(ATTEMPTS):
            if attempt:
                self.sleep(2 ** (attempt - 1))
            request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT, context=self.context) as response:
                    return read_json(response.read())
            except urllib.error.HTTPError as error:
                answer = read_json(error.read())
                if error.code in RETRIED and attempt + 1 < ATTEMPTS:
                    continue
                message = answer.get("message") or f"l'instance a répondu {error.code}"
                if error.code in listed:
                    return {"refus": message}
                raise HandoverError(f"Refusé par l'instance ({error.code}) : {message}") from None
            except ssl.SSLCertVerificationError:
                raise HandoverError(
                    "Le certificat HTTPS de l'instance n'est pas reconnu. Si elle a sa propre autorité "
                    "de certification, donnez son fichier (--ca)."
                ) from None
            except (urllib.error.URLError, OSError):
                if attempt + 1 < ATTEMPTS:
                    continue
        raise HandoverError(
            "L'instance ne répond pas (réseau coupé ?). Ce qui a été reçu est gardé : relancez l'envoi, il reprendra où il s'est arrêté."
        )


def read_json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def progress_key(campaign_id: str, url: str) -> str:
    return hashlib.sha256(f"{campaign_id}\n{url}".encode("utf-8")).hexdigest()[:32]


def send_campaign(
    svc: Services,
    campaign_id: str,
    url: str,
    token: str,
    ca: str | None = None,
    batch: int = 200,
    sleep: Callable[[float], None] = time.sleep,
    after_batch: Callable[[int], None] | None = None,
) -> HandoverReport:
    """Send the campaign to the instance at ``url``; the report says what was stored, what was
    there already, what was refused, and whether both sides' counts and digests agree.
    ``after_batch(n)`` is told the number of answers sent so far after each batch."""
    campaign = svc.campaigns.get(campaign_id)
    if campaign is None:
        raise HandoverError(f"La campagne « {campaign_id} » n'existe pas ici.")
    url = check_address(url)
    if not token or not token.strip():
        raise HandoverError("Il faut le jeton d'envoi créé sur l'instance partagée.")
    connection = Connection(url, campaign_id, token, ca, sleep)
    report = HandoverReport(campaign_id, url)

    note = connection.call("PUT", "/campagne", campaign.to_record())
    if note.get("a_signaler"):
        report.campaign_note = str(note.get("message", ""))

    version_ids = {snapshot_id(r["questionnaire"], r["version"]) for r in svc.versions.of(campaign.questionnaire)}
    version_ids |= {
        snapshot_id(a["questionnaire"], a["version"])
        for a in svc.answers.iter_answers(campaign_id)
        if isinstance(a.get("questionnaire"), str) and isinstance(a.get("version"), int)
    }
    versions = [r for v in sorted(version_ids) if (r := svc.records.get("questionnaire_versions", v))]
    tell(report, "versions", connection.call("PUT", "/versions", {"versions": versions}))

    send_answers(svc, connection, campaign_id, url, batch, report, after_batch)

    sessions = [r for r in svc.records.all("sessions") if r.get("campaign") == campaign_id]
    tell(report, "sessions", connection.call("POST", "/sessions", {"sessions": sessions}))
    for session in sessions:
        for entry in session.get("photos") or []:
            data = svc.photos.read(campaign_id, session["id"], entry.get("file", ""))
            if data is None:
                report.refused.append(f"photo {entry.get('file')} de la session {session['id']} : introuvable ici")
                continue
            name = quote(entry["file"], safe="")
            answer = connection.call(
                "PUT", f"/photos/{quote(session['id'], safe='')}/{name}", data=data, kind=entry.get("type", "")
            )
            outcome = report.outcomes["photos"]
            if answer.get("resultat") == "enregistree":
                outcome.stored += 1
            else:
                outcome.present += 1

    report.there = connection.call("GET", "/bilan")
    report.here = campaign_summary(svc, campaign_id)
    for name in report.there.get("medias_manquants") or []:
        if name not in report.here.get("medias_manquants", []):
            report.differences.append(f"fichier {name} : il manque sur l'instance")
    for kind in KINDS:
        mine, theirs = report.here[kind], report.there.get(kind) or {}
        if mine != theirs:
            report.differences.append(
                f"{KIND_WORDS[kind]} : ici {mine['nombre']} (empreinte {mine['empreinte'][:12]}), sur l'instance "
                f"{theirs.get('nombre', '?')} (empreinte {str(theirs.get('empreinte', '?'))[:12]})"
            )
    HandoverProgressRepository(svc.records).delete(progress_key(campaign_id, url))
    return report


def send_answers(
    svc: Services,
    connection: Connection,
    campaign_id: str,
    url: str,
    batch: int,
    report: HandoverReport,
    after_batch: Callable[[int], None] | None,
) -> None:
    """The answers, oldest first, in batches; the last acknowledged id is kept after each."""
    progress = HandoverProgressRepository(svc.records)
    key = progress_key(campaign_id, url)
    last = progress.get(key).get("last_answer")
    skipping = isinstance(last, str) and svc.answers.get(campaign_id, last) is not None
    pending: list[dict] = []
    sent = 0

    def flush() -> None:
        nonlocal sent
        result = connection.call("POST", "/reponses", {"reponses": pending})
        tell(report, "reponses", result, prefix="réponse")
        send_media(svc, connection, campaign_id, pending, report)  # before the batch counts as done
        progress.put({"id": key, "campaign": campaign_id, "url": url, "last_answer": pending[-1]["id"]})
        sent += len(pending)
        pending.clear()
        if after_batch:
            after_batch(sent)

    for answer in svc.answers.iter_answers(campaign_id):
        if skipping:
            report.resumed += 1
            skipping = answer["id"] != last
            continue
        pending.append(answer)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()


def send_media(
    svc: Services, connection: Connection, campaign_id: str, answers: list[dict], report: HandoverReport
) -> None:
    """The recordings and drawings of a batch of answers, once the instance holds the answers: it
    checks each again from its bytes and stores it once. A file missing here, or refused there,
    is listed in French."""
    outcome = report.outcomes["medias"]
    for answer in answers:
        for entry in media_of(answer):
            name = entry["file"]
            data = svc.media.read(campaign_id, name)
            if data is None:
                report.refused.append(f"{described(answer, name)} : fichier introuvable ici, il n'a pas été envoyé")
                continue
            path = f"/medias/{quote(answer['id'], safe='')}/{quote(name, safe='')}"
            result = connection.call(
                "PUT", path, data=data, kind="application/octet-stream", listed=(404, 409, 413, 422)
            )
            if "refus" in result:
                report.refused.append(f"{described(answer, name)} : {result['refus']}")
            elif result.get("resultat") == "enregistree":
                outcome.stored += 1
            else:
                outcome.present += 1


def tell(report: HandoverReport, kind: str, result: dict, prefix: str | None = None) -> None:
    outcome = report.outcomes[kind]
    outcome.stored += int(result.get("enregistres") or 0)
    outcome.present += int(result.get("deja_la") or 0)
    word = prefix or {"sessions": "session", "versions": "version"}.get(kind, kind)
    for item in result.get("refuses") or []:
        if isinstance(item, dict):
            report.refused.append(f"{word} {item.get('id')} : {item.get('raison')}")
