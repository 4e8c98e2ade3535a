"""Shared fixtures, as in the Flask tutorial: an app on a fresh data folder, its
client, and a real server process for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey import config, create_app
from survey.services import Services
from survey.services.demo import load_demo
from tests.storage_switch import (  # noqa: F401  (fixtures and hook: SURVEY_TEST_STORAGE=postgresql)
    opened_services,
    postgres_server,
    pytest_collection_modifyitems,
    server_environment,
    storage_module,
    storage_session,
    storage_test,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    load_demo(app.extensions["survey"])
    return app


def services_of(data_dir) -> Services:
    """The services over a data folder as another process opens them (the CLI, a second
    server): its files, or on PostgreSQL the database the test storage gives that folder
    (``storage_switch.py``). Read what a running server stored through these, not its files."""
    opened = opened_services()
    key = str(Path(data_dir).resolve())
    if opened is not None and key in opened:
        return opened[key]
    services = Services.open(config.build({"DATA_DIR": str(data_dir)}))
    if opened is not None:
        opened[key] = services
    return services


def stored_answers(data_dir, campaign: str) -> list[dict]:
    """Every answer of ``campaign`` stored for this data folder, read afresh, on either storage."""
    return list(services_of(data_dir).answers.iter_answers(campaign))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def services(app):
    return app.extensions["survey"]


@pytest.fixture
def runner() -> CliRunner:
    """Runs the ``survey`` command (``survey.cli.main``) in the test's process. A plain click
    runner: the command is a click group, not Flask's ``app.cli``, so ``app.test_cli_runner()``
    does not apply."""
    return CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``survey serve`` in a real process, on loopback."""

    scheme = "http"
    serve_flags: tuple[str, ...] = ()

    def __init__(self, data_dir: Path, *extra: str):
        self.port = free_port()
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.extra = extra
        self.start()

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "survey",
            "serve",
            *self.serve_flags,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data",
            str(self.data_dir),
            *self.extra,
        ]

    def start(self) -> None:
        """Start (or start again, same port and data) and wait until it answers."""
        env = dict(os.environ, PYTHONUNBUFFERED="1", **server_environment(self.data_dir, self.extra))
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT, text=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server stopped: " + self.process.stdout.read())
            try:
                self.get("/").read()
                return
            except OSError:  # not listening yet (ssl.SSLError is an OSError too)
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start")

    def get(self, path: str):
        return urllib.request.urlopen(self.url + path, timeout=10)

    def stop(self) -> str:
        self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return out or ""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live") / "data", "--demo")
    yield server
    server.stop()
