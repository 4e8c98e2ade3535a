"""Review of the field day (issue 11, §2): a post-it or a phone answer may be quoted without
a scribe's tick only because the person was told so (``consent.QUOTE_NOTICE``). Post-its are
left on the poster, the ordi-panneau and the porteur de parole's panel, so those sheets must
say it too, not only the web form and the paper sheet."""

from __future__ import annotations

import pytest

from survey.model.consent import QUOTE_NOTICE, may_quote
from survey.printing import make_pdf, prepare_job
from survey.printing.render import Renderer
from tests.printing_support import BASE, flat, make_printing_app, pdf_text

PDP = "porteur-de-parole-numerique"
ORDI = "ordi-panneau-quotidien"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("consent") / "data", PUBLIC_BASE_URL=BASE).extensions["survey"]


@pytest.mark.parametrize(
    "kind, campaign, question",
    [
        ("affiche", PDP, "simplifie"),
        ("affiche", PDP, "*"),
        ("ordi-panneau", ORDI, None),
        ("panneau", PDP, "simplifie"),
    ],
)
def test_sheets_people_answer_alone_from_say_their_words_may_be_quoted(svc, kind, campaign, question):
    assert may_quote({"channel": "post-it", "answers": {"q": "Moins de papiers"}})  # the rule relies on the notice
    pdf = make_pdf(Renderer(), prepare_job(svc, kind, campaign, BASE, question=question, size="A3"))
    assert flat(QUOTE_NOTICE) in flat(pdf_text(pdf))
