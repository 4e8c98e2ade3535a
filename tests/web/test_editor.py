"""The questionnaire editor: build a questionnaire in the browser (no JavaScript), version it
safely once answers exist, share it as YAML or XLSForm, refuse bad uploads in French."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid

import openpyxl
import pytest
import yaml
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.exports import Export, ExportOptions
from survey.formats.xlsform import MAX_UPLOAD, import_xlsform
from survey.formats.yaml_files import load_file, parse_text
from survey.model.campaign import Campaign
from survey.services.snapshots import snapshots
from survey.storage.repositories.versions import COLLECTION
from tests.factories import login_coordinator

BASE = "/coordination/questionnaires"
BESOINS = "besoins-numeriques-habitants"


@pytest.fixture
def coordinator(client, app):
    login_coordinator(client, app)
    return client


def draft_url(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    match = re.search(r"/brouillons/([0-9a-f]{32})/", response.headers["Location"])
    assert match, response.headers["Location"]
    return f"{BASE}/brouillons/{match.group(1)}/"


def text(response) -> str:
    """The page as a person reads it (entities decoded: « l'identifiant », not « l&#39;identifiant »)."""
    return html.unescape(response.get_data(as_text=True))


def edit_question(client, url, number, **fields):
    data = {"action": "enregistrer", **fields}
    return client.post(f"{url}questions/{number}", data=data)


def answer_form(client, campaign_id, answers: dict):
    page = client.get(f"/c/{campaign_id}/")
    assert page.status_code == 200, text(page)[:300]
    data = {"answer_id": str(uuid.uuid4()), "started_at": "2026-03-01T10:00:00Z", "action": "envoyer", **answers}
    return client.post(f"/c/{campaign_id}/", data=data)


# --------------------------------------------------------------------------- access


def test_the_editor_is_for_coordinators_only(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert client.post(f"{BASE}/nouveau", data={"titre": "x"}).status_code == 302


def test_the_coordinator_home_links_to_the_questionnaires(coordinator):
    home = text(coordinator.get("/coordination/"))
    assert f'href="{BASE}/"' in home and ">Questionnaires<" in home


# --------------------------------------------------------------------------- build one from scratch


def test_build_a_questionnaire_in_the_browser_and_answer_it(coordinator, services, data_dir):
    url = draft_url(coordinator.post(f"{BASE}/nouveau", data={"titre": "Le quartier et vous"}))
    page = text(coordinator.get(url))
    assert "Brouillon : Le quartier et vous" in page and 'value="le-quartier-et-vous"' in page
    response = coordinator.post(
        f"{url}presentation",
        data={
            "title": "Le quartier et vous",
            "id": "quartier-et-vous",
            "intro": "Trois minutes, pas plus.",
            "purpose": "Mieux vous aider.",
            "consent": "Vos réponses sont anonymes.",
        },
    )
    assert response.status_code == 303

    # One question of each type, added then set up on its own page.
    kinds = [
        ("note", "Merci de répondre !"),
        ("short_text", "Votre rue ?"),
        ("long_text", "Racontez-nous"),
        ("single_choice", "Vous venez souvent ?"),
        ("multiple_choice", "Pour quoi faire ?"),
        ("yes_no", "Avez-vous internet ?"),
        ("scale", "À l'aise avec l'ordinateur ?"),
        ("number", "Combien de personnes chez vous ?"),
    ]
    for number, (kind, label) in enumerate(kinds, 1):
        response = coordinator.post(f"{url}questions", data={"type": kind, "label": label})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/questions/{number}")
        page = text(coordinator.get(response.headers["Location"]))
        assert f"Question {number} sur {number}" in page
    # A choice question without choices is pointed out, next to it, in the editor's words.
    page = text(coordinator.get(url))
    assert "ajoutez au moins un choix à cette question" in page
    assert re.search(r'id="question-4".*?ajoutez au moins un choix', page, re.S)

    edit_question(
        coordinator,
        url,
        4,
        type="single_choice",
        label="Vous venez souvent ?",
        id="souvent",
        required="1",
        choix_libelle=["Chaque semaine", "Parfois", ""],
        choix_valeur=["", "", ""],
    )
    # Choices: add, reorder (down/up buttons), remove, each a plain submit button.
    response = coordinator.post(
        f"{url}questions/5",
        data={
            "type": "multiple_choice",
            "label": "Pour quoi faire ?",
            "id": "usages",
            "choix_libelle": ["Les courriels", "La CAF", "Jouer"],
            "choix_valeur": ["", "caf", ""],
            "other": "1",
            "action": "descendre-1",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/questions/5#choix")
    question_page = text(coordinator.get(f"{url}questions/5"))
    assert question_page.index('value="La CAF"') < question_page.index('value="Les courriels"')
    coordinator.post(
        f"{url}questions/5",
        data={
            "type": "multiple_choice",
            "label": "Pour quoi faire ?",
            "id": "usages",
            "other": "1",
            "choix_libelle": ["La CAF", "Les courriels", "Jouer"],
            "choix_valeur": ["caf", "les_courriels", "jouer"],
            "action": "retirer-3",
        },
    )
    coordinator.post(
        f"{url}questions/5",
        data={
            "type": "multiple_choice",
            "label": "Pour quoi faire ?",
            "id": "usages",
            "other": "1",
            "choix_libelle": ["La CAF", "Les courriels"],
            "choix_valeur": ["caf", "les_courriels"],
            "action": "monter-2",
        },
    )
    edit_question(coordinator, url, 6, type="yes_no", label="Avez-vous internet ?", id="internet")
    # show_if: the menu lists the values of earlier questions only.
    page = text(coordinator.get(f"{url}questions/5"))
    assert 'value="souvent=chaque_semaine"' in page and 'value="internet=oui"' not in page
    edit_question(
        coordinator,
        url,
        5,
        type="multiple_choice",
        label="Pour quoi faire ?",
        id="usages",
        other="1",
        choix_libelle=["Les courriels", "La CAF"],
        choix_valeur=["les_courriels", "caf"],
        condition="souvent=chaque_semaine",
    )
    edit_question(
        coordinator,
        url,
        7,
        type="scale",
        label="À l'aise avec l'ordinateur ?",
        id="aise",
        echelle_1="Pas du tout",
        echelle_2="Un peu",
        echelle_3="Moyennement",
        echelle_4="Assez",
        echelle_5="Tout à fait",
        condition="internet=oui",
    )
    edit_question(
        coordinator,
        url,
        8,
        type="number",
        label="Combien de personnes chez vous ?",
        id="personnes",
        min="1",
        max="20",
        help="Vous compris.",
    )
    # The live preview of one question uses the respondent's macros.
    page = text(coordinator.get(f"{url}questions/7"))
    assert 'id="apercu"' in page and "<strong>4</strong> Assez" in page

    # Reorder questions: the note goes down, then back up; delete then restore.
    coordinator.post(f"{url}questions/1/descendre")
    assert [q["id"] for q in services.records.get("drafts", url.split("/")[-2])["data"]["questions"]][:2] == [
        "votre_rue",
        "merci_de_repondre",
    ]
    coordinator.post(f"{url}questions/2/monter")
    coordinator.post(f"{url}questions/3/supprimer")
    page = text(coordinator.get(url))
    assert "Question supprimée : « Racontez-nous »" in page and "Racontez-nous</h3>" not in page
    coordinator.post(f"{url}retablir")
    page = text(coordinator.get(url))
    assert "Racontez-nous</h3>" in page and "À corriger avant d'enregistrer" not in page

    # Full preview, and a try that stores nothing.
    preview = coordinator.get(f"{url}apercu")
    assert preview.status_code == 200
    html = text(preview)
    assert "Le quartier et vous" in html and 'data-show-if="q_souvent"' in html and "form.js" in html
    tried = coordinator.post(f"{url}apercu", data={"q_souvent": "parfois", "q_personnes": "40"})
    assert tried.status_code == 422 and "Le nombre doit être au plus 20." in text(tried)
    tried = coordinator.post(f"{url}apercu", data={"q_souvent": "chaque_semaine", "q_usages": ["caf"]})
    assert tried.status_code == 200 and "Ces réponses seraient acceptées" in text(tried) and "La CAF" in text(tried)
    assert services.answers.count("quartier-et-vous") == 0

    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 303 and response.headers["Location"] == f"{BASE}/q/quartier-et-vous/"
    saved_page = text(coordinator.get(response.headers["Location"]))
    assert "Questionnaire « Le quartier et vous » enregistré (version 1)." in saved_page

    # A readable YAML file of the documented format, in the data folder, loaded by the running app.
    path = data_dir / "questionnaires" / "quartier-et-vous.yaml"
    saved = load_file(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(raw)[:3] == ["id", "title", "version"] and "{" not in path.read_text().split("questions:")[1]
    assert [q.type for q in saved.questions] == [k for k, _ in kinds]
    assert saved.question("usages").show_if.values == ("chaque_semaine",)
    assert [c.value for c in saved.question("usages").choices] == ["les_courriels", "caf"]
    assert saved.question("aise").scale_labels[3] == "Assez"
    assert (saved.question("personnes").min, saved.question("personnes").max) == (1, 20)
    assert services.library.get("quartier-et-vous") == saved
    assert services.records.all("drafts") == []

    # It can run at once in a campaign.
    services.campaigns.save(Campaign(id="essai-quartier", title="Essai", questionnaire="quartier-et-vous"))
    response = answer_form(
        coordinator,
        "essai-quartier",
        {
            "q_souvent": "chaque_semaine",
            "q_usages": ["caf", "autre"],
            "q_usages__autre": "La poste",
            "q_internet": "oui",
            "q_aise": "4",
            "q_personnes": "3",
            "q_votre_rue": "Rue du Tunnel",
        },
    )
    assert response.status_code == 303, text(response)[:2000]
    [answer] = list(services.answers.iter_answers("essai-quartier"))
    assert answer["questionnaire"] == "quartier-et-vous" and answer["version"] == 1
    assert answer["answers"]["usages"] == ["caf", "autre"] and answer["answers"]["aise"] == 4


def test_problems_are_shown_next_to_the_question_and_block_the_save(coordinator, services):
    url = draft_url(coordinator.post(f"{BASE}/nouveau", data={"titre": "Essai"}))
    coordinator.post(f"{url}questions", data={"type": "yes_no", "label": "Avez-vous un ordinateur ?"})
    coordinator.post(f"{url}questions", data={"type": "number", "label": "Combien ?"})
    edit_question(coordinator, url, 2, type="number", label="Combien ?", id="Combien ?", min="dix")
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 422
    page = text(response)
    block = page[page.index('id="question-2"') :]
    assert "l'identifiant doit contenir seulement des minuscules" in block
    assert "« Au moins » doit être un nombre entier" in block
    assert services.library.get("essai") is None
    # A question moved above the one it depends on is refused, in the editor's words.
    edit_question(
        coordinator, url, 2, type="number", label="Combien ?", id="combien", condition="avez_vous_un_ordinateur=oui"
    )
    coordinator.post(f"{url}questions/2/monter")
    page = text(coordinator.get(url))
    assert "qui n'est pas placée avant celle-ci" in page


def test_renaming_a_question_updates_the_conditions_that_name_it(coordinator, services):
    url = draft_url(coordinator.post(f"{BASE}/nouveau", data={"titre": "Renommer"}))
    coordinator.post(f"{url}questions", data={"type": "yes_no", "label": "Internet ?"})
    coordinator.post(f"{url}questions", data={"type": "long_text", "label": "Pourquoi ?"})
    edit_question(coordinator, url, 2, type="long_text", label="Pourquoi ?", id="pourquoi", condition="internet=non")
    edit_question(coordinator, url, 1, type="yes_no", label="Internet ?", id="a_internet")
    draft = services.records.get("drafts", url.split("/")[-2])
    assert draft["data"]["questions"][1]["show_if"] == {"question": "a_internet", "equals": "non"}


# --------------------------------------------------------------------------- versions


def _answers_for_besoins(app, services, n=2):
    v1 = services.library.get(BESOINS)
    made = []
    for i in range(n):
        made.append(
            {
                "id": str(uuid.uuid4()),
                "campaign": BESOINS,
                "questionnaire": BESOINS,
                "version": v1.version,
                "channel": "qr",
                "collector": "",
                "session": None,
                "poster": None,
                "started_at": "2026-03-01T10:00:00Z",
                "submitted_at": f"2026-03-01T10:0{i}:00Z",
                "language": "fr",
                "answers": {
                    "internet": "non",
                    "internet_pourquoi": ["trop_cher"],
                    "aisance": 2,
                    "equipement": ["smartphone"],
                },
                "tags": [],
                "hidden": False,
            }
        )
        services.answers.add(made[-1])
    return made


def test_editing_a_questionnaire_with_answers_makes_a_new_version(coordinator, app, services, data_dir):
    old = _answers_for_besoins(app, services)
    v1 = services.library.get(BESOINS)
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    assert "Ce questionnaire a déjà 2 réponses" in text(coordinator.get(url))
    number = [q.id for q in v1.questions].index("internet_pourquoi") + 1
    coordinator.post(f"{url}questions/{number}/supprimer")
    aisance = [q.id for q in v1.questions if q.id != "internet_pourquoi"].index("aisance") + 1
    q = v1.question("aisance")
    edit_question(
        coordinator,
        url,
        aisance,
        type="scale",
        label="Êtes-vous à l'aise avec le numérique ?",
        id="aisance",
        **{f"echelle_{i}": w for i, w in enumerate(q.scale_labels, 1)},
    )
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 303
    assert "Enregistré en version 2. Les 2 réponse(s) déjà reçues gardent la version 1." in text(
        coordinator.get(response.headers["Location"])
    )

    v2 = services.library.get(BESOINS)
    assert v2.version == 2 and v2.question("internet_pourquoi") is None
    assert (data_dir / "questionnaires" / f"{BESOINS}.yaml").exists()
    assert [q.version for q in snapshots(services, BESOINS)] == [1]
    assert services.records.get(COLLECTION, f"{BESOINS}@1")["definition"] == v1.to_dict()

    # Old answers keep their version and still display (coordinator answer view)…
    for answer in old:
        assert services.answers.get(BESOINS, answer["id"])["version"] == 1
    page = text(coordinator.get(f"/coordination/campagnes/{BESOINS}/reponses/{old[0]['id']}"))
    assert "Êtes-vous à l'aise avec le numérique ?" in page and "Un peu" in page
    # …and export, with the removed question's column and words from version 1.
    out = io.BytesIO()
    Export(services, services.campaigns.get(BESOINS), ExportOptions(format="csv")).write(out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    column = next(i for i, h in enumerate(header) if h.startswith(v1.question("internet_pourquoi").label))
    assert all("C'est trop cher" in row[column] for row in rows[1:]) and len(rows) == 3

    # New answers are given under version 2.
    response = answer_form(coordinator, BESOINS, {"q_internet": "oui"})
    assert response.status_code == 303
    newest = [a for a in services.answers.iter_answers(BESOINS) if a["id"] not in {o["id"] for o in old}]
    assert [a["version"] for a in newest] == [2]

    # The versions page counts answers per version; version 1 cannot be deleted.
    page = text(coordinator.get(f"{BASE}/q/{BESOINS}/"))
    assert re.search(r'id="version-1".*?<td class="n">2</td>', page, re.S)
    assert "Supprimer la version 1" not in page
    response = coordinator.post(f"{BASE}/q/{BESOINS}/versions/1/supprimer", follow_redirects=True)
    assert "Impossible de supprimer la version 1 : 2 réponses l'utilisent." in text(response)
    assert services.records.get(COLLECTION, f"{BESOINS}@1") is not None


def test_an_edit_without_answers_keeps_the_version_and_unused_versions_can_be_deleted(coordinator, services, data_dir):
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    coordinator.post(f"{url}presentation", data={"title": "Vos besoins, version courte"})
    coordinator.post(f"{url}enregistrer")
    edited = services.library.get(BESOINS)
    assert edited.version == 1 and edited.title == "Vos besoins, version courte"
    # The edited copy wins over the shipped file; deleting it brings the shipped one back.
    page = text(coordinator.get(f"{BASE}/q/{BESOINS}/"))
    assert "modifié ici" in page and "Supprimer la version 1" in page
    response = coordinator.post(f"{BASE}/q/{BESOINS}/versions/1/supprimer", follow_redirects=True)
    assert "la version fournie avec l'outil redevient la version en cours" in text(response)
    assert services.library.get(BESOINS).title == "Vos besoins en numérique"
    assert not (data_dir / "questionnaires" / f"{BESOINS}.yaml").exists()
    # A shipped questionnaire itself cannot be deleted.
    response = coordinator.post(f"{BASE}/q/{BESOINS}/versions/1/supprimer", follow_redirects=True)
    assert "fourni avec l'outil : il ne peut pas être supprimé" in text(response)


def test_deleting_an_unused_new_version_restores_the_previous_one(coordinator, app, services):
    _answers_for_besoins(app, services, n=1)
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    coordinator.post(f"{url}presentation", data={"title": "Deuxième version"})
    coordinator.post(f"{url}enregistrer")
    assert services.library.get(BESOINS).version == 2
    response = coordinator.post(f"{BASE}/q/{BESOINS}/versions/2/supprimer", follow_redirects=True)
    assert "la version 1 redevient la version en cours" in text(response)
    current = services.library.get(BESOINS)
    assert current.version == 1 and current.title == "Vos besoins en numérique"


def test_a_question_id_never_changes_meaning(coordinator, app, services):
    _answers_for_besoins(app, services, n=1)
    v1 = services.library.get(BESOINS)
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    number = [q.id for q in v1.questions].index("aisance") + 1
    # Same id, another type: said on the draft page, refused at save, in French, next to the question.
    edit_question(coordinator, url, number, type="number", label="Votre aisance, de 0 à 10 ?", id="aisance")
    assert "des réponses existent déjà pour « aisance »" in text(coordinator.get(url))
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 422
    page = text(response)
    block = page[page.index(f'id="question-{number}"') :]
    assert "des réponses existent déjà pour « aisance » en « échelle de 1 à 5 » (version 1)" in block
    assert "donnez un nouvel identifiant à cette question" in block
    assert services.library.get(BESOINS).version == 1
    # With a new id, it is another question: accepted.
    edit_question(coordinator, url, number, type="number", label="Votre aisance, de 0 à 10 ?", id="aisance_sur_10")
    assert coordinator.post(f"{url}enregistrer").status_code == 303
    assert services.library.get(BESOINS).version == 2

    # A choice that takes another meaning is refused; a reworded one is fine.
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    v2 = services.library.get(BESOINS)
    number = [q.id for q in v2.questions].index("equipement") + 1
    q = v2.question("equipement")
    labels = [c.label for c in q.choices]
    values = [c.value for c in q.choices]
    changed = ["Une voiture"] + labels[1:]
    edit_question(
        coordinator,
        url,
        number,
        type="multiple_choice",
        label=q.label,
        id="equipement",
        choix_libelle=changed,
        choix_valeur=values,
    )
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 422
    assert "avec le choix « smartphone » = « Un smartphone »" in text(response)
    assert "il ne peut pas devenir « Une voiture »" in text(response)
    reworded = ["Un smartphone (téléphone)"] + labels[1:]
    edit_question(
        coordinator,
        url,
        number,
        type="multiple_choice",
        label=q.label,
        id="equipement",
        choix_libelle=reworded,
        choix_valeur=values,
    )
    assert coordinator.post(f"{url}enregistrer").status_code == 303


def test_a_stale_draft_cannot_overwrite_a_newer_version(coordinator, app, services):
    _answers_for_besoins(app, services, n=1)
    first = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    # A second coordinator copy of the same base (made directly: the page reuses the open draft).
    from survey.services import drafts

    second = drafts.create(services, services.library.get(BESOINS).to_dict(), base=services.library.get(BESOINS))
    coordinator.post(f"{first}presentation", data={"title": "Première"})
    assert coordinator.post(f"{first}enregistrer").status_code == 303
    url = f"{BASE}/brouillons/{second['id']}/"
    coordinator.post(f"{url}presentation", data={"title": "Seconde"})
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 422 and "modifié entre-temps" in text(response)
    assert services.library.get(BESOINS).title == "Première"


def test_copy_then_save_under_a_new_id(coordinator, services):
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/copier"))
    assert 'value="besoins-numeriques-habitants-copie"' in text(coordinator.get(url))
    assert coordinator.post(f"{url}enregistrer").status_code == 303
    copy = services.library.get("besoins-numeriques-habitants-copie")
    assert copy.title == "Vos besoins en numérique (copie)" and copy.version == 1
    # A new questionnaire cannot take an id in use: the message proposes a free one.
    url = draft_url(coordinator.post(f"{BASE}/nouveau", data={"titre": "x"}))
    coordinator.post(f"{url}presentation", data={"title": "x", "id": BESOINS})
    coordinator.post(f"{url}questions", data={"type": "short_text", "label": "Une question"})
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 422
    assert f"un questionnaire « {BESOINS} » existe déjà" in text(response) and f"« {BESOINS}-2 »" in text(response)


# --------------------------------------------------------------------------- sharing: YAML and XLSForm


def upload(client, content: bytes, filename: str):
    # Encoded in memory: the test client would spool a big body to an unclosed temporary file.
    boundary, body = encode_multipart({"fichier": FileStorage(io.BytesIO(content), filename=filename)})
    return client.post(f"{BASE}/importer", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_share_a_questionnaire_as_yaml_with_another_structure(coordinator, services):
    response = coordinator.get(f"{BASE}/q/{BESOINS}/fichier.yaml")
    assert response.status_code == 200
    assert f'filename="{BESOINS}-v1.yaml"' in response.headers["Content-Disposition"]
    shared = response.data
    assert parse_text(shared.decode("utf-8")).to_dict() == services.library.get(BESOINS).to_dict()
    # The other structure already has one with this id: a new id is proposed, then saved.
    response = upload(coordinator, shared, f"{BESOINS}.yaml")
    url = draft_url(response)
    page = text(coordinator.get(url))
    assert f"Un questionnaire « {BESOINS} » existe déjà ici : celui-ci prend l'identifiant « {BESOINS}-2 »" in page
    assert coordinator.post(f"{url}enregistrer").status_code == 303
    assert services.library.get(f"{BESOINS}-2").questions == services.library.get(BESOINS).questions
    # A broken file is refused with the loader's French problems (file, line, question).
    broken = shared.decode("utf-8").replace("type: yes_no", "type: oui_non", 1).encode("utf-8")
    response = upload(coordinator, broken, "partage.yaml")
    assert response.status_code == 422
    assert re.search(
        r"partage\.yaml, ligne \d+, question « internet » : le type de réponse « oui_non » est inconnu", text(response)
    )
    response = upload(coordinator, "é".encode("latin-1"), "partage.yaml")
    assert response.status_code == 422 and "pas en texte UTF-8" in text(response)


def test_exchange_with_kobo_as_xlsform_from_the_editor(coordinator, services):
    response = coordinator.get(f"{BASE}/q/{BESOINS}/xlsform.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    exported = response.data
    assert from_dict_of(import_xlsform(exported).data) == services.library.get(BESOINS).to_dict()
    # A Kobo user's form, with things we do not carry: imported with the report on the draft page.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in [
        ["type", "name", "label::Français (fr)", "label::English (en)"],
        ["text", "quartier", "Votre quartier ?", "Your area?"],
        ["geopoint", "gps", "Position", "Location"],
        ["begin_group", "g", "Le logement", "Housing"],
        ["select_one yn", "chauffage", "Avez-vous le chauffage ?", "Heating?"],
        ["end_group"],
    ]:
        sheet.append(row)
    choices = book.create_sheet("choices")
    for row in [
        ["list_name", "name", "label::Français (fr)", "label::English (en)"],
        ["yn", "oui", "Oui", "Yes"],
        ["yn", "non", "Non", "No"],
    ]:
        choices.append(row)
    out = io.BytesIO()
    book.save(out)
    url = draft_url(upload(coordinator, out.getvalue(), "logement.xlsx"))
    page = text(coordinator.get(url))
    assert "Ce qui n'a pas été repris du fichier importé" in page
    assert "Position » (geopoint) : non reprise" in page and "Groupes mis à plat" in page
    assert coordinator.post(f"{url}enregistrer").status_code == 303
    saved = services.library.get("logement")
    assert [q.type for q in saved.questions] == ["short_text", "note", "yes_no"]


def from_dict_of(data):
    from survey.formats.yaml_files import from_dict

    return from_dict(data).to_dict()


@pytest.mark.parametrize(
    "content, filename, status, words",
    [
        (b"type;name;label\ntext;a;A\n", "formulaire.csv", 422, "Ce type de fichier n'est pas reconnu"),
        (b"ceci n'est pas un classeur", "formulaire.xlsx", 422, "n'est pas un classeur .xlsx"),
        (b"PK\x03\x04 coupe", "formulaire.xlsx", 422, "Le fichier est abîmé"),
        (b"x" * (MAX_UPLOAD + 200 * 1024), "enorme.xlsx", 413, "Le fichier est trop gros : la limite est de 2 Mo"),
        (b"x" * (MAX_UPLOAD + 1), "juste-trop.xlsx", 413, "Le fichier est trop gros : la limite est de 2 Mo"),
    ],
    ids=["csv", "not-a-spreadsheet", "corrupt-zip", "huge", "just-too-big"],
)
def test_a_malformed_upload_gets_a_clear_french_error(coordinator, content, filename, status, words):
    response = upload(coordinator, content, filename)
    assert response.status_code == status
    page = text(response)
    assert words in page and "Le fichier n'a pas été importé" in page
    assert 'enctype="multipart/form-data"' in page  # the form is there to try again


def test_an_upload_without_the_survey_sheet_names_what_it_found(coordinator):
    book = openpyxl.Workbook()
    book.active.title = "Questions"
    out = io.BytesIO()
    book.save(out)
    response = upload(coordinator, out.getvalue(), "formulaire.xlsx")
    assert response.status_code == 422
    assert "La feuille « survey » manque" in text(response) and "« Questions »" in text(response)
    response = coordinator.post(f"{BASE}/importer", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choisissez d'abord un fichier" in text(response)


def test_the_upload_checks_its_csrf_token_itself(app, client):
    login_coordinator(client, app)
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload(client, b"id: x", "x.yaml")
    assert response.status_code == 400 and "La page a expiré" in text(response)
    page = text(client.get(f"{BASE}/"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    boundary, body = encode_multipart(
        {"csrf_token": token, "fichier": FileStorage(io.BytesIO(b"id: x"), filename="x.yaml")}
    )
    response = client.post(f"{BASE}/importer", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and "le titre du questionnaire manque" in text(response)


def test_pages_have_no_inline_script_or_style(coordinator):
    url = draft_url(coordinator.post(f"{BASE}/nouveau", data={"titre": "CSP"}))
    coordinator.post(f"{url}questions", data={"type": "scale", "label": "Note ?"})
    for path in (
        f"{BASE}/",
        url,
        f"{url}questions/1",
        f"{url}apercu",
        f"{BASE}/q/{BESOINS}/",
        f"{BASE}/q/{BESOINS}/apercu",
    ):
        page = text(coordinator.get(path))
        assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page), path
