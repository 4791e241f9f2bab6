"""What the reminder API tests share: keys of the seller's members, and a seller whose
run has chased two customers (one by email, one left to send by hand)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from solde.reminders.models import Reminder
from solde.reminders.run import reminders_run
from tests import builders
from tests.api.api_helpers import PROBLEM, client_for, ok

__all__ = ["PROBLEM", "chased", "due_invoice", "fields", "ok", "owner_api", "step_body"]


def owner_api(company, scope: str = "write"):
    """A key of the company's owner (the `seller` fixture makes one)."""
    owner = get_user_model().objects.get(memberships__company=company, memberships__role="owner")
    return client_for(owner, company, scope=scope)


def fields(response) -> list[str]:
    """The fields a problem document names."""
    assert response["Content-Type"] == PROBLEM, response.content
    return [error["field"] for error in response.json().get("errors", [])]


def due_invoice(company, customer, due: date, price: str = "100"):
    """An issued invoice due on `due`, 30 days after its issue, `price` + 20 % VAT."""
    return builders.make_invoice(
        company,
        customer,
        lines=[builders.line(price=price)],
        issue_date=due - timedelta(days=30),
        due_date=due,
    )


def chased(company) -> dict:
    """Today's run (2026-11-20) chases DUPONT by email and MARTIN (no address) by hand."""
    dupont = builders.make_customer(
        company, "DUPONT", name="Dupont SARL", email="compta@dupont.test"
    )
    martin = builders.make_customer(company, "MARTIN", name="Martin SA")
    first = due_invoice(company, dupont, date(2026, 11, 10))
    second = due_invoice(company, martin, date(2026, 11, 12), price="50")
    reminders_run(company=company)
    return {
        "dupont": dupont,
        "martin": martin,
        "dupont_invoice": first,
        "martin_invoice": second,
        "emailed": Reminder.objects.get(customer=dupont),
        "by_hand": Reminder.objects.get(customer=martin),
    }


def step_body(**extra) -> dict:
    return {
        "name": "Dernier rappel",
        "offset_days": 60,
        "channel": "email",
        "tone": "firm",
        "texts": {
            "fr": {"subject": "Factures impayées", "body": "Bonjour {customer},\n{invoices}"},
        },
        **extra,
    }
