"""Configuration in one place: defaults, then the environment, then the caller's."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "DATA_DIR": "data",
    "QUESTIONNAIRES_DIR": str(PROJECT_ROOT / "questionnaires"),
    # Public base URL printed in QR codes; None = the address the request came in on.
    "PUBLIC_BASE_URL": None,
    "MAX_TEXT_LENGTH": 5000,           # characters in one free-text answer
    "MAX_CONTENT_LENGTH": 512 * 1024,  # bytes in one request (answers are small)
    # The web server's own ceiling: routes that take files (board photos, XLSForm
    # uploads) raise Flask's limit for themselves, up to this.
    "MAX_UPLOAD_LENGTH": 16 * 1024 * 1024,
    "ANSWER_CHUNK_SIZE": 100,
    # A tablet may keep a form open all day: a token that expires would lose answers.
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_I18N_ENABLED": False,         # WTForms' own French messages are used instead
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "TIMEZONE": "Europe/Paris",
    # Served over HTTPS (e.g. behind a reverse proxy): session cookies get the Secure flag.
    # Off by default: on a plain-HTTP local network a Secure cookie would never come back.
    "HTTPS": False,
    "PUBLIC_RATE_LIMIT": "30 per minute",         # answer-form sends per client address
    "VOLUNTEER_CODE_RATE_LIMIT": "10 per minute",  # volunteer code tries per client address
}

# Environment variables that may set a value (the name, then the key).
ENVIRONMENT = {
    "SURVEY_DATA": "DATA_DIR",
    "SURVEY_QUESTIONNAIRES": "QUESTIONNAIRES_DIR",
    "SURVEY_PUBLIC_URL": "PUBLIC_BASE_URL",
    "SURVEY_HTTPS": "HTTPS",
    "SURVEY_PUBLIC_RATE_LIMIT": "PUBLIC_RATE_LIMIT",
}


def build(test_config: dict | None = None) -> dict:
    config = dict(DEFAULTS)
    for env_name, key in ENVIRONMENT.items():
        if os.environ.get(env_name):
            config[key] = os.environ[env_name]
    config.update(test_config or {})
    config["DATA_DIR"] = str(Path(config["DATA_DIR"]).resolve())
    return config


def secret_key(data_dir: Path) -> str:
    """A random key made on first run and kept in the data folder (mode 600)."""
    path = Path(data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key
