"""Customers: create with accounts and contacts, search, change, and today's balance."""

import pytest

from tests.api.api_helpers import PROBLEM, new_customer, new_invoice, ok

pytestmark = pytest.mark.django_db


def test_create_with_ibans_and_contacts(api):
    made = new_customer(
        api,
        siren="732 829 320",
        email="compta@dupont.test",
        segment="PME",
        payment_terms_days=30,
        ibans=["FR76 3000 6000 0112 3456 7890 189"],
        contacts=[{"name": "Léa", "email": "lea@dupont.test", "role": "compta"}],
    )
    assert (made["siren"], made["segment"], made["payment_terms_days"]) == (
        "732829320",
        "PME",
        30,
    )
    assert made["ibans"] == ["FR7630006000011234567890189"]
    assert made["contacts"] == [
        {"name": "Léa", "email": "lea@dupont.test", "role": "compta", "receives_invoices": True}
    ]
    assert (made["balance"], made["balances"]) == ("0.00", [])
    assert ok(api.get(f"/api/v1/customers/{made['id']}/")) == made


def test_search_and_segment(api):
    new_customer(api, "DUPONT", "Dupont SARL", segment="PME")
    new_customer(api, "LEROY", "Leroy et fils", segment="GE")
    assert [c["code"] for c in ok(api.get("/api/v1/customers/?q=leroy"))["results"]] == ["LEROY"]
    assert [c["code"] for c in ok(api.get("/api/v1/customers/?q=dupont"))["results"]] == ["DUPONT"]
    assert [c["code"] for c in ok(api.get("/api/v1/customers/?segment=PME"))["results"]] == [
        "DUPONT"
    ]
    assert ok(api.get("/api/v1/customers/"))["count"] == 2


def test_partial_update(api):
    made = new_customer(api)
    changed = ok(
        api.patch(
            f"/api/v1/customers/{made['id']}/",
            {"city": "Lyon", "email": "a@b.test"},
            format="json",
        )
    )
    assert (changed["city"], changed["email"], changed["name"]) == (
        "Lyon",
        "a@b.test",
        "Dupont SARL",
    )
    refused = api.patch(
        f"/api/v1/customers/{made['id']}/",
        {"ibans": ["FR7630006000011234567890189"]},
        format="json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "ibans"
    put = api.put(f"/api/v1/customers/{made['id']}/", {"name": "x"}, format="json")
    assert put.status_code == 405


def test_wrong_identifiers_and_duplicate_codes_are_problems(api):
    new_customer(api)
    twice = api.post("/api/v1/customers/", {"code": "DUPONT", "name": "Autre"}, format="json")
    assert (twice.status_code, twice["Content-Type"]) == (409, PROBLEM)
    assert twice.json()["errors"][0]["field"] == "code"
    bad = api.post(
        "/api/v1/customers/", {"code": "X", "name": "X", "siren": "123456789"}, format="json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "siren"
    nameless = api.post("/api/v1/customers/", {"code": "Y"}, format="json")
    assert nameless.status_code == 422
    assert [e["field"] for e in nameless.json()["errors"]] == ["name"]


def test_balance_is_per_customer(api):
    new_customer(api, "DUPONT")
    new_customer(api, "LEROY", "Leroy")
    new_invoice(api, customer="LEROY")
    listed = ok(api.get("/api/v1/customers/"))["results"]
    assert {c["code"]: c["balance"] for c in listed} == {"DUPONT": "0.00", "LEROY": "1671.70"}
    leroy = next(c for c in listed if c["code"] == "LEROY")
    assert leroy["balances"] == [
        {"currency": "EUR", "receivable": "1671.70", "credit": "0.00", "balance": "1671.70"}
    ]
