"""The network coordinator's pages (``/coordination/structures/``): structures with their
campaigns and answer counts, a new structure, a coordinator account for it; closed to a
structure's coordinator; the first account of an installation coordinates the network; and
``survey coordinator add --structure / --reseau``."""

from __future__ import annotations

import html
import re

from survey.cli import main
from survey.model.structure import DEFAULT_ID, ROLE_COORDINATOR, ROLE_NETWORK
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_C, STRUCTURE_2, add_second_structure, make_world
from tests.factories import make_answer

NETWORK, COORD, COORD_2 = "reseau", "coordination", "coordination_nord"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_the_network_sees_every_structure_with_its_campaigns_and_counts(tmp_path):
    world = add_second_structure(make_world(tmp_path / "data"))
    world.add(CAMPAIGN_C)  # a second answer in the second structure
    page = text(world.client(NETWORK).get("/coordination/structures/"))
    nord = page.split('id="structure-centre-nord"')[1].split("</section>")[0]
    assert "Centre social du Nord" in nord and "Paroles du Nord" in nord
    assert "2 réponses" in nord and "dominique" in nord
    default = page.split(f'id="structure-{DEFAULT_ID}"')[1].split("</section>")[0]
    assert "Paroles du Nord" not in default and "camille" in default
    total = sum(world.svc.answers.count(c.id) for c in world.svc.campaigns.all())
    assert f"{total} réponses" in page and "Coordination du réseau : reseau-ville" in page
    assert "Structures du réseau" in text(world.client(NETWORK).get("/coordination/"))


def test_a_structures_coordinator_cannot_reach_the_network_pages(tmp_path):
    world = add_second_structure(make_world(tmp_path / "data"))
    for role in (COORD, COORD_2):
        client = world.client(role)
        assert "Structures du réseau" not in text(client.get("/coordination/"))
        for method, url, data in (
            ("GET", "/coordination/structures/", None),
            ("POST", "/coordination/structures/", {"identifiant": "intrus", "nom": "Intrus"}),
            ("GET", f"/coordination/structures/{STRUCTURE_2}/comptes", None),
            (
                "POST",
                f"/coordination/structures/{DEFAULT_ID}/comptes",
                {
                    "nom": "intrus",
                    "mot_de_passe": "un-mot-de-passe-long",
                    "confirmation": "un-mot-de-passe-long",
                    "role": ROLE_NETWORK,
                },
            ),
        ):
            response = client.open(url, method=method, data=data)
            assert response.status_code == 403, (role, method, url)
            assert "réservée à la coordination du réseau" in text(response)
    assert world.svc.structures.get("intrus") is None and world.svc.accounts.get("intrus") is None


def test_the_network_creates_a_structure_then_its_coordinator_who_sees_only_it(tmp_path):
    world = add_second_structure(make_world(tmp_path / "data", WTF_CSRF_ENABLED=True))
    network = world.client(NETWORK)
    form = {"identifiant": "mediatheque", "nom": "Médiathèque Jules-Verne", "contact": "rgpd@mediatheque.example"}
    refused = network.post("/coordination/structures/", data=form)  # no CSRF token
    assert refused.status_code == 400 and world.svc.structures.get("mediatheque") is None
    token = csrf(network, "/coordination/structures/")
    made = network.post("/coordination/structures/", data={**form, "csrf_token": token})
    assert made.status_code == 303 and made.headers["Location"].endswith("/coordination/structures/mediatheque/comptes")
    structure = world.svc.structures.get("mediatheque")
    assert (structure.name, structure.contact) == ("Médiathèque Jules-Verne", "rgpd@mediatheque.example")
    again = network.post("/coordination/structures/", data={**form, "csrf_token": token})
    assert again.status_code == 422 and "déjà pris" in text(again)
    bad = network.post("/coordination/structures/", data={"identifiant": "Pas Bon", "nom": "", "csrf_token": token})
    assert bad.status_code == 422 and "minuscules" in text(bad) and "Donnez le nom" in text(bad)

    url = "/coordination/structures/mediatheque/comptes"
    page = text(network.get(url))
    assert "Pour Médiathèque Jules-Verne" in page and 'for="mot_de_passe"' in page
    account = {
        "nom": "Lou",
        "mot_de_passe": "un-mot-de-passe-long",
        "confirmation": "un-mot-de-passe-long",
        "csrf_token": token,
    }
    mismatch = network.post(url, data={**account, "confirmation": "autre-mot-de-passe"})
    assert mismatch.status_code == 422 and "pas identiques" in text(mismatch)
    short = network.post(url, data={**account, "mot_de_passe": "court", "confirmation": "court"})
    assert short.status_code == 422 and "au moins 10" in text(short)
    created = network.post(url, data=account)
    assert created.status_code == 303
    record = world.svc.accounts.get("lou")
    assert (record["structure_id"], record["role"]) == ("mediatheque", ROLE_COORDINATOR)
    assert network.post(url, data=account).status_code == 422  # the name is taken
    assert network.get("/coordination/structures/inconnue/comptes").status_code == 404

    lou = world.app.test_client()
    login = lou.post(
        "/connexion", data={"nom": "lou", "mot_de_passe": "un-mot-de-passe-long", "csrf_token": csrf(lou, "/connexion")}
    )
    assert login.status_code == 303
    home = text(lou.get("/coordination/"))
    assert "Médiathèque Jules-Verne" in home and "Aucune campagne pour l'instant" in home
    assert lou.get(f"/coordination/campagnes/{CAMPAIGN_C}/").status_code == 404
    for reader in (network, lou):  # the network, and the new structure, read how it was made
        journal = text(reader.get("/coordination/journal"))
        assert "structure mediatheque : Médiathèque Jules-Verne" in journal and "compte lou" in journal
    other = text(world.client(COORD).get("/coordination/journal"))
    assert "mediatheque" not in other and "compte lou" not in other


def test_a_second_network_account_made_on_the_page_sees_all(tmp_path):
    world = add_second_structure(make_world(tmp_path / "data"))
    response = world.client(NETWORK).post(
        f"/coordination/structures/{STRUCTURE_2}/comptes",
        data={
            "nom": "sam",
            "mot_de_passe": "un-mot-de-passe-long",
            "confirmation": "un-mot-de-passe-long",
            "role": ROLE_NETWORK,
        },
    )
    assert response.status_code == 303
    assert world.svc.accounts.get("sam")["role"] == ROLE_NETWORK


def test_the_first_account_coordinates_the_network(tmp_path):
    from survey import create_app

    app = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False}
    )
    client = app.test_client()
    assert "Premier démarrage" in text(client.get("/premier-demarrage"))
    response = client.post(
        "/premier-demarrage",
        data={"nom": "alex", "mot_de_passe": "un-mot-de-passe-long", "confirmation": "un-mot-de-passe-long"},
    )
    assert response.status_code == 303
    record = app.extensions["survey"].accounts.get("alex")
    assert (record["role"], record["structure_id"]) == (ROLE_NETWORK, DEFAULT_ID)
    assert client.get("/coordination/structures/").status_code == 200
    assert client.get("/premier-demarrage").status_code == 404


def test_cli_coordinator_add_with_a_structure_or_the_network(runner, tmp_path):
    data = str(tmp_path / "data")
    base = ["coordinator", "add", "--password", "un-mot-de-passe-long", "--data", data]
    unknown = runner.invoke(main, [*base, "dominique", "--structure", "nord"])
    assert unknown.exit_code == 1 and "La structure « nord » n'existe pas" in unknown.output
    from survey import create_app
    from survey.services import structures

    svc = create_app({"DATA_DIR": data}).extensions["survey"]
    structures.create_structure(svc, "nord", "Centre social du Nord")
    made = runner.invoke(main, [*base, "dominique", "--structure", "nord"])
    assert made.exit_code == 0, made.output
    assert "coordination de la structure « nord »" in made.output
    network = runner.invoke(main, [*base, "alex", "--reseau"])
    assert network.exit_code == 0 and "coordination du réseau" in network.output
    plain = runner.invoke(main, [*base, "camille"])
    assert plain.exit_code == 0
    accounts = {name: svc.accounts.get(name) for name in ("dominique", "alex", "camille")}
    assert {n: (a["structure_id"], a["role"]) for n, a in accounts.items()} == {
        "dominique": ("nord", ROLE_COORDINATOR),
        "alex": (DEFAULT_ID, ROLE_NETWORK),
        "camille": (DEFAULT_ID, ROLE_COORDINATOR),
    }


def upload_token(client, campaign_id: str) -> str:
    """The token « Recevoir une campagne » shows once."""
    page = text(client.post("/coordination/recevoir", data={"campagne": campaign_id}))
    return re.search(r'<p class="code-text long-link">([^<]+)</p>', page).group(1)


def test_a_campaign_handed_over_belongs_to_the_token_makers_structure(tmp_path):
    """The token made by the second structure's coordinator brings the laptop's campaign into
    that structure (whatever the laptop's record says); a token for an id another structure
    took afterwards sends nothing into that structure's campaign."""
    world = add_second_structure(make_world(tmp_path / "data"))
    dominique = world.client(COORD_2)
    bearer = {"Authorization": f"Bearer {upload_token(dominique, 'fete-du-nord')}"}
    laptop_record = world.svc.campaigns.get(CAMPAIGN_C).to_record()
    laptop_record.update(id="fete-du-nord", title="Fête du Nord", structure_id=DEFAULT_ID)  # the laptop's own
    api = world.app.test_client()
    response = api.put("/api/remise/fete-du-nord/campagne", json=laptop_record, headers=bearer)
    assert response.status_code == 200, response.get_json()
    assert world.svc.campaigns.get("fete-du-nord").structure_id == STRUCTURE_2
    assert world.client(COORD).get("/coordination/campagnes/fete-du-nord/").status_code == 404
    assert world.client(COORD_2).get("/coordination/campagnes/fete-du-nord/").status_code == 200
    # Camille cannot make a token for that id, nor see Dominique's token.
    refused = world.client(COORD).post("/coordination/recevoir", data={"campagne": "fete-du-nord"})
    assert refused.status_code == 422 and "déjà pris" in text(refused)
    assert "fete-du-nord" not in text(world.client(COORD).get("/coordination/recevoir"))
    token_id = next(t["id"] for t in world.svc.records.all("upload_tokens") if t["campaign"] == "fete-du-nord")
    world.client(COORD).post(f"/coordination/recevoir/{token_id}/retirer")
    assert api.get("/api/remise/fete-du-nord/bilan", headers=bearer).status_code == 200  # still alive
    # A token made by Camille for an id free then, taken by the second structure before the send.
    late = upload_token(world.client(COORD), "pris-entre-temps")
    taken = world.svc.campaigns.get(CAMPAIGN_C)
    taken.id, taken.short_code = "pris-entre-temps", ""
    world.svc.campaigns.save(taken)
    answer = {"reponses": [dict(make_answer("pris-entre-temps", CAMPAIGN_A))]}
    response = api.post(
        "/api/remise/pris-entre-temps/reponses", json=answer, headers={"Authorization": f"Bearer {late}"}
    )
    assert response.status_code == 403 and "autre structure" in response.get_json()["message"]
    assert world.svc.answers.count("pris-entre-temps") == 0
