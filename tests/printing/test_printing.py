"""Printables as a person gets them: page sizes in mm, the words on the page (with their
accents), QR codes that a phone can read, quotes only with consent, long questions that fit."""

from __future__ import annotations

import logging
import subprocess

import pytest

from survey.printing import KINDS, PrintError, make_pdf, prepare_job
from survey.printing.kinds import WHOLE, board_questions, show_if_instruction
from survey.printing.render import PAGE_SIZES, Renderer
from survey.services.fieldwork.paper import paper_code
from tests.printing_support import (
    BASE,
    CONSENTED,
    CONSENTED_NAMED,
    HIDDEN,
    NO_CONSENT_KEY,
    REFUSED,
    WITHDRAWN,
    decode_qr,
    flat,
    make_printing_app,
    needs_tools,
    page_sizes_mm,
    pdf_text,
    reader,
)

PDP = "porteur-de-parole-numerique"
ORDI = "ordi-panneau-quotidien"
BESOINS = "besoins-numeriques-habitants"
PAPER_CODE = "{code du questionnaire papier}"  # the campaign's short code is drawn at random


@pytest.fixture(scope="module")
def printing_app(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("printing") / "data")


@pytest.fixture(scope="module")
def svc(printing_app):
    return printing_app.extensions["survey"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture(scope="module")
def printed(svc, renderer):
    """Renders each (kind, campaign, question, size, tile) once for the whole module."""
    cache = {}

    def get(kind, campaign, question=None, size=None, tile=None):
        key = (kind, campaign, question, size, tile)
        if key not in cache:
            job = prepare_job(svc, kind, campaign, BASE, question=question, size=size, tile=tile)
            cache[key] = make_pdf(renderer, job)
        return cache[key]

    return get


def expected_mm(size, orientation):
    short, long = PAGE_SIZES[size]
    return (short, long) if orientation == "portrait" else (long, short)


@pytest.mark.parametrize(
    "kind, campaign, question, size",
    [
        ("affiche", PDP, "simplifie", "A4"),
        ("affiche", PDP, "simplifie", "A3"),
        ("affiche", PDP, WHOLE, "A2"),
        ("ordi-panneau", ORDI, None, "A3"),
        ("ordi-panneau", ORDI, None, "A2"),
        ("ordi-panneau", ORDI, None, "A1"),
        ("ordi-panneau", ORDI, None, "A0"),
        ("panneau", PDP, "citoyen", "A1"),
        ("panneau", PDP, "citoyen", "A0"),
        ("cartes-reponse", PDP, "simplifie", "A4"),
        ("cartes-paroles", PDP, None, "A4"),
        ("questionnaire-papier", BESOINS, None, "A4"),
        ("questionnaire-papier", BESOINS, None, "A3"),
    ],
)
def test_page_sizes_are_exact_in_mm(printed, kind, campaign, question, size):
    pdf = printed(kind, campaign, question, size)
    width, height = expected_mm(size, KINDS[kind].orientation)
    sizes = page_sizes_mm(pdf)
    assert sizes
    for w, h in sizes:
        assert abs(w - width) <= 0.5 and abs(h - height) <= 0.5, (w, h, width, height)


def test_poster_says_everything_a_passer_by_needs(printed, svc):
    text = pdf_text(printed("affiche", PDP, "simplifie", "A4"))
    campaign = svc.campaigns.get(PDP)
    questionnaire = svc.questionnaire_for(campaign)
    assert "Est-ce que le numérique ça simplifie la vie ?" in text
    assert f"{BASE}/{campaign.short_code}" in text  # the short address, to type
    assert "ou laissez un post-it" in text
    assert "À quoi servira votre réponse ?" in text
    assert flat(questionnaire.purpose) in text
    assert campaign.structure in text and campaign.quartier in text
    assert "Nous ne demandons pas votre nom" in text and "gardées 12 mois au plus" in text
    assert len(reader(printed("affiche", PDP, "simplifie", "A4")).pages) == 1


def test_poster_offers_only_the_channels_of_its_campaign(printed):
    text = pdf_text(printed("affiche", BESOINS, "equipement"))  # tablette, qr, papier: no post-it
    assert "post-it" not in text and "ou demandez le questionnaire papier" in text


@pytest.mark.parametrize(
    "kind, campaign, question, words",
    [
        (
            "ordi-panneau",
            ORDI,
            None,
            [
                "Est-ce que le numérique est un moyen de s'échanger des recettes",
                "Le numérique ? Les séniors le pratiquent ?",
                "Quand vous ne savez pas faire, à qui demandez-vous ?",
            ],
        ),
        ("panneau", PDP, "citoyen", ["C'est quoi être citoyen ?", "nous écrivons votre réponse avec vous"]),
        (
            "cartes-reponse",
            PDP,
            "simplifie",
            [
                "Est-ce que le numérique ça simplifie la vie ?",
                "Prénom",
                "affichés aujourd'hui",
                "réutilisés dans le compte rendu",
                "moins de 18",
                "75 et plus",
            ],
        ),
        (
            "questionnaire-papier",
            BESOINS,
            None,
            [
                "Vos besoins en numérique",
                PAPER_CODE,
                "Quels appareils avez-vous à la maison ?",
                "Un smartphone",
                "Réservé à l'équipe",
                "Page 1 sur",
            ],
        ),
    ],
)
def test_text_with_accents_is_in_the_pdf(printed, svc, kind, campaign, question, words):
    text = pdf_text(printed(kind, campaign, question))
    for word in words:
        assert word.replace(PAPER_CODE, paper_code(svc.campaigns.get(campaign), 1)) in text


def test_fonts_are_embedded(printed, tmp_path):
    path = tmp_path / "poster.pdf"
    path.write_bytes(printed("questionnaire-papier", BESOINS))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), out
    assert "Affiche-Bold" in out and "Affiche-Mono-Bold" in out  # ours (DejaVu files), not a fallback


# --- QR codes ----------------------------------------------------------------------------------
@needs_tools
@pytest.mark.parametrize(
    "kind, campaign, question, size, expected",
    [
        ("affiche", PDP, "simplifie", "A4", {f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=A-simplifie"}),
        ("affiche", PDP, WHOLE, "A4", {f"{BASE}/c/{PDP}/?canal=qr&affiche=A"}),
        ("ordi-panneau", ORDI, None, "A3", {f"{BASE}/c/{ORDI}/?canal=qr&affiche=OP"}),
        ("ordi-panneau", ORDI, "seniors", "A3", {f"{BASE}/c/{ORDI}/?canal=qr&question=seniors&affiche=OP-seniors"}),
        ("panneau", PDP, "citoyen", "A3", {f"{BASE}/c/{PDP}/?canal=qr&question=citoyen&affiche=PP-citoyen"}),
        (
            "cartes-reponse",
            PDP,
            "simplifie",
            "A4",
            {f"{BASE}/terrain/{PDP}/"},
        ),  # the team's page, where the scribe types the card in with its consents
        (
            "cartes-paroles",
            PDP,
            "simplifie",
            "A4",
            {f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=CP-simplifie"},
        ),
        ("questionnaire-papier", BESOINS, None, "A4", {f"{BASE}/c/{BESOINS}/?canal=qr&affiche={PAPER_CODE}"}),
    ],
)
def test_qr_code_read_from_the_printed_page_opens_the_form(
    printed, svc, tmp_path, kind, campaign, question, size, expected
):
    found = decode_qr(printed(kind, campaign, question, size), tmp_path)
    assert set(found) == {url.replace(PAPER_CODE, paper_code(svc.campaigns.get(campaign), 1)) for url in expected}
    if kind == "cartes-reponse":
        assert len(found) == 2  # two cards per sheet, each with its code


@needs_tools
def test_qr_code_of_an_a0_panel_still_reads(printed, tmp_path):
    # 40 dpi on A0 is about 160 dpi on A4: the whole panel, scaled down, as a photo from afar.
    found = decode_qr(printed("ordi-panneau", ORDI, None, "A0"), tmp_path, dpi=40)
    assert found == [f"{BASE}/c/{ORDI}/?canal=qr&affiche=OP"]


@needs_tools
def test_every_poster_of_a_batch_has_its_own_code(printed, svc, tmp_path):
    pdf = printed("affiche", PDP)
    questions = board_questions(svc.questionnaire_for(svc.campaigns.get(PDP)))
    assert len(reader(pdf).pages) == len(questions) + 1  # one per question, then the whole questionnaire
    assert decode_qr(pdf, tmp_path, page=3) == [
        f"{BASE}/c/{PDP}/?canal=qr&question={questions[2].id}&affiche=A-{questions[2].id}"
    ]
    assert decode_qr(pdf, tmp_path, page=len(questions) + 1) == [f"{BASE}/c/{PDP}/?canal=qr&affiche=A"]
    for number, question in enumerate(questions):
        assert flat(question.label) in pdf_text(pdf, number)


# --- quote cards ---------------------------------------------------------------------------------
def test_quote_cards_print_only_consented_words(printed):
    text = pdf_text(printed("cartes-paroles", PDP))
    assert flat(CONSENTED) in text
    assert flat(CONSENTED_NAMED) in text
    assert "Karim" in text and "30 à 44 ans" in text  # the person gave a first name and agreed
    for absent in (REFUSED, HIDDEN, WITHDRAWN, NO_CONSENT_KEY, "Josiane", "Mireille"):
        assert flat(absent) not in text
    assert "Paroles recueillies" in text


def test_quote_cards_of_one_question(printed):
    text = pdf_text(printed("cartes-paroles", PDP, "complique"))
    assert flat(CONSENTED_NAMED) in text and flat(CONSENTED) not in text


def test_no_consented_quote_is_a_french_error(svc, renderer):
    job = prepare_job(svc, "cartes-paroles", PDP, BASE, question="partout")  # only a refusal there
    with pytest.raises(PrintError, match="Aucune parole à imprimer"):
        make_pdf(renderer, job)


def test_a_very_long_quote_is_cut_not_overflowing(svc, renderer):
    from tests.factories import make_answer

    long = "Le numérique, " + "c'est parfois compliqué et parfois génial, " * 80 + "voilà."
    answer = make_answer(ORDI, ORDI, answers={"seniors": long})
    answer.update(consent_display=True, consent_report=True)
    svc.answers.add(answer)
    pdf = make_pdf(renderer, prepare_job(svc, "cartes-paroles", ORDI, BASE, question="seniors"))
    assert len(reader(pdf).pages) == 1
    assert "[…]" in pdf_text(pdf)


# --- long texts never overflow ---------------------------------------------------------------------
def longest_question(svc):
    pairs = [(q, question) for q in svc.library for question in board_questions(q)]
    return max(pairs, key=lambda pair: len(pair[1].label))


@pytest.mark.parametrize(
    "kind, size",
    [("affiche", "A4"), ("affiche", "A3"), ("panneau", "A1"), ("cartes-reponse", "A4"), ("ordi-panneau", "A3")],
)
def test_the_longest_question_of_the_library_fits(svc, renderer, kind, size):
    questionnaire, question = longest_question(svc)
    assert len(question.label) > 150  # the library's longest is about 200 characters
    campaign = next(c for c in svc.campaigns.all() if c.questionnaire == questionnaire.id)
    pdf = make_pdf(renderer, prepare_job(svc, kind, campaign.id, BASE, question=question.id, size=size))
    assert len(reader(pdf).pages) == 1
    assert flat(question.label) in pdf_text(pdf)


def test_type_shrinks_for_long_questions_within_bounds(svc, renderer):
    from survey.printing.kinds import POSTER_QUESTION, build_affiche

    questionnaire, question = longest_question(svc)
    campaign = next(c for c in svc.campaigns.all() if c.questionnaire == questionnaire.id)
    long_page = build_affiche(prepare_job(svc, "affiche", campaign.id, BASE, question=question.id), renderer.fitter)[
        "pages"
    ][0]
    short_page = build_affiche(
        prepare_job(svc, "affiche", "ordi-panneau-citoyennete", BASE, question="citoyen"), renderer.fitter
    )["pages"][0]
    assert POSTER_QUESTION.smallest <= long_page["headline"].size < short_page["headline"].size
    assert short_page["headline"].size == POSTER_QUESTION.largest


def test_an_absurdly_long_question_still_makes_one_page(svc, renderer):
    from dataclasses import replace

    from survey.printing.kinds import KINDS as kinds
    from survey.printing.kinds import PrintJob
    from survey.printing.render import PageFormat

    campaign = svc.campaigns.get(PDP)
    questionnaire = svc.questionnaire_for(campaign)
    huge = replace(questionnaire.questions[0], label="Pourquoi " * 120 + "?")
    questionnaire = replace(questionnaire, questions=(huge,) + questionnaire.questions[1:])
    for kind in ("affiche", "panneau"):
        job = PrintJob(
            kinds[kind],
            campaign,
            questionnaire,
            huge.id,
            PageFormat("A4" if kind == "affiche" else "A1", kinds[kind].orientation),
            BASE,
        )
        assert len(reader(make_pdf(renderer, job)).pages) == 1


# --- paper questionnaire -----------------------------------------------------------------------------
def test_paper_questionnaire_writes_show_if_as_an_instruction(printed, svc):
    questionnaire = svc.questionnaire_for(svc.campaigns.get(BESOINS))
    conditional = next(q for q in questionnaire.answerable if q.show_if)
    target = questionnaire.number_of(conditional.show_if.question)
    following = questionnaire.number_of(conditional.id) + 1
    sentence = (
        f"Si vous avez répondu « Non » à la question {target}, répondez à cette question ; "
        f"sinon passez à la question {following}."
    )
    assert show_if_instruction(questionnaire, conditional).replace("\u202f", " ").replace("\u00a0", " ") == sentence
    assert sentence in pdf_text(printed("questionnaire-papier", BESOINS))


def test_paper_questionnaire_has_every_question_and_choice(printed, svc):
    questionnaire = svc.questionnaire_for(svc.campaigns.get(BESOINS))
    text = pdf_text(printed("questionnaire-papier", BESOINS))
    for question in questionnaire.answerable:
        assert f"{questionnaire.number_of(question.id)}. {flat(question.label)}" in text
        for choice in question.options:
            if choice.value != "autre":
                assert flat(choice.label) in text
    pages = len(reader(printed("questionnaire-papier", BESOINS)).pages)
    assert f"Page {pages} sur {pages}" in text


def test_show_if_skips_a_whole_conditional_block():
    from survey.formats.yaml_files import from_dict

    questionnaire = from_dict(
        {
            "id": "t",
            "title": "T",
            "version": 1,
            "questions": [
                {"id": "a", "type": "yes_no", "label": "A ?"},
                {"id": "b", "type": "short_text", "label": "B", "show_if": {"question": "a", "equals": "oui"}},
                {"id": "c", "type": "short_text", "label": "C", "show_if": {"question": "a", "equals": "oui"}},
                {
                    "id": "d",
                    "type": "multiple_choice",
                    "label": "D",
                    "choices": [{"value": "x", "label": "Ex"}, {"value": "y", "label": "Why"}],
                },
                {"id": "e", "type": "short_text", "label": "E", "show_if": {"question": "d", "equals": ["x", "y"]}},
            ],
        }
    )
    plain = lambda q: (
        show_if_instruction(questionnaire, questionnaire.question(q)).replace("\u202f", " ").replace("\u00a0", " ")
    )
    assert plain("b") == (
        "Si vous avez répondu « Oui » à la question 1, répondez à cette question ; sinon passez à la question 4."
    )
    assert plain("e") == (
        "Si vous avez coché « Ex » ou « Why » à la question 4, répondez à cette question ; "
        "sinon le questionnaire est terminé."
    )


# --- errors and quality ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, message",
    [
        (("brochure", PDP), "Type d'imprimé « brochure » inconnu"),
        (("affiche", "nulle-part"), "La campagne « nulle-part » n'existe pas"),
        (("affiche", PDP, "inconnue"), "La question « inconnue » n'existe pas"),
        (("affiche", PDP, None, "A5"), "Le format « A5 » n'est pas possible"),
        (("cartes-reponse", PDP, None, "A0"), "Le format « A0 » n'est pas possible"),
        (("affiche", PDP, None, "A4", "A4"), "Le découpage en feuilles A4 sert aux formats plus grands"),
        (("questionnaire-papier", BESOINS, "equipement"), "contient toutes les questions"),
        (("panneau", PDP, WHOLE), "ne vaut que pour les affiches"),
    ],
)
def test_bad_choices_are_french_errors(svc, args, message):
    kind, campaign, *rest = args
    question, size, tile = (rest + [None, None, None])[:3]
    with pytest.raises(PrintError, match=message):
        prepare_job(svc, kind, campaign, BASE, question=question, size=size, tile=tile)


def test_rendering_logs_no_weasyprint_warning(svc, renderer, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    for kind, campaign, question in (
        ("affiche", PDP, "simplifie"),
        ("affiche", PDP, WHOLE),
        ("ordi-panneau", ORDI, None),
        ("panneau", PDP, "citoyen"),
        ("cartes-reponse", PDP, "simplifie"),
        ("cartes-paroles", PDP, None),
        ("questionnaire-papier", BESOINS, None),
    ):
        make_pdf(renderer, prepare_job(svc, kind, campaign, BASE, question=question))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_unknown_resources_are_not_fetched(renderer, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    html = '<html><body><img src="http://example.com/x.png"><img src="file:///etc/passwd"></body></html>'
    renderer.render_html(html)
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "example.com" in messages and "/etc/passwd" in messages  # refused, not loaded


def test_a_questionnaire_without_a_fitting_question_is_a_french_error(svc, renderer):
    from survey.formats.yaml_files import from_dict
    from survey.printing.kinds import PrintJob
    from survey.printing.render import PageFormat

    notes = from_dict(
        {
            "id": "notes",
            "title": "Seulement des notes",
            "version": 1,
            "questions": [{"id": "info", "type": "note", "label": "Bienvenue."}],
        }
    )
    campaign = svc.campaigns.get(PDP)
    for kind in ("panneau", "cartes-reponse", "ordi-panneau"):
        job = PrintJob(KINDS[kind], campaign, notes, None, PageFormat("A3", KINDS[kind].orientation), BASE)
        with pytest.raises(PrintError, match="n'a pas de question qui convienne"):
            make_pdf(renderer, job)
