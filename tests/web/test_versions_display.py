"""An answer given under an older version still reads with the questions it was asked."""

from __future__ import annotations

from survey import create_app
from survey.model.campaign import Campaign
from tests.factories import login_coordinator

V1 = """id: essai
title: Essai
version: 1
questions:
  - {id: avis, type: long_text, label: "Votre avis ?"}
  - {id: retiree, type: long_text, label: "Une question retirée ensuite ?"}
"""
V2 = """id: essai
title: Essai
version: 2
questions:
  - {id: avis, type: long_text, label: "Votre avis ?"}
"""


def test_a_removed_question_still_shows_in_the_old_answer(tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "essai.yaml").write_text(V1, encoding="utf-8")
    app = create_app(
        {
            "DATA_DIR": str(tmp_path / "d"),
            "QUESTIONNAIRES_DIR": str(folder),
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
        }
    )
    svc = app.extensions["survey"]
    svc.campaigns.save(Campaign(id="essai", title="Essai", questionnaire="essai"))
    client = app.test_client()
    page = client.get("/c/essai/").get_data(as_text=True)
    import re

    fields = dict(re.findall(r'name="(answer_id|started_at)" type="hidden" value="([^"]+)"', page))
    assert (
        client.post("/c/essai/", data={**fields, "q_avis": "Bien", "q_retiree": "Réponse d'avant"}).status_code == 303
    )
    (folder / "essai.yaml").write_text(V2, encoding="utf-8")
    svc.reload_library()
    login_coordinator(client, app)
    view = client.get(f"/coordination/campagnes/essai/reponses/{fields['answer_id']}").get_data(as_text=True)
    assert "Une question retirée ensuite ?" in view and "Réponse d&#39;avant" in view
