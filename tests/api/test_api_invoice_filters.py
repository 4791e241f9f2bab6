"""Invoice lists filtered by status, customer, due dates and kind (today: 2026-11-20)."""

import pytest

from tests.api.api_helpers import new_customer, new_invoice, ok, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(api):
    new_customer(api, "DUPONT")
    new_customer(api, "LEROY", "Leroy")
    return {
        # due 2026-10-01 (30 days): overdue
        "late": new_invoice(api, issue_date="2026-09-01"),
        # due 2026-12-02: open, then partly paid
        "partly": new_invoice(api, customer="LEROY"),
        "paid": new_invoice(api, customer="LEROY"),
        "draft": new_invoice(api, issue=False),
        "deposit": new_invoice(api, kind="deposit"),
    }


def numbers(api, query: str) -> set[str]:
    rows = ok(api.get(f"/api/v1/invoices/?{query}"))["results"]
    return {r["id"] for r in rows}


def test_filters(api, invoices):
    pay(api, "100", "2026-11-10", invoices["partly"]["number"])
    pay(api, "1671.70", "2026-11-10", invoices["paid"]["number"])
    ids = {name: inv["id"] for name, inv in invoices.items()}
    assert numbers(api, "status=overdue") == {ids["late"]}
    assert numbers(api, "overdue=true") == {ids["late"]}
    assert numbers(api, "status=partially_paid") == {ids["partly"]}
    assert numbers(api, "status=paid") == {ids["paid"]}
    assert numbers(api, "status=draft") == {ids["draft"]}
    assert numbers(api, "status=unpaid") == {ids["late"], ids["partly"], ids["deposit"]}
    assert numbers(api, "status=open") == {ids["late"], ids["deposit"]}
    assert numbers(api, "customer=LEROY") == {ids["partly"], ids["paid"]}
    leroy = invoices["partly"]["customer"]["id"]
    assert numbers(api, f"customer={leroy}&status=paid") == {ids["paid"]}
    assert numbers(api, "due_before=2026-10-15") == {ids["late"]}
    assert numbers(api, "due_after=2026-10-15&customer=DUPONT") == {ids["deposit"]}
    assert numbers(api, "kind=deposit") == {ids["deposit"]}
    assert len(numbers(api, "")) == 5


def test_overdue_shows_in_the_status(api, invoices):
    late = ok(api.get(f"/api/v1/invoices/{invoices['late']['id']}/"))
    assert (late["status"], late["due_date"]) == ("overdue", "2026-10-01")


def test_wrong_filters_are_problems_naming_the_parameter(api, invoices):
    for query, field in [
        ("status=late", "status"),
        ("due_before=demain", "due_before"),
        ("kind=quote", "kind"),
    ]:
        response = api.get(f"/api/v1/invoices/?{query}")
        assert response.status_code == 422, query
        assert response.json()["errors"][0]["field"] == field
    assert api.get("/api/v1/invoices/?customer=NOBODY").status_code == 404
