"""A database per module for the storage tests that run on both storages (postgres_server.py)."""

from __future__ import annotations

import pytest

# ``postgres_server`` (the session's cluster) comes from tests/conftest.py (tests/storage_switch.py).


@pytest.fixture(scope="module")
def postgres_url(postgres_server) -> str:
    """An empty database of its own for each test module."""
    return postgres_server.new_database()


@pytest.fixture
def url(postgres_server) -> str:
    """An empty database of its own for one test (two servers on it, a pool of one…)."""
    return postgres_server.new_database()
