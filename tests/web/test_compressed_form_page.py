"""The blank form a phone opens from a poster comes compressed (32 KB → about 8 KB on a weak
mobile connection), and only that page: one that reflects something the visitor chose, or
shows errors of what they typed, never is (BREACH: compressed sizes could tell the token)."""

from __future__ import annotations

import gzip

from tests.web.test_journey_costs import CAMPAIGN, without_request_values

FORM = f"/c/{CAMPAIGN}/"
GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_the_blank_form_comes_gzipped_and_is_the_same_page(client):
    plain = client.get(FORM)
    zipped = client.get(FORM, headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers  # a browser that does not take gzip gets it as it is
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    html = gzip.decompress(zipped.get_data()).decode("utf-8")
    assert without_request_values(html) == without_request_values(plain.get_data(as_text=True))
    assert len(zipped.get_data()) * 3 < len(plain.get_data())


def test_the_blank_form_in_another_language_comes_gzipped_too(client):
    response = client.get(FORM, query_string={"lang": "ar"}, headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert 'dir="rtl"' in gzip.decompress(response.get_data()).decode("utf-8")


def test_a_language_nobody_offers_is_not_written_in_the_compressed_page(client):
    chosen = "zz-PIEGE-a1b2c3"
    response = client.get(FORM, query_string={"lang": chosen}, headers=GZIP)
    body = response.get_data()
    html = gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
    assert chosen.encode() not in html and b"PIEGE" not in html


def test_a_page_that_carries_the_visitors_arguments_is_not_compressed(client):
    for args in ({"affiche": "marche-du-samedi"}, {"mode": "etapes"}, {"question": "internet_maison"}):
        response = client.get(FORM, query_string=args, headers=GZIP)
        assert response.status_code in (200, 404), args
        assert "Content-Encoding" not in response.headers, args


def test_a_form_shown_again_with_the_visitors_errors_is_not_compressed(client):
    response = client.post(FORM, data={"action": "envoyer", "answer_id": "pas-un-identifiant"}, headers=GZIP)
    assert response.status_code in (200, 400, 422)
    assert "Content-Encoding" not in response.headers
