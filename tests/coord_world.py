"""A small world for the coordinator-space tests: two campaigns with answers, a
coordinator account, a volunteer code per campaign, and clients in each role."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from survey import create_app
from survey.services import volunteers
from survey.services.demo import load_demo
from survey.storage.repositories.accounts import ACCOUNTS, SIGN_INS
from tests.factories import make_answer

CAMPAIGN_A = "porteur-de-parole-numerique"  # free text only
CAMPAIGN_B = "besoins-numeriques-habitants"  # choices, yes/no, scale, text
SECRET_A = "Texte-secret-de-la-campagne-A"
SECRET_B = "Texte-secret-de-la-campagne-B"
COORDINATOR = "camille"
ROLES = ("anonyme", "benevole_a", "benevole_b", "coordination")


@dataclass
class World:
    app: object
    answer_a: str = ""
    answer_b: str = ""
    code_a: str = ""
    code_b: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def svc(self):
        return self.app.extensions["survey"]

    def fill(self, template: str) -> str:
        return template.format(
            A=CAMPAIGN_A,
            B=CAMPAIGN_B,
            aid=self.answer_a,
            bid=self.answer_b,
            code_a=self.code_a,
            code_b=self.code_b,
            **self.extra,
        )

    def client(self, role: str):
        """A test client in ``role``: coordinator through the session, volunteers through their link."""
        client = self.app.test_client()
        if role == "coordination":
            sid = f"session-de-test-{uuid.uuid4().hex}"
            self.svc.records.add(SIGN_INS, {"id": sid, "account": COORDINATOR, "expires": time.time() + 3600})
            with client.session_transaction() as session:
                session["coordinator"] = COORDINATOR
                session["coordinator_session"] = sid
        elif role in ("benevole_a", "benevole_b"):
            code = self.code_a if role == "benevole_a" else self.code_b
            response = client.get(f"/benevole/{code}")
            assert response.status_code == 303, response.data[:300]
        return client

    def add(self, campaign: str, **overrides) -> dict:
        answer = make_answer(campaign, campaign, **overrides)
        self.svc.answers.add(answer)
        return answer


def add_account(app, name: str = COORDINATOR, password: str = "un-mot-de-passe-long") -> None:
    """A coordinator account with a cheap hash (tests only: scrypt costs ~90 ms)."""
    app.extensions["survey"].records.add(
        ACCOUNTS,
        {
            "id": name,
            "name": name,
            "role": "coordinator",
            "created_at": "2026-01-01T00:00:00Z",
            "password_hash": generate_password_hash(password, method="pbkdf2:sha256:1000"),
        },
    )


def make_world(data_dir, **config) -> World:
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, **config}
    )
    svc = app.extensions["survey"]
    load_demo(svc)
    add_account(app)
    world = World(app)
    world.answer_a = world.add(CAMPAIGN_A, answers={"simplifie": SECRET_A})["id"]
    world.answer_b = world.add(CAMPAIGN_B, answers={"internet": "oui", "autre": SECRET_B})["id"]
    world.code_a = volunteers.create(svc, CAMPAIGN_A, "Alice", by=COORDINATOR)["id"]
    world.code_b = volunteers.create(svc, CAMPAIGN_B, "Bruno", by=COORDINATOR)["id"]
    return world
