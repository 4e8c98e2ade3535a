"""The coordinator composes, previews, publishes and unpublishes a restitution; the public page
exists only while published; another structure's coordinator reaches none of it."""

from __future__ import annotations

import io
import zipfile

import pytest

from survey.services import restitution as restitutions
from tests.coord_world import CAMPAIGN_A, add_second_structure, make_world

CONSENTED = "Le guichet de la CAF devrait rouvrir le mardi."
REFUSED = "Ceci ne doit sortir nulle part, je refuse."
NOT_CHOSEN = "Une parole qui peut être citée mais que personne ne choisit."
BASE = f"/coordination/campagnes/{CAMPAIGN_A}/restitution"


@pytest.fixture
def world(data_dir):
    world = make_world(data_dir)
    card = {"channel": "porteur-de-parole"}
    world.extra["ok"] = world.add(
        CAMPAIGN_A, answers={"simplifie": CONSENTED}, consent_display=True, consent_report=True, **card
    )["id"]
    world.extra["refused"] = world.add(
        CAMPAIGN_A, answers={"simplifie": REFUSED}, consent_display=True, consent_report=False, **card
    )["id"]
    world.add(CAMPAIGN_A, answers={"complique": NOT_CHOSEN})
    return world


def key(world, name: str, question: str = "simplifie") -> str:
    return f"{CAMPAIGN_A}/{world.extra[name]}/{question}"


def compose(client, world, quotes=None, **extra):
    data = {
        "title": "Ce que vous nous avez dit du numérique",
        "quotes": quotes if quotes is not None else [key(world, "ok")],
        "retained": "Les démarches en ligne inquiètent.",
        "next_steps": "Réunion publique le 12 mars au centre social.",
        "figures": "1",
        **extra,
    }
    return client.post(BASE, data=data)


def slug_of(world) -> str:
    stored = restitutions.repository(world.svc).get(f"campagne-{CAMPAIGN_A}")
    return stored.slug


def test_compose_offers_only_quotes_that_may_be_reused(world):
    page = world.client("coordination").get(BASE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert CONSENTED in text and NOT_CHOSEN in text
    assert REFUSED not in text


def test_compose_preview_publish_unpublish(world):
    coordinator = world.client("coordination")
    saved = compose(coordinator, world)
    assert saved.status_code == 303
    slug = slug_of(world)
    public = world.app.test_client()
    assert public.get(f"/restitution/{slug}").status_code == 404  # composed, not published

    preview = coordinator.get(f"{BASE}/apercu")
    assert preview.status_code == 200
    shown = preview.get_data(as_text=True)
    assert "Aperçu" in shown and CONSENTED in shown and "Réunion publique le 12 mars" in shown
    assert NOT_CHOSEN not in shown and REFUSED not in shown

    assert coordinator.post(f"{BASE}/publier", data={"publier": "1"}).status_code == 303
    opened = public.get(f"/restitution/{slug}")
    assert opened.status_code == 200
    html = opened.get_data(as_text=True)
    assert CONSENTED in html and "Ce que nous en retenons" in html and "Et maintenant ?" in html
    assert "Aperçu" not in html
    assert REFUSED not in html and NOT_CHOSEN not in html and "Texte-secret" not in html

    assert coordinator.post(f"{BASE}/publier", data={"publier": "0"}).status_code == 303
    assert public.get(f"/restitution/{slug}").status_code == 404
    assert coordinator.get(f"{BASE}/copie.zip").status_code == 409


def test_a_change_after_publishing_shows_at_once(world):
    coordinator = world.client("coordination")
    compose(coordinator, world)
    coordinator.post(f"{BASE}/publier", data={"publier": "1"})
    public = world.app.test_client()
    slug = slug_of(world)
    assert CONSENTED in public.get(f"/restitution/{slug}").get_data(as_text=True)  # now kept in memory
    compose(coordinator, world, quotes=[], next_steps="La réunion est reportée au 2 avril.")
    html = public.get(f"/restitution/{slug}").get_data(as_text=True)
    assert CONSENTED not in html and "reportée au 2 avril" in html


def test_a_posted_quote_without_reuse_consent_is_refused(world):
    coordinator = world.client("coordination")
    refused = compose(coordinator, world, quotes=[key(world, "ok"), key(world, "refused")])
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "pas accepté qu" in page and REFUSED not in page
    assert restitutions.repository(world.svc).get(f"campagne-{CAMPAIGN_A}") is None  # nothing saved


def test_static_copy_download_holds_the_page_and_its_stylesheet(world):
    coordinator = world.client("coordination")
    compose(coordinator, world)
    coordinator.post(f"{BASE}/publier", data={"publier": "1"})
    response = coordinator.get(f"{BASE}/copie.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    folder = f"restitution-{slug_of(world)}"
    assert names == [f"{folder}/index.html", f"{folder}/restitution.css"]
    index = archive.read(f"{folder}/index.html").decode("utf-8")
    assert CONSENTED in index and REFUSED not in index
    assert 'href="restitution.css"' in index and "/static/" not in index and "http" not in index


def test_another_structures_coordinator_reaches_none_of_it(world):
    add_second_structure(world)
    coordinator = world.client("coordination")
    compose(coordinator, world)
    coordinator.post(f"{BASE}/publier", data={"publier": "1"})
    other = world.client("coordination_nord")
    assert other.get(BASE).status_code == 404
    assert compose(other, world).status_code == 404
    assert other.get(f"{BASE}/apercu").status_code == 404
    assert other.post(f"{BASE}/publier", data={"publier": "0"}).status_code == 404
    assert other.get(f"{BASE}/copie.zip").status_code == 404
    assert other.get(f"{BASE}/affiche.pdf").status_code == 404
    assert world.app.test_client().get(f"/restitution/{slug_of(world)}").status_code == 200  # still published


def test_signed_out_visitors_are_sent_to_sign_in(world):
    anonymous = world.app.test_client()
    assert anonymous.get(BASE).status_code in (302, 303)
    assert anonymous.post(f"{BASE}/publier", data={"publier": "1"}).status_code in (302, 303)


def test_an_unknown_address_is_the_french_404(world):
    response = world.app.test_client().get("/restitution/nulle-part-abcd")
    assert response.status_code == 404
    assert "pas publiée" in response.get_data(as_text=True)


DEMARCHE = "/coordination/demarches/parlons-numerique/restitution"


def test_a_demarche_restitution_shows_its_figures_with_their_rules_and_quotes_of_its_campaigns(world):
    coordinator = world.client("coordination")
    form = coordinator.get(DEMARCHE)
    assert form.status_code == 200
    assert CONSENTED in form.get_data(as_text=True)  # a quote of one of its campaigns
    saved = coordinator.post(
        DEMARCHE,
        data={"title": "Parlons numérique : ce que vous avez dit", "quotes": [key(world, "ok")], "figures": "1"},
    )
    assert saved.status_code == 303
    refused = coordinator.post(DEMARCHE, data={"title": "x", "quotes": [key(world, "refused")], "figures": "1"})
    assert refused.status_code == 400
    assert coordinator.post(f"{DEMARCHE}/publier", data={"publier": "1"}).status_code == 303
    stored = restitutions.repository(world.svc).get("demarche-parlons-numerique")
    html = world.app.test_client().get(f"/restitution/{stored.slug}").get_data(as_text=True)
    assert "personnes rencontrées" in html and "Comment ces chiffres sont comptés" in html
    assert "Personne n&#39;est compté deux fois" in html  # the rule of people met, from the démarche
    assert CONSENTED in html and REFUSED not in html


def test_another_structures_coordinator_reaches_no_demarche_restitution(world):
    add_second_structure(world)
    coordinator = world.client("coordination")
    coordinator.post(DEMARCHE, data={"title": "Parlons numérique", "figures": "1"})
    other = world.client("coordination_nord")
    assert other.get(DEMARCHE).status_code == 404
    assert other.get(f"{DEMARCHE}/apercu").status_code == 404
    assert other.post(f"{DEMARCHE}/publier", data={"publier": "1"}).status_code == 404
    assert restitutions.repository(world.svc).get("demarche-parlons-numerique").published is False


def test_a_chosen_drawing_is_served_only_while_published_and_no_other(world):
    from tests.services.test_restitution import add_drawing

    agreed = add_drawing(world.svc, "Le centre social ouvert le soir", consent_display=True, consent_report=True)
    refused = add_drawing(world.svc, "Pas pour le public", consent_display=False, consent_report=True)
    coordinator = world.client("coordination")
    form = coordinator.get(BASE).get_data(as_text=True)
    assert f'name="drawings" value="{agreed}"' in form
    assert f'name="drawings" value="{refused}"' not in form  # its words may be quoted, the drawing not shown
    assert compose(coordinator, world, drawings=[agreed, refused]).status_code == 400
    assert compose(coordinator, world, drawings=[agreed]).status_code == 303
    coordinator.post(f"{BASE}/publier", data={"publier": "1"})
    public = world.app.test_client()
    slug = slug_of(world)
    html = public.get(f"/restitution/{slug}").get_data(as_text=True)
    name = agreed.split("/")[1] + "-plaisir.png"
    assert f"/restitution/{slug}/dessins/{name}" in html
    served = public.get(f"/restitution/{slug}/dessins/{name}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert public.get(f"/restitution/{slug}/dessins/{refused.split('/')[1]}-plaisir.png").status_code == 404
    coordinator.post(f"{BASE}/publier", data={"publier": "0"})
    assert public.get(f"/restitution/{slug}/dessins/{name}").status_code == 404
