"""A real PostgreSQL for the storage tests that run on both storages (postgres_server.py)."""

from __future__ import annotations

import pytest

from tests.storage.postgres_server import PostgresServer, require_postgres


@pytest.fixture(scope="session")
def postgres_server():
    require_postgres()
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_url(postgres_server) -> str:
    """An empty database of its own for each test module."""
    return postgres_server.new_database()
