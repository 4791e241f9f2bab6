"""Roles and tenancy on every reminder endpoint: viewers and read keys read but never
write; sales people act; another company's objects answer 404 and never show in lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from solde.reminders.models import (
    CustomerReminders,
    Dispute,
    Promise,
    Reminder,
    ReminderPlan,
    ReminderStep,
)
from solde.reminders.services import dispute_open, payment_plan_record, promise_record
from tests import builders
from tests.api.api_helpers import client_for
from tests.reminders.api_helpers import PROBLEM, chased, due_invoice, ok, owner_api, step_body

pytestmark = pytest.mark.django_db

LISTS = ["reminder-plans", "reminders", "promises", "payment-plans", "disputes"]
PLANNED = "/api/v1/reminders/planned/?date=2026-11-25"


@pytest.fixture
def objects(seller):
    """One of each: reminders sent, a promise, a payment plan, a dispute; and an invoice
    of MARTIN's that nothing holds, planned for 2026-11-25."""
    world = chased(seller)
    today = date(2026, 11, 20)
    dupont, invoice = world["dupont"], world["dupont_invoice"]
    plan = ReminderPlan.objects.get(company=seller, is_default=True)
    due_invoice(seller, world["martin"], date(2026, 11, 12))
    return {
        **world,
        "plan": plan,
        "step": ReminderStep.objects.filter(plan=plan).first(),
        "promise": promise_record(
            customer=dupont, invoices=[invoice], promised_date=today + timedelta(days=30)
        ),
        "payment_plan": payment_plan_record(
            customer=world["martin"],
            invoices=[world["martin_invoice"]],
            instalments=[(today + timedelta(days=10), "60")],
        ),
        "dispute": dispute_open(invoice=invoice, reason="Livraison incomplète"),
    }


def details(o) -> list[str]:
    return [
        f"/api/v1/reminder-plans/{o['plan'].public_id}/",
        f"/api/v1/reminder-steps/{o['step'].pk}/",
        f"/api/v1/reminders/{o['emailed'].public_id}/",
        f"/api/v1/promises/{o['promise'].public_id}/",
        f"/api/v1/payment-plans/{o['payment_plan'].public_id}/",
        f"/api/v1/disputes/{o['dispute'].public_id}/",
        f"/api/v1/customers/{o['dupont'].public_id}/reminders/",
    ]


def writes(o) -> list[tuple[str, str, dict]]:
    """Every write of the reminder API, naming `seller`'s objects by their UUIDs."""
    customer, invoice = str(o["martin"].public_id), str(o["martin_invoice"].public_id)
    step = f"/api/v1/reminder-steps/{o['step'].pk}/"
    plan = str(o["plan"].public_id)
    return [
        ("post", f"/api/v1/reminder-plans/{o['plan'].public_id}/steps/", step_body()),
        ("patch", step, {"name": "Autre nom"}),
        ("put", step, step_body()),
        ("post", f"/api/v1/reminders/{o['by_hand'].public_id}/done/", {}),
        (
            "post",
            "/api/v1/promises/",
            {"customer": customer, "invoices": [invoice], "promised_date": "2026-12-01"},
        ),
        (
            "post",
            "/api/v1/payment-plans/",
            {
                "customer": customer,
                "invoices": [invoice],
                "instalments": [{"due_date": "2026-12-01", "amount": "60"}],
            },
        ),
        ("post", "/api/v1/disputes/", {"invoice": invoice, "reason": "Prix contesté"}),
        ("post", f"/api/v1/disputes/{o['dispute'].public_id}/resolve/", {"resolution": "Avoir"}),
        ("patch", f"/api/v1/customers/{o['dupont'].public_id}/reminders/", {"paused": True}),
        ("post", "/api/v1/reminder-plans/", {"name": "Nouveau", "copy_from": plan}),
        ("patch", f"/api/v1/reminder-plans/{plan}/", {"name": "Renommé"}),
        ("delete", f"/api/v1/reminder-plans/{plan}/", {}),
        ("delete", step, {}),
    ]


def send(client, method: str, url: str, body: dict):
    return getattr(client, method)(url, body, format="json")


def unchanged(o) -> None:
    """None of the writes above took effect."""
    assert ReminderStep.objects.filter(plan=o["plan"]).count() == 5
    o["step"].refresh_from_db()
    assert o["step"].name != "Autre nom"
    assert Reminder.objects.get(pk=o["by_hand"].pk).status == Reminder.OPEN
    assert Promise.objects.count() == 1
    assert Dispute.objects.get().resolved_on is None
    assert not CustomerReminders.objects.filter(paused=True).exists()
    assert not ReminderPlan.objects.filter(name="Nouveau").exists()
    (plan,) = ReminderPlan.objects.filter(company=o["plan"].company)
    assert (plan.name, plan.is_default) == ("Relances standard", True)


def test_the_owner_sees_everything(seller, objects):
    api = owner_api(seller)
    for url in details(objects):
        ok(api.get(url))
    for name in LISTS:
        assert ok(api.get(f"/api/v1/{name}/"))["count"] >= 1, name
    assert [m["customer_code"] for m in ok(api.get(PLANNED))["messages"]] == ["MARTIN"]


def test_a_viewer_reads_but_cannot_write(seller, objects):
    viewer = client_for(builders.make_user(seller, "viewer"), seller)
    for url in details(objects):
        ok(viewer.get(url))
    for name in LISTS:
        assert ok(viewer.get(f"/api/v1/{name}/"))["count"] >= 1, name
    assert ok(viewer.get(PLANNED))["messages"]
    for method, url, body in writes(objects):
        response = send(viewer, method, url, body)
        assert (response.status_code, response["Content-Type"]) == (403, PROBLEM), url
    unchanged(objects)


def test_a_read_key_cannot_write(seller, objects):
    reader = owner_api(seller, scope="read")
    ok(reader.get("/api/v1/reminders/"))
    for method, url, body in writes(objects):
        response = send(reader, method, url, body)
        assert (response.status_code, response["Content-Type"]) == (403, PROBLEM), url
    unchanged(objects)


def test_sales_and_accountants_act(seller, objects):
    for role, (method, url, body) in zip(
        ["sales", "accountant"], [writes(objects)[4], writes(objects)[3]], strict=True
    ):
        member = client_for(builders.make_user(seller, role), seller)
        assert send(member, method, url, body).status_code in (200, 201), (role, url)


def test_an_outsider_gets_404_and_sees_nothing(outsider, other_company, objects):
    outsider_api = client_for(outsider, other_company)
    for url in details(objects):
        response = outsider_api.get(url)
        assert (response.status_code, response["Content-Type"]) == (404, PROBLEM), url
    for name in LISTS:
        assert ok(outsider_api.get(f"/api/v1/{name}/"))["count"] == 0, name
    assert ok(outsider_api.get(PLANNED))["messages"] == []


def test_an_outsider_cannot_act_on_anything(outsider, other_company, objects):
    outsider_api = client_for(outsider, other_company)
    for method, url, body in writes(objects):
        response = send(outsider_api, method, url, body)
        assert (response.status_code, response["Content-Type"]) == (404, PROBLEM), url
    unchanged(objects)


def test_an_outsider_cannot_name_anothers_objects_in_a_filter_or_body(
    outsider, other_company, objects
):
    outsider_api = client_for(outsider, other_company)
    customer, invoice = objects["dupont"], objects["dupont_invoice"]
    for query in [
        f"reminders/?customer={customer.public_id}",
        f"reminders/?invoice={invoice.public_id}",
        f"promises/?customer={customer.public_id}",
        f"payment-plans/?customer={customer.public_id}",
    ]:
        assert outsider_api.get(f"/api/v1/{query}").status_code == 404, query
    own = builders.make_customer(other_company, "OWN")
    url = f"/api/v1/customers/{own.public_id}/reminders/"
    ok(outsider_api.get(url))
    assert (
        send(outsider_api, "patch", url, {"plan": str(objects["plan"].public_id)}).status_code
        == 404
    )
    assert ok(outsider_api.get(url))["plan"] is None
