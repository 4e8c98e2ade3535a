"""The collections ``accounts`` (coordinator accounts) and ``coordinator_sessions`` (one
record per signed-in device: signing out deletes it, so a copied cookie stops working)."""

from __future__ import annotations

from typing import Callable

from ..interfaces import RecordCollections

ACCOUNTS = "accounts"
SIGN_INS = "coordinator_sessions"


class AccountRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def add(self, account: dict) -> bool:
        """Insert an account whose name (its ``id``) is new; False if the name is taken."""
        return self.records.add(ACCOUNTS, account)

    def get(self, name: str) -> dict | None:
        return self.records.get(ACCOUNTS, name)

    def all(self) -> list[dict]:
        """Every account (the network's page lists each structure's coordinators)."""
        return self.records.all(ACCOUNTS)

    def any(self) -> bool:
        """Whether at least one account exists (else the first-run page)."""
        return bool(self.records.all(ACCOUNTS))


class SignInRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def add(self, sign_in: dict) -> bool:
        return self.records.add(SIGN_INS, sign_in)

    def get(self, sign_in_id: str) -> dict | None:
        return self.records.get(SIGN_INS, sign_in_id)

    def all(self) -> list[dict]:
        return self.records.all(SIGN_INS)

    def delete(self, sign_in_id: str) -> bool:
        return self.records.delete(SIGN_INS, sign_in_id)

    def delete_where(self, test: Callable[[dict], bool]) -> int:
        """Delete every sign-in for which ``test`` is true, in one operation; how many."""
        return self.records.delete_where(SIGN_INS, test)
