"""Tenancy and roles: another company's objects answer 404; roles and key scopes decide writes."""

import pytest

from solde.payments.services import payment_record
from tests.api.conftest import client_for
from tests.builders import make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(company, customer):
    invoice = make_invoice(company, customer)
    payment = payment_record(
        company=company, amount="50", date=invoice.issue_date, invoices=[invoice]
    )
    return {
        "customers": customer,
        "invoices": invoice,
        "payments": payment,
        "allocations": payment.allocations.get(),
    }


@pytest.mark.parametrize("kind", ["customers", "invoices", "payments", "allocations"])
def test_an_outsider_gets_404_and_sees_nothing(outsider_api, objects, kind):
    obj = objects[kind]
    assert outsider_api.get(f"/api/v1/{kind}/{obj.public_id}/").status_code == 404
    assert outsider_api.get(f"/api/v1/{kind}/").json()["count"] == 0


def test_an_outsider_cannot_act_on_anything(outsider_api, objects):
    invoice, payment = objects["invoices"], objects["payments"]
    posts = [
        (f"/api/v1/invoices/{invoice.public_id}/credit-note/", {}),
        (f"/api/v1/invoices/{invoice.public_id}/write-off/", {"reason": "x"}),
        (f"/api/v1/payments/{payment.public_id}/cancel/", {"reason": "x"}),
        (f"/api/v1/allocations/{objects['allocations'].public_id}/undo/", {}),
    ]
    for url, body in posts:
        assert outsider_api.post(url, body, format="json").status_code == 404, url
    by_number = outsider_api.post(
        "/api/v1/payments/",
        {"amount": "1", "date": "2026-11-20", "invoices": [invoice.number]},
        format="json",
    )
    assert by_number.status_code == 404
    assert outsider_api.get("/api/v1/balances/").json()["customers"] == []


def test_a_viewer_reads_but_cannot_write(viewer_api, objects):
    assert viewer_api.get("/api/v1/invoices/").status_code == 200
    denied = viewer_api.post("/api/v1/customers/", {"code": "N", "name": "N"}, format="json")
    assert denied.status_code == 403


def test_sales_cannot_record_payments(company, objects):
    from tests.builders import make_user

    sales = client_for(make_user(company, "sales"), company)
    assert (
        sales.post("/api/v1/customers/", {"code": "N", "name": "N"}, format="json").status_code
        == 201
    )
    assert (
        sales.post(
            "/api/v1/payments/",
            {"amount": "1", "date": "2026-11-20", "customer": "N"},
            format="json",
        ).status_code
        == 403
    )


def test_a_read_key_cannot_write(owner, company):
    reader = client_for(owner, company, scope="read")
    assert reader.get("/api/v1/customers/").status_code == 200
    assert (
        reader.post("/api/v1/customers/", {"code": "N", "name": "N"}, format="json").status_code
        == 403
    )


def test_a_revoked_or_unknown_key_is_refused(client):
    client.credentials = None
    response = client.get("/api/v1/customers/", HTTP_AUTHORIZATION="Bearer sk_nope")
    assert response.status_code == 401
