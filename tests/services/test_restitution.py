"""A restitution shows only what the coordinator chose, and never words whose author did not
agree to their reuse: not offered, refused when posted, and dropped when shown if the stored
choice names them anyway (or if the answer was hidden or erased since)."""

from __future__ import annotations

import pytest

from survey.exports.restitution_site import copy_files
from survey.model.restitution import Restitution
from survey.services import restitution as restitutions
from tests.factories import make_answer

CAMPAIGN = "porteur-de-parole-numerique"  # free text only
CHOICES = "besoins-numeriques-habitants"  # closed questions
AGREED = "Il faudrait un atelier le samedi matin."
ANONYMOUS = "Le wifi de la médiathèque ne marche jamais."
REFUSED = "Mes mots restent entre nous."
NAMED = "Je suis Josiane et je ne veux pas être citée."


@pytest.fixture
def svc(services):
    return services


def add(svc, campaign: str = CAMPAIGN, **fields) -> dict:
    answer = make_answer(campaign, campaign, **fields)
    svc.answers.add(answer)
    return answer


@pytest.fixture
def answers(svc) -> dict[str, dict]:
    return {
        "agreed": add(svc, answers={"simplifie": AGREED}, consent_display=False, consent_report=True),
        "anonymous": add(svc, answers={"partout": ANONYMOUS}),
        "refused": add(svc, answers={"simplifie": REFUSED}, consent_display=True, consent_report=False),
        "named": add(svc, answers={"complique": NAMED}, first_name="Josiane"),
    }


def key(answer: dict, question: str) -> str:
    return f"{answer['campaign']}/{answer['id']}/{question}"


def compose(svc, quotes, charts=(), campaign=CAMPAIGN) -> Restitution:
    base = restitutions.for_campaign(svc, svc.campaigns.get(campaign))
    chosen = restitutions.Composition("Restitution", list(charts), quotes, "Retenu.", "Ensuite.")
    return restitutions.save(svc, base, chosen, "camille")


def test_only_reuse_consented_words_are_offered(svc, answers):
    offered = {q.text for q in restitutions.gather(svc, [svc.campaigns.get(CAMPAIGN)]).quotes}
    assert {AGREED, ANONYMOUS} <= offered
    assert REFUSED not in offered and NAMED not in offered


@pytest.mark.parametrize("which,question", [("refused", "simplifie"), ("named", "complique")])
def test_a_posted_quote_without_reuse_consent_is_refused_and_nothing_is_stored(svc, answers, which, question):
    with pytest.raises(restitutions.RestitutionError, match="pas accepté"):
        compose(svc, [key(answers["agreed"], "simplifie"), key(answers[which], question)])
    assert restitutions.repository(svc).get(f"campagne-{CAMPAIGN}") is None


def test_a_made_up_quote_key_is_refused(svc, answers):
    for made_up in ("n'importe/quoi", f"{CAMPAIGN}/{answers['agreed']['id']}/partout", f"{CHOICES}/x/y"):
        with pytest.raises(restitutions.RestitutionError):
            compose(svc, [made_up])


def test_a_stored_choice_without_consent_is_never_shown(svc, answers):
    """Even if the stored record names words that may not be reused (edited by hand, a bug,
    an older version), the page, its copy and so the posters leave them out."""
    saved = compose(svc, [key(answers["agreed"], "simplifie")])
    forced = [key(answers["refused"], "simplifie"), key(answers["named"], "complique"), *saved.quotes]
    restitutions.repository(svc).change(saved.id, lambda record: dict(record, quotes=forced))
    page = restitutions.page(svc, restitutions.repository(svc).get(saved.id))
    assert [q.text for q in page.quotes] == [AGREED]
    html = copy_files(page)["index.html"].decode("utf-8")
    assert AGREED in html and REFUSED not in html and "Josiane" not in html


def test_a_quote_hidden_or_erased_after_choosing_disappears(svc, answers):
    saved = compose(svc, [key(answers["agreed"], "simplifie"), key(answers["anonymous"], "partout")])
    assert len(restitutions.page(svc, saved).quotes) == 2
    svc.answers.change(CAMPAIGN, answers["agreed"]["id"], lambda a: dict(a, hidden=True))
    svc.answers.delete(CAMPAIGN, answers["anonymous"]["id"])
    assert restitutions.page(svc, saved).quotes == []


def test_the_page_shows_the_chosen_charts_and_the_figures_counted(svc):
    for internet in ("oui", "oui", "non"):
        add(svc, CHOICES, answers={"internet": internet})
    add(svc, CHOICES, answers={"internet": "oui"}, hidden=True)  # hidden: not counted
    found = restitutions.gather(svc, [svc.campaigns.get(CHOICES)])
    assert f"{CHOICES}/internet" in {c.key for c in found.charts}
    saved = compose(svc, [], charts=[f"{CHOICES}/internet"], campaign=CHOICES)
    page = restitutions.page(svc, saved)
    assert [c.title for c in page.charts] == [found.chart(f"{CHOICES}/internet").label]
    assert "2 personnes (66,7" in str(page.charts[0].svg).replace("\u00a0", " ")
    assert page.figures[0].number == 3 and page.figures[0].words == "réponses"


def test_a_chart_of_an_unknown_question_is_refused(svc):
    with pytest.raises(restitutions.RestitutionError, match="graphique"):
        compose(svc, [], charts=[f"{CHOICES}/nulle-part"], campaign=CHOICES)


def test_published_only_between_publish_and_unpublish(svc, answers):
    saved = compose(svc, [key(answers["agreed"], "simplifie")])
    assert restitutions.published(svc, saved.slug) is None
    restitutions.set_published(svc, saved.id, True, "camille")
    assert restitutions.published(svc, saved.slug).id == saved.id
    again = compose(svc, [])  # composing again keeps it published, at the same address
    assert again.published and again.slug == saved.slug and again.version > saved.version
    restitutions.set_published(svc, saved.id, False, "camille")
    assert restitutions.published(svc, saved.slug) is None
    assert restitutions.published(svc, "") is None


def test_texts_too_long_are_refused_in_french(svc):
    base = restitutions.for_campaign(svc, svc.campaigns.get(CAMPAIGN))
    chosen = restitutions.Composition("", [], [], "x" * 5000, "")
    with pytest.raises(restitutions.RestitutionError) as refused:
        restitutions.save(svc, base, chosen, "camille")
    assert "titre" in refused.value.message and "4000 caractères" in refused.value.message


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def add_drawing(svc, phrase: str, campaign: str = CAMPAIGN, **consents) -> str:
    """An answer with a drawing (and its phrase) as the form stores it; its key. In a campaign
    without a ``plaisir`` question, the drawing goes with its first written question."""
    from survey.model.media import DRAWING, file_name, media_entry

    questionnaire = svc.questionnaire_for(svc.campaigns.get(campaign))
    question = next(q.id for q in questionnaire.answerable if q.is_open and (campaign != CAMPAIGN or q.id == "plaisir"))
    answer = make_answer(campaign, campaign, answers={question: phrase})
    name = file_name(answer["id"], question, "image/png")
    data = png()
    svc.media.write(campaign, name, data)
    answer.update(consents, media=[media_entry(question, DRAWING, name, "image/png", len(data))])
    svc.answers.add(answer)
    return key(answer, question)


def test_drawings_need_both_consents_to_be_offered_chosen_shown_and_copied(svc):
    agreed = add_drawing(svc, "Ma maison et le wifi", consent_display=True, consent_report=True)
    no_display = add_drawing(svc, "Dessin pour moi seul", consent_display=False, consent_report=True)
    anonymous = add_drawing(svc, "Dessin sans carte")  # no card: nobody asked to display it
    offered = {d.key for d in restitutions.gather(svc, [svc.campaigns.get(CAMPAIGN)]).drawings}
    assert offered == {agreed}
    for refused in (no_display, anonymous):
        with pytest.raises(restitutions.RestitutionError, match="dessin"):
            restitutions.save(
                svc,
                restitutions.for_campaign(svc, svc.campaigns.get(CAMPAIGN)),
                restitutions.Composition("R", [], [], "", "", drawings=[agreed, refused]),
                "camille",
            )
    saved = restitutions.save(
        svc,
        restitutions.for_campaign(svc, svc.campaigns.get(CAMPAIGN)),
        restitutions.Composition("R", [], [], "", "", drawings=[agreed]),
        "camille",
    )
    forced = [*saved.drawings, no_display, anonymous]
    restitutions.repository(svc).change(saved.id, lambda record: dict(record, drawings=forced))
    stored = restitutions.repository(svc).get(saved.id)
    page = restitutions.page(svc, stored)
    assert [d.phrase for d in page.drawings] == ["Ma maison et le wifi"]
    files = copy_files(page, svc.media)
    drawing = page.drawings[0]
    assert files[f"dessins/{drawing.file}"] == svc.media.read(CAMPAIGN, drawing.file)
    assert len([name for name in files if name.startswith("dessins/")]) == 1
    html = files["index.html"].decode("utf-8")
    assert f'src="dessins/{drawing.file}"' in html and 'alt="Ma maison et le wifi"' in html
    assert "Dessin pour moi seul" not in html and "Dessin sans carte" not in html
    others = [restitutions.shown_drawing(svc, k) for k in (no_display, anonymous)]
    assert others == [None, None]
    for other_key in (no_display, anonymous):
        other_file = other_key.split("/")[1] + "-plaisir.png"
        assert restitutions.drawing_file(svc, stored, other_file) is None
