"""Errors are RFC 9457 problem details; wrong input names its field."""

import pytest

from tests.api.api_helpers import PROBLEM, new_customer, new_invoice

pytestmark = pytest.mark.django_db


def fields(response) -> list[str]:
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == response.status_code
    return [e["field"] for e in body.get("errors", [])]


def test_wrong_input_names_the_field(api):
    new_customer(api)
    bad_price = api.post(
        "/api/v1/invoices/",
        {"customer": "DUPONT", "lines": [{"description": "x", "unit_price": "abc"}]},
        format="json",
    )
    assert bad_price.status_code == 422
    assert fields(bad_price) == ["lines[0].unit_price"]
    no_lines = api.post("/api/v1/invoices/", {"customer": "DUPONT"}, format="json")
    assert (no_lines.status_code, fields(no_lines)) == (422, ["lines"])
    nameless = api.post(
        "/api/v1/invoices/", {"customer": "DUPONT", "lines": [{"unit_price": "1"}]}, format="json"
    )
    assert fields(nameless) == ["lines[0].description"]
    note = api.post(
        "/api/v1/invoices/",
        {
            "customer": "DUPONT",
            "kind": "credit_note",
            "lines": [{"description": "x", "unit_price": "1"}],
        },
        format="json",
    )
    assert (note.status_code, fields(note)) == (422, ["kind"])
    payment = api.post("/api/v1/payments/", {"date": "2026-13-01"}, format="json")
    assert (payment.status_code, set(fields(payment))) == (422, {"amount", "date"})
    negative = api.post(
        "/api/v1/payments/",
        {"amount": "-5", "date": "2026-11-20", "customer": "DUPONT"},
        format="json",
    )
    assert (negative.status_code, fields(negative)) == (422, ["amount"])


def test_issuing_in_the_future_leaves_no_draft_behind(api):
    new_customer(api)
    response = api.post(
        "/api/v1/invoices/",
        {
            "customer": "DUPONT",
            "lines": [{"description": "x", "unit_price": "1"}],
            "issue": True,
            "issue_date": "2026-12-01",
        },
        format="json",
    )
    assert (response.status_code, fields(response)) == (422, ["issue_date"])
    assert api.get("/api/v1/invoices/").json()["count"] == 0


def test_bad_dates_in_the_query_string(api):
    response = api.get("/api/v1/balances/?as_of=hier")
    assert (response.status_code, fields(response)) == (422, ["as_of"])
    response = api.get("/api/v1/balances/invoices/?as_of=2026-02-30")
    assert (response.status_code, fields(response)) == (422, ["as_of"])


def test_an_issued_invoice_cannot_change(api):
    new_customer(api)
    issued = new_invoice(api)
    url = f"/api/v1/invoices/{issued['id']}/"
    patched = api.patch(url, {"notes": "x"}, format="json")
    assert patched.status_code == 409
    fields(patched)
    assert api.delete(url).status_code == 409
    again = api.post(f"{url}issue/", {}, format="json")
    assert again.status_code == 409


def test_unknown_ids_and_malformed_bodies(api):
    missing = api.get("/api/v1/invoices/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    fields(missing)
    not_a_uuid = api.get("/api/v1/invoices/FA-2026-00001/")
    assert not_a_uuid.status_code == 404
    fields(not_a_uuid)
    broken = api.generic("POST", "/api/v1/customers/", "{not json", content_type="application/json")
    assert broken.status_code == 400
    fields(broken)
    unknown = api.post(
        "/api/v1/payments/",
        {"amount": "1", "date": "2026-11-20", "invoices": ["FA-2099-00001"]},
        format="json",
    )
    assert (unknown.status_code, fields(unknown)) == (404, ["invoice"])


def test_an_unknown_api_path_is_a_problem_document(client):
    response = client.get("/api/v1/nope/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
