"""Reminders on the customer and invoice pages: plan, pause, exclusion, promises,
payment plans, the timelines, and disputes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from solde.reminders.models import CustomerReminders, Dispute, PaymentPlan, Promise, ReminderPlan
from tests import builders

pytestmark = pytest.mark.django_db


def url(name, company, *args):
    return reverse(name, args=[company.slug, *args])


def test_the_customer_page_shows_its_plan_and_timeline(login, seller, sent):
    dupont, invoice = sent["DUPONT"]
    page = login("viewer").get(url("customer_detail", seller, dupont.public_id)).content.decode()
    timeline = page.split('id="reminder-timeline"')[1]
    assert "Relances standard" in page.split('id="customer-plan"')[1].split("</dd>")[0]
    assert "Relance amiable" in timeline and invoice.number in timeline
    assert "1\u202f200,00" in timeline
    reminder_link = reverse("reminder_detail", args=[seller.slug, _reminder_id(dupont)])
    assert reminder_link in timeline, "a link to the text as sent"
    assert url("reminder_promise", seller, dupont.public_id) not in page, "viewers only read"


def _reminder_id(customer):
    from solde.reminders.models import Reminder

    return Reminder.objects.get(customer=customer).public_id


def _state(page: str) -> str:
    return page.split('id="customer-reminders-state"')[1].split("</dd>")[0]


def test_pausing_and_resuming_a_customer(login, seller, sent):
    browser = login("sales")
    dupont, _invoice = sent["DUPONT"]
    action = url("reminder_customer_set", seller, dupont.public_id)
    response = browser.post(action, {"paused": "1", "reason": "Redressement judiciaire"})
    assert response.status_code == 302
    row = CustomerReminders.objects.get(customer=dupont)
    assert (row.paused, row.pause_reason) == (True, "Redressement judiciaire")
    page = browser.get(url("customer_detail", seller, dupont.public_id)).content.decode()
    assert "Redressement judiciaire" in _state(page)
    browser.post(action, {"paused": "0"})
    row.refresh_from_db()
    assert (row.paused, row.pause_reason) == (False, "")


def test_excluding_a_customer_and_choosing_its_plan(login, seller, sent):
    browser = login("owner")
    dupont, _invoice = sent["DUPONT"]
    big = ReminderPlan.objects.create(company=seller, name="Grands comptes")
    action = url("reminder_customer_set", seller, dupont.public_id)
    browser.post(action, {"excluded": "1"})
    browser.post(action, {"plan": str(big.public_id)})
    row = CustomerReminders.objects.get(customer=dupont)
    assert row.excluded and row.plan == big
    page = browser.get(url("customer_detail", seller, dupont.public_id)).content.decode()
    assert "Grands comptes" in page.split('id="customer-plan"')[1].split("</dd>")[0]
    other = builders.make_company("ailleurs")
    foreign = ReminderPlan.objects.create(company=other, name="Autre")
    refused = browser.post(action, {"plan": str(foreign.public_id)}, follow=True)
    assert "plan n’existe pas" in refused.content.decode()
    row.refresh_from_db()
    assert row.plan == big


def test_recording_a_promise_from_the_customer_page(login, seller, sent):
    browser = login("accountant")
    dupont, invoice = sent["DUPONT"]
    response = browser.post(
        url("reminder_promise", seller, dupont.public_id),
        {
            "invoices": [str(invoice.public_id)],
            "promised_date": "2026-11-30",
            "amount": "1 200,00",
            "note": "Au téléphone",
        },
    )
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert (promise.promised_date, promise.amount) == (date(2026, 11, 30), Decimal("1200.00"))
    assert list(promise.invoices.all()) == [invoice]
    page = browser.get(url("customer_detail", seller, dupont.public_id)).content.decode()
    timeline = page.split('id="reminder-timeline"')[1]
    assert "30 nov. 2026" in timeline and "Au téléphone" in timeline


def test_a_promise_in_the_past_is_refused_with_its_reason(login, seller, sent):
    dupont, invoice = sent["DUPONT"]
    response = login("owner").post(
        url("reminder_promise", seller, dupont.public_id),
        {"invoices": [str(invoice.public_id)], "promised_date": "2026-11-01"},
        follow=True,
    )
    assert "date ultérieure" in response.content.decode()
    assert not Promise.objects.exists()


def test_a_promise_cannot_name_another_customers_invoice(login, seller, sent):
    dupont, _invoice = sent["DUPONT"]
    _petit, theirs = sent["PETIT"]
    response = login("owner").post(
        url("reminder_promise", seller, dupont.public_id),
        {"invoices": [str(theirs.public_id)], "promised_date": "2026-11-30"},
        follow=True,
    )
    assert "appartenir à ce client" in response.content.decode()
    assert not Promise.objects.exists()


def test_recording_a_payment_plan(login, seller, sent):
    browser = login("owner")
    legrand, invoice = sent["LEGRAND"]
    response = browser.post(
        url("reminder_payment_plan", seller, legrand.public_id),
        {
            "invoices": [str(invoice.public_id)],
            "instalment_date": ["2026-12-15", "2026-11-30", "", ""],
            "instalment_amount": ["600", "600,00", "", ""],
        },
    )
    assert response.status_code == 302
    plan = PaymentPlan.objects.get()
    assert [(i.due_date, i.amount) for i in plan.instalments.all()] == [
        (date(2026, 11, 30), Decimal("600.00")),
        (date(2026, 12, 15), Decimal("600.00")),
    ]
    page = browser.get(url("customer_detail", seller, legrand.public_id)).content.decode()
    timeline = page.split('id="reminder-timeline"')[1]
    assert "15 déc. 2026" in timeline and invoice.number in timeline


def test_a_payment_plan_without_instalments_is_refused(login, seller, sent):
    legrand, invoice = sent["LEGRAND"]
    response = login("owner").post(
        url("reminder_payment_plan", seller, legrand.public_id),
        {"invoices": [str(invoice.public_id)], "instalment_date": [""], "instalment_amount": [""]},
        follow=True,
    )
    assert "doit comporter des échéances" in response.content.decode()
    assert not PaymentPlan.objects.exists()


def test_the_invoice_page_shows_the_reminders_that_chased_it(login, seller, sent):
    legrand, invoice = sent["LEGRAND"]
    page = login("viewer").get(url("invoice_detail", seller, invoice.public_id)).content.decode()
    section = page.split('id="invoice-reminders"')[1]
    assert "Mise en demeure" in section
    assert "Par la présente, nous vous mettons en demeure" in section, "the text as sent"
    assert url("reminder_dispute_open", seller, invoice.public_id) not in page


def test_opening_and_resolving_a_dispute_from_the_invoice_page(login, seller, sent):
    browser = login("owner")
    dupont, invoice = sent["DUPONT"]
    accountant = builders.make_user(seller, "accountant", email="compta@lumiere.test")
    response = browser.post(
        url("reminder_dispute_open", seller, invoice.public_id),
        {"reason": "Livraison incomplète", "owner": str(accountant.pk)},
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.reason, dispute.owner, dispute.resolved_on) == (
        "Livraison incomplète",
        accountant,
        None,
    )
    invoice.refresh_from_db()
    assert invoice.disputed
    page = browser.get(url("invoice_detail", seller, invoice.public_id)).content.decode()
    assert "compta@lumiere.test" in page.split('id="open-dispute"')[1].split("</p>")[0]
    resolve = url("reminder_dispute_resolve", seller, dispute.public_id)
    assert resolve in page
    browser.post(resolve, {"resolution": "Reliquat livré"})
    dispute.refresh_from_db()
    invoice.refresh_from_db()
    assert dispute.resolved_on == date(2026, 11, 20) and dispute.resolution == "Reliquat livré"
    assert not invoice.disputed
    page = browser.get(url("invoice_detail", seller, invoice.public_id)).content.decode()
    assert "Reliquat livré" in page.split('id="invoice-disputes"')[1]


def test_a_dispute_owner_must_be_a_member(login, seller, sent):
    _dupont, invoice = sent["DUPONT"]
    stranger = get_user_model().objects.create(username="x@ailleurs.test", email="x@ailleurs.test")
    response = login("owner").post(
        url("reminder_dispute_open", seller, invoice.public_id),
        {"reason": "Prix", "owner": str(stranger.pk)},
        follow=True,
    )
    assert "doit être membre de l’entreprise" in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_dispute_needs_a_resolution(login, seller, sent):
    browser = login("owner")
    _dupont, invoice = sent["DUPONT"]
    browser.post(url("reminder_dispute_open", seller, invoice.public_id), {"reason": "Prix"})
    dispute = Dispute.objects.get()
    response = browser.post(
        url("reminder_dispute_resolve", seller, dispute.public_id), {"resolution": " "}, follow=True
    )
    assert "comment le litige s’est conclu" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.resolved_on is None
