"""A customer given a plan of its own goes back to following its segment's plan or the
default: through the service, the customer page's plan chooser and the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from solde.audit.models import AuditEvent
from solde.core.errors import ValidationError
from solde.reminders.models import CustomerReminders, ReminderPlan
from solde.reminders.run import reminders_run
from solde.reminders.services import customer_reminders_set, plan_create
from tests import builders
from tests.reminders.api_helpers import fields, ok, owner_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(seller, make_due):
    """EXP (segment "export", due J+3 today) given the plan "Grands comptes", which has
    no step; the "Export" plan takes the segment."""
    default = ReminderPlan.objects.get(is_default=True)
    export = plan_create(company=seller, name="Export", segments=["export"], copy_from=default)
    big = plan_create(company=seller, name="Grands comptes")
    customer = builders.make_customer(
        seller, "EXP", name="Export SA", email="compta@export.test", segment="export"
    )
    make_due(seller, customer, date(2026, 11, 17))
    customer_reminders_set(customer=customer, plan=big, paused=False)
    return {"customer": customer, "export": export, "big": big}


def _steps_sent_to(company, code: str) -> list[str]:
    messages = reminders_run(company=company, dry_run=True).messages
    return [m.step_id for m in messages if m.customer_code == code]


def test_follow_default_takes_the_customers_own_plan_away(seller, world):
    customer, export = world["customer"], world["export"]
    assert _steps_sent_to(seller, "EXP") == [], "its own plan has no step"
    customer_reminders_set(customer=customer, paused=True, reason="Appel")
    row = customer_reminders_set(customer=customer, follow_default=True)
    assert row.plan is None
    assert (row.paused, row.pause_reason) == (True, "Appel"), "the rest is left as it was"
    customer_reminders_set(customer=customer, paused=False)
    assert _steps_sent_to(seller, "EXP") == [export.steps.get(offset_days=3).pk]
    event = AuditEvent.objects.filter(action="customer.reminders").order_by("-id")[1]
    assert event.before["plan"] == world["big"].pk and event.after["plan"] is None


def test_a_plan_and_follow_default_together_are_refused(seller, world):
    with pytest.raises(ValidationError) as error:
        customer_reminders_set(
            customer=world["customer"], plan=world["export"], follow_default=True
        )
    assert error.value.field == "plan"
    assert CustomerReminders.objects.get(customer=world["customer"]).plan == world["big"]


def test_no_plan_given_still_leaves_the_plan(seller, world):
    customer_reminders_set(customer=world["customer"], excluded=True)
    assert CustomerReminders.objects.get(customer=world["customer"]).plan == world["big"]


def test_the_customer_pages_chooser_offers_the_segment_or_default_plan(login, seller, world):
    browser, customer = login("sales"), world["customer"]
    page_url = reverse("customer_detail", args=[seller.slug, customer.public_id])
    chooser = browser.get(page_url).content.decode().split('name="plan"')[1].split("</select>")[0]
    assert '<option value="default" >' in chooser and "(Export)" in chooser
    assert f'value="{world["big"].public_id}" selected' in chooser
    action = reverse("reminder_customer_set", args=[seller.slug, customer.public_id])
    assert browser.post(action, {"plan": "default"}).status_code == 302
    assert CustomerReminders.objects.get(customer=customer).plan is None
    page = browser.get(page_url).content.decode()
    assert '<option value="default" selected>' in page.split('name="plan"')[1]
    assert "Export" in page.split('id="customer-plan"')[1].split("</dd>")[0]


def test_the_api_takes_a_null_plan_as_back_to_the_default(seller, world):
    api, customer = owner_api(seller), world["customer"]
    url = f"/api/v1/customers/{customer.public_id}/reminders/"
    assert ok(api.get(url))["plan"]["name"] == "Grands comptes"
    assert ok(api.patch(url, {"excluded": True}, "json"))["plan"]["name"] == "Grands comptes"
    back = ok(api.patch(url, {"plan": None}, "json"))
    assert (back["plan"], back["excluded"]) == (None, True)
    response = api.patch(url, {"plan": "export"}, "json")
    assert (response.status_code, fields(response)) == (422, ["plan"])
