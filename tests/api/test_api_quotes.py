"""Quotes: draft, send (numbered), accept or decline, convert into a draft invoice."""

import pytest

from tests.api.api_helpers import LINES, new_customer, ok, post

pytestmark = pytest.mark.django_db


def new_quote(api, **extra) -> dict:
    body = {"customer": "DUPONT", "lines": LINES, "valid_until": "2026-12-31", **extra}
    return post(api, "/api/v1/quotes/", body, 201)


def test_send_accept_convert(api):
    new_customer(api)
    quote = new_quote(api)
    assert (quote["status"], quote["number"], quote["total"]) == ("draft", "", "1671.70")
    changed = ok(api.patch(f"/api/v1/quotes/{quote['id']}/", {"notes": "2 jours"}, format="json"))
    assert changed["notes"] == "2 jours"
    sent = post(api, f"/api/v1/quotes/{quote['id']}/send/")
    assert (sent["status"], sent["number"]) == ("sent", "DE-2026-00001")
    refused = api.patch(f"/api/v1/quotes/{quote['id']}/", {"notes": "x"}, format="json")
    assert refused.status_code == 409
    assert post(api, f"/api/v1/quotes/{quote['id']}/accept/")["status"] == "accepted"
    invoice = post(api, f"/api/v1/quotes/{quote['id']}/convert/", {"kind": "deposit"}, 201)
    assert (invoice["kind"], invoice["state"], invoice["total"]) == ("deposit", "draft", "1671.70")
    assert [line["description"] for line in invoice["lines"]] == ["Conseil", "Livre"]


def test_a_declined_quote_is_not_invoiced(api):
    new_customer(api)
    quote = new_quote(api)
    post(api, f"/api/v1/quotes/{quote['id']}/send/")
    assert post(api, f"/api/v1/quotes/{quote['id']}/decline/")["status"] == "declined"
    assert api.post(f"/api/v1/quotes/{quote['id']}/convert/", {}, format="json").status_code == 409
    assert [q["status"] for q in ok(api.get("/api/v1/quotes/"))["results"]] == ["declined"]
