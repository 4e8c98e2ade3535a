"""A small world for the coordinator-space tests: two campaigns with answers, a
coordinator account, a volunteer code per campaign, and clients in each role.

``add_second_structure`` grows it to a shared instance (issue 15 §3): a second structure with
its own campaign, answer, volunteer code and coordinator, and a network coordinator."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from survey import create_app
from survey.model.structure import DEFAULT_ID, ROLE_COORDINATOR, ROLE_NETWORK, Structure
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
# The shared instance: CAMPAIGN_A and CAMPAIGN_B are the default structure's (camille's),
# CAMPAIGN_C the second structure's (dominique's); the network coordinator sees all.
STRUCTURE_2 = "centre-nord"
CAMPAIGN_C = "paroles-du-nord"
SECRET_C = "Texte-secret-de-la-structure-Nord"
COORDINATOR_2 = "dominique"
NETWORK = "reseau-ville"
ACCOUNT_OF = {"coordination": COORDINATOR, "coordination_nord": COORDINATOR_2, "reseau": NETWORK}


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
            C=CAMPAIGN_C,
            **self.extra,
        )

    def client(self, role: str):
        """A test client in ``role``: coordinator through the session, volunteers through their link."""
        client = self.app.test_client()
        if role in ACCOUNT_OF:
            sid = f"session-de-test-{uuid.uuid4().hex}"
            self.svc.records.add(SIGN_INS, {"id": sid, "account": ACCOUNT_OF[role], "expires": time.time() + 3600})
            with client.session_transaction() as session:
                session["coordinator"] = ACCOUNT_OF[role]
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


def add_account(
    app, name: str = COORDINATOR, password: str = "un-mot-de-passe-long", structure_id: str = "", role: str = ""
) -> None:
    """A coordinator account with a cheap hash (tests only: scrypt costs ~90 ms); without
    ``structure_id`` and ``role``, as stored before structures existed (the default structure's)."""
    record = {
        "id": name,
        "name": name,
        "role": role or ROLE_COORDINATOR,
        "created_at": "2026-01-01T00:00:00Z",
        "password_hash": generate_password_hash(password, method="pbkdf2:sha256:1000"),
    }
    if structure_id:
        record["structure_id"] = structure_id
    app.extensions["survey"].records.add(ACCOUNTS, record)


def add_second_structure(world: World) -> World:
    """A second structure, its campaign (CAMPAIGN_A's questionnaire) with one answer and a
    volunteer code, its coordinator, and a network coordinator."""
    svc = world.svc
    svc.structures.add(Structure(STRUCTURE_2, "Centre social du Nord"))
    campaign = svc.campaigns.get(CAMPAIGN_A)
    campaign.id, campaign.title, campaign.short_code = CAMPAIGN_C, "Paroles du Nord", ""
    campaign.structure_id = STRUCTURE_2
    svc.campaigns.save(campaign)
    answer = make_answer(CAMPAIGN_C, CAMPAIGN_A, answers={"simplifie": SECRET_C})
    svc.answers.add(answer)
    add_account(world.app, COORDINATOR_2, structure_id=STRUCTURE_2)
    add_account(world.app, NETWORK, structure_id=DEFAULT_ID, role=ROLE_NETWORK)
    world.extra.update(cid=answer["id"], code_c=volunteers.create(svc, CAMPAIGN_C, "Chloé", by=COORDINATOR_2)["id"])
    return world


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
