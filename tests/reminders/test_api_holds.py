"""Promises to pay, payment plans and disputes through the REST API: each holds the
invoices' reminders, which the planned list shows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from solde.reminders.run import reminders_run
from solde.reminders.services import dispute_open, payment_plan_record, promise_record
from tests import builders
from tests.reminders.api_helpers import chased, due_invoice, fields, ok, owner_api

pytestmark = pytest.mark.django_db
LATER = "2026-11-27"  # DUPONT J+17, MARTIN J+15: both are due their firm reminder


@pytest.fixture
def api(seller):
    return owner_api(seller)


@pytest.fixture
def world(seller):
    return chased(seller)


def _chased_on(api, day: str = LATER) -> list[str]:
    messages = ok(api.get(f"/api/v1/reminders/planned/?date={day}"))["messages"]
    return sorted(m["customer_code"] for m in messages)


def _post(api, url: str, body: dict, status: int = 201) -> dict:
    return ok(api.post(url, body, "json"), status)


# -- promises ---------------------------------------------------------------------------------


def test_a_promise_holds_reminders_until_its_date(api, world):
    assert _chased_on(api) == ["DUPONT", "MARTIN"]
    invoice = world["dupont_invoice"]
    body = {"customer": "DUPONT", "invoices": [invoice.number], "promised_date": "2026-11-30"}
    promise = _post(api, "/api/v1/promises/", {**body, "note": "Au téléphone"})
    assert promise["customer"]["code"] == "DUPONT"
    assert promise["invoices"] == [{"id": str(invoice.public_id), "number": invoice.number}]
    assert (promise["promised_date"], promise["status"], promise["note"]) == (
        "2026-11-30",
        "open",
        "Au téléphone",
    )
    assert (promise["amount"], promise["currency"]) == ("120.00", "EUR")  # what is left to pay
    assert _chased_on(api) == ["MARTIN"]

    partial = _post(api, "/api/v1/promises/", {**body, "amount": 50})
    assert partial["amount"] == "50.00"
    listed = ok(api.get("/api/v1/promises/"))
    assert listed["count"] == 2
    assert ok(api.get(f"/api/v1/promises/?customer={world['dupont'].public_id}"))["count"] == 2
    assert ok(api.get("/api/v1/promises/?customer=MARTIN"))["count"] == 0
    assert ok(api.get(f"/api/v1/promises/{promise['id']}/")) == promise


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"promised_date": "2026-11-19"}, "promised_date"),  # yesterday
        ({"promised_date": "soon"}, "promised_date"),
        ({"invoices": []}, "invoices"),
        ({"amount": "a lot"}, "amount"),
        ({"customer": None}, "customer"),
    ],
)
def test_a_wrong_promise_is_refused_naming_its_field(api, world, change, field):
    body = {
        "customer": "DUPONT",
        "invoices": [world["dupont_invoice"].number],
        "promised_date": "2026-11-30",
        **change,
    }
    response = api.post("/api/v1/promises/", body, "json")
    assert (response.status_code, fields(response)) == (422, [field])
    assert ok(api.get("/api/v1/promises/"))["count"] == 0


def test_a_promise_covers_only_the_customers_own_invoices(api, world):
    body = {
        "customer": "DUPONT",
        "invoices": [world["martin_invoice"].number],
        "promised_date": "2026-11-30",
    }
    response = api.post("/api/v1/promises/", body, "json")
    assert (response.status_code, fields(response)) == (422, ["invoices"])


# -- payment plans ----------------------------------------------------------------------------


def test_a_payment_plan_holds_reminders_while_it_is_kept(api, world):
    invoice = world["martin_invoice"]
    body = {
        "customer": str(world["martin"].public_id),
        "invoices": [str(invoice.public_id)],
        "instalments": [
            {"due_date": "2026-12-15", "amount": 30},
            {"due_date": "2026-12-01", "amount": "30.00"},
        ],
        "note": "Deux fois",
    }
    plan = _post(api, "/api/v1/payment-plans/", body)
    assert (plan["customer"]["code"], plan["status"], plan["start_date"]) == (
        "MARTIN",
        "active",
        "2026-11-20",
    )
    assert plan["instalments"] == [
        {"due_date": "2026-12-01", "amount": "30.00"},
        {"due_date": "2026-12-15", "amount": "30.00"},
    ]
    assert plan["invoices"] == [{"id": str(invoice.public_id), "number": invoice.number}]
    assert _chased_on(api) == ["DUPONT"]
    assert ok(api.get("/api/v1/payment-plans/?customer=MARTIN"))["results"] == [plan]
    assert ok(api.get("/api/v1/payment-plans/?customer=DUPONT"))["count"] == 0
    assert ok(api.get(f"/api/v1/payment-plans/{plan['id']}/")) == plan


@pytest.mark.parametrize(
    ("instalments", "field"),
    [
        ([], "instalments"),
        ([{"due_date": "2026-12-01", "amount": "-5"}], "instalments"),
        ([{"due_date": "2026-12-01", "amount": "trente"}], "instalments"),
        ([{"amount": "30"}], "instalments[0].due_date"),
        ([{"due_date": "2026-12-01", "amount": "30"}, {"due_date": "x", "amount": "1"}], None),
    ],
)
def test_a_wrong_payment_plan_is_refused_naming_its_field(api, world, instalments, field):
    body = {
        "customer": "MARTIN",
        "invoices": [world["martin_invoice"].number],
        "instalments": instalments,
    }
    response = api.post("/api/v1/payment-plans/", body, "json")
    assert response.status_code == 422
    assert fields(response) == [field or "instalments[1].due_date"]
    assert ok(api.get("/api/v1/payment-plans/"))["count"] == 0


# -- disputes ---------------------------------------------------------------------------------


def test_a_dispute_stops_reminders_until_it_is_resolved(api, world):
    invoice = world["dupont_invoice"]
    body = {"invoice": invoice.number, "reason": "Livraison incomplète"}
    dispute = _post(api, "/api/v1/disputes/", {**body, "owner": "Patron@Lumiere.test"})
    assert dispute["invoice"] == {"id": str(invoice.public_id), "number": invoice.number}
    assert (dispute["reason"], dispute["owner"], dispute["opened_on"]) == (
        "Livraison incomplète",
        "patron@lumiere.test",
        "2026-11-20",
    )
    assert (dispute["resolved_on"], dispute["resolution"]) == (None, "")
    assert ok(api.get(f"/api/v1/invoices/{invoice.public_id}/"))["disputed"] is True
    assert _chased_on(api) == ["MARTIN"]
    assert ok(api.get("/api/v1/disputes/?open=true"))["count"] == 1
    again = api.post("/api/v1/disputes/", body, "json")
    assert again.status_code == 409

    url = f"/api/v1/disputes/{dispute['id']}/resolve/"
    resolved = _post(api, url, {"resolution": "Avoir partiel émis"}, 200)
    assert (resolved["resolved_on"], resolved["resolution"]) == ("2026-11-20", "Avoir partiel émis")
    assert ok(api.get(f"/api/v1/invoices/{invoice.public_id}/"))["disputed"] is False
    assert _chased_on(api) == ["DUPONT", "MARTIN"]
    assert api.post(url, {"resolution": "Encore"}, "json").status_code == 409
    assert ok(api.get("/api/v1/disputes/?open=true"))["count"] == 0
    assert ok(api.get("/api/v1/disputes/"))["results"] == [resolved]
    assert ok(api.get(f"/api/v1/disputes/{dispute['id']}/")) == resolved


def test_a_dispute_without_an_owner_is_followed_by_nobody(api, world):
    body = {"invoice": str(world["martin_invoice"].public_id), "reason": "Prix contesté"}
    assert _post(api, "/api/v1/disputes/", body)["owner"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": "inconnu@ailleurs.test"}, "owner"),
        ({"owner": "outsider@globex.test"}, "owner"),  # a member of another company
        ({"owner": "pas un email"}, "owner"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_a_wrong_dispute_is_refused_naming_its_field(api, world, outsider, change, field):
    body = {"invoice": world["dupont_invoice"].number, "reason": "Livraison incomplète", **change}
    response = api.post("/api/v1/disputes/", body, "json")
    assert (response.status_code, fields(response)) == (422, [field])
    assert ok(api.get("/api/v1/disputes/"))["count"] == 0


def test_a_dispute_is_resolved_only_with_a_resolution(api, world):
    body = {"invoice": world["dupont_invoice"].number, "reason": "Livraison incomplète"}
    dispute = _post(api, "/api/v1/disputes/", body)
    for resolution in [{}, {"resolution": " "}]:
        response = api.post(f"/api/v1/disputes/{dispute['id']}/resolve/", resolution, "json")
        assert (response.status_code, fields(response)) == (422, ["resolution"])
    assert ok(api.get("/api/v1/disputes/?open=true"))["count"] == 1


# -- cost -------------------------------------------------------------------------------------


def _customers_with_everything(company, n: int) -> None:
    for _ in range(n):
        customer = builders.make_customer(company, email="compta@client.test")
        first, second, third = (
            due_invoice(company, customer, date(2026, 11, 10)) for _ in range(3)
        )
        reminders_run(company=company)
        promise_record(customer=customer, invoices=[first], promised_date=date(2026, 12, 1))
        payment_plan_record(
            customer=customer, invoices=[second], instalments=[(date(2026, 12, 1), "120")]
        )
        dispute_open(invoice=third, reason="Prix contesté")


def _queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        ok(api.get(url))
    return len(queries)


def test_lists_cost_the_same_for_one_row_as_for_three(api, seller):
    urls = ["reminders", "promises", "payment-plans", "disputes", "reminder-plans"]
    _customers_with_everything(seller, 1)
    one = {url: _queries(api, f"/api/v1/{url}/") for url in urls}
    _customers_with_everything(seller, 2)
    assert ok(api.get("/api/v1/reminders/"))["count"] == 3
    assert {url: _queries(api, f"/api/v1/{url}/") for url in urls} == one
