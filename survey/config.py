"""Configuration in one place: defaults, then the environment, then the caller's."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "data",
    "QUESTIONNAIRES_DIR": str(PROJECT_ROOT / "questionnaires"),
    # Public base URL printed in QR codes; None = the address the request came in on.
    "PUBLIC_BASE_URL": None,
    # Port of « survey serve » when none is given; « survey print » assumes it only when the
    # server never ran with this data folder (it records the port it really runs on).
    "PORT": 8000,
    # A print of more sheets than this is counted first and made only once confirmed
    # (page « Imprimer »: a second button; « survey print »: --oui).
    "PRINT_CONFIRM_SHEETS": 50,
    # Quote cards: one PDF holds at most this many quotes, the newest consented ones (the print
    # page says so, and dates or a question choose older ones); two cards a sheet.
    "QUOTE_CARDS_MAX": 100,
    # The diagnostic report (survey rapport, « Rapport »): at most this many quotes, the newest
    # reuse-consented written answers, grouped by tag; the team keeps or cuts them in the ODT.
    "REPORT_QUOTES_MAX": 60,
    # A published restitution page is kept in memory, made again when it changes and at the
    # latest after this many seconds (new answers counted, an erased quote gone).
    "RESTITUTION_CACHE_SECONDS": 60,
    "MAX_TEXT_LENGTH": 5000,  # characters in one free-text answer
    "MAX_CONTENT_LENGTH": 512 * 1024,  # bytes in one request (answers are small)
    # The web server's own ceiling: routes that take files (board photos, XLSForm
    # uploads) raise Flask's limit for themselves, up to this.
    "MAX_UPLOAD_LENGTH": 16 * 1024 * 1024,
    # Answers that need no writing (issue 16 §2): a recording lasts at most this many seconds
    # (the browser stops there) and weighs at most this many bytes (checked from the bytes by
    # the server: 2 minutes of Opus at 64 kbit/s are about 1 MB); a drawing or a photo of one
    # at most MEDIA_MAX_IMAGE_BYTES. A form with media takes their sum in one request.
    "MEDIA_MAX_RECORDING_SECONDS": 120,
    "MEDIA_MAX_RECORDING_BYTES": 4 * 1024 * 1024,
    "MEDIA_MAX_IMAGE_BYTES": 4 * 1024 * 1024,
    "ANSWER_CHUNK_SIZE": 100,
    # A PostgreSQL database (``postgresql://user@host/name``) for every collection instead of
    # the TinyDB files of the data folder (survey/storage/postgres/, docs/DEPLOYMENT.md);
    # None keeps the files. Its pool holds at most DATABASE_POOL_SIZE connections per process.
    "DATABASE_URL": None,
    "DATABASE_POOL_SIZE": 8,
    # How long a request waits for a database connection before the page says « the database
    # does not answer » (503; a tablet keeps the answer and sends it again later).
    "DATABASE_WAIT_SECONDS": 5.0,
    # On a shared instance, questionnaires edited in the app are seen by every server at its
    # next request (their version in the database). A file changed by hand in a questionnaire
    # folder of the host is seen within this many seconds: its folders are not looked at on
    # every request (each look is a system call that lets another thread of the worker in).
    "SHARED_FOLDERS_LOOK_SECONDS": 1.0,
    # A tablet may keep a form open all day: a token that expires would lose answers.
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_I18N_ENABLED": False,  # WTForms' own French messages are used instead
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "TIMEZONE": "Europe/Paris",
    # Served over HTTPS (e.g. behind a reverse proxy): session cookies get the Secure flag.
    # Off by default: on a plain-HTTP local network a Secure cookie would never come back.
    "HTTPS": False,
    "PUBLIC_RATE_LIMIT": "30 per minute",  # answer-form sends per client address
    "VOLUNTEER_CODE_RATE_LIMIT": "10 per minute",  # volunteer code tries per client address
    "OFFLINE_RATE_LIMIT": "120 per minute",  # queued answers a tablet sends at once, per address
    # Handing a laptop campaign over to the shared instance (survey envoyer, docs/DEPLOYMENT.md):
    # requests per client address, days an upload token lasts, answers per batch, bytes per batch.
    "HANDOVER_RATE_LIMIT": "300 per minute",
    "HANDOVER_TOKEN_DAYS": 7,
    "HANDOVER_BATCH": 200,
    "HANDOVER_MAX_BATCH_BYTES": 8 * 1024 * 1024,
    # Where those limits count: this process's memory, or Redis (``redis://localhost:6379/0``)
    # so that the workers of a shared instance count together (docs/DEPLOYMENT.md).
    "RATELIMIT_STORAGE_URI": "memory://",
    # Redis away must never refuse a respondent: each process then counts in its own memory
    # (Flask-Limiter's fallback), goes back to Redis once it answers, and waits for it at most
    # half a second (seconds, redis-py's options); any other error of the count lets the request through.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    # Behind a reverse proxy (nginx): trust its X-Forwarded-For/-Proto (werkzeug's ProxyFix),
    # so that limits and throttles count each client, not the proxy. Never without a proxy.
    "BEHIND_PROXY": False,
    # Sign-in throttles counted in the records collection ``throttle`` (every process reads it),
    # not in memory: set by ``survey serve --workers N``; a database (DATABASE_URL) implies it.
    "SHARED_THROTTLES": False,
    "KIOSK_DELAY_SECONDS": 8,  # on the kiosk's thank-you screen, before a blank form
    # A coordinator's sign-in lasts this long on a device, whatever its cookie says.
    "COORDINATOR_SESSION_HOURS": 12,
    # Wrong passwords: free tries per (address, name), then a delay that doubles up to the
    # maximum (seconds); an address failing this many times within the window waits too.
    "LOGIN_FREE_TRIES": 5,
    "LOGIN_MAX_DELAY": 15 * 60,
    "LOGIN_ADDRESS_TRIES": 30,
    "LOGIN_WINDOW": 60 * 60,
    # Wrong codes typed to leave kiosk mode, counted the same way, on the server.
    "KIOSK_FREE_TRIES": 5,
    "KIOSK_MAX_DELAY": 15 * 60,
    "KIOSK_ADDRESS_TRIES": 30,
    "KIOSK_WINDOW": 60 * 60,
    # The server's C allocator (Linux with glibc; ignored elsewhere): at most this many arenas
    # (0: glibc's default, 8 per core), and freed memory given back after each export or PDF.
    # Without them each server thread that made an export kept 20–40 MB (survey/allocator.py).
    "MALLOC_ARENA_MAX": 2,
    "MALLOC_TRIM": True,
}

# Environment variables that may set a value (the name, then the key).
ENVIRONMENT = {
    "SURVEY_DATA": "DATA_DIR",
    "SURVEY_QUESTIONNAIRES": "QUESTIONNAIRES_DIR",
    "SURVEY_PUBLIC_URL": "PUBLIC_BASE_URL",
    "SURVEY_DATABASE_URL": "DATABASE_URL",
    "SURVEY_DATABASE_WAIT_SECONDS": "DATABASE_WAIT_SECONDS",  # seconds, a number
    "SURVEY_HTTPS": "HTTPS",
    "SURVEY_PUBLIC_RATE_LIMIT": "PUBLIC_RATE_LIMIT",
    "SURVEY_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "SURVEY_BEHIND_PROXY": "BEHIND_PROXY",  # « oui » or 1
    "SURVEY_MALLOC_ARENA_MAX": "MALLOC_ARENA_MAX",  # a number; 0 leaves glibc's default
    "SURVEY_MALLOC_TRIM": "MALLOC_TRIM",  # « non » or 0 turns it off
}


def build(test_config: dict | None = None) -> dict:
    config = dict(DEFAULTS)
    for env_name, key in ENVIRONMENT.items():
        if os.environ.get(env_name):
            config[key] = os.environ[env_name]
    config.update(test_config or {})
    # Rate limits count for real, except while testing (a test turns them on when it checks them).
    config.setdefault("RATELIMIT_ENABLED", not config.get("TESTING", False))
    config["DATA_DIR"] = str(Path(config["DATA_DIR"]).resolve())
    return config


MIN_SECRET_KEY_LENGTH = 32  # characters; a shorter (or empty) file is a failed first write


def secret_key(data_dir: Path) -> str:
    """A random key made on first run and kept in the data folder (mode 600).

    The key is written whole to a temporary file, fsynced, then linked into place, so a
    full disk or a crash never leaves an empty ``secret_key`` behind (an empty key made every
    page with a session fail until someone deleted the file). A file that is nevertheless
    empty or too short is treated as absent and replaced.
    """
    from .storage.atomic import atomic_write_bytes  # storage needs no configuration
    from .storage.locks import file_lock

    path = Path(data_dir) / "secret_key"
    key = _read_key(path)
    if key:
        return key
    with file_lock(Path(data_dir) / ".secret_key.lock"):
        key = _read_key(path)  # another process may have made it meanwhile
        if key:
            return key
        key = secrets.token_hex(32)
        atomic_write_bytes(path, key.encode("ascii"))  # mkstemp: mode 600
        return key


def _read_key(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        return None
    return key if len(key) >= MIN_SECRET_KEY_LENGTH else None
