"""A seller with the default French plan and customers with email addresses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from solde.reminders.services import plan_default_ensure
from tests import builders


@pytest.fixture
def seller(db):
    company = builders.make_seller("relances")
    builders.make_user(company, "owner", email="patron@lumiere.test")
    plan_default_ensure(company=company)
    return company


@pytest.fixture
def make_due():
    """An issued invoice of `customer`, due on `due`, for `price` excl. VAT (20 %)."""

    def make(company, customer, due: date, price: str = "100", issued: date | None = None):
        issued = issued or due - timedelta(days=30)
        return builders.make_invoice(
            company,
            customer,
            lines=[builders.line(price=price)],
            issue_date=issued,
            due_date=due,
        )

    return make


FRIDAY = date(2026, 11, 20)  # the suite's frozen today; the next working day is Monday 23


@pytest.fixture
def sent(seller, make_due):
    """A run of today behind us: an email (DUPONT), a reminder to send by hand (MARTIN,
    no address), a formal notice letter (LEGRAND) and an escalation task (ROUX); then a
    new overdue invoice (PETIT) for the next run. Returns the customers and invoices."""
    from solde.reminders.run import reminders_run

    made = {}  # in due-date order: invoice numbers follow issue dates
    for code, due, email in (
        ("ROUX", date(2026, 10, 1), "compta@roux.test"),
        ("LEGRAND", date(2026, 10, 15), "compta@legrand.test"),
        ("DUPONT", date(2026, 11, 10), "compta@dupont.test"),
        ("MARTIN", date(2026, 11, 12), ""),
    ):
        customer = builders.make_customer(seller, code, name=f"{code.title()} SARL", email=email)
        made[code] = (customer, make_due(seller, customer, due, price="1000"))
    reminders_run(company=seller, today=FRIDAY)
    petit = builders.make_customer(seller, "PETIT", name="Petit SAS", email="petit@petit.test")
    made["PETIT"] = (petit, make_due(seller, petit, date(2026, 11, 18), price="250"))
    return made


@pytest.fixture
def login(client, seller):
    """login(role) signs a new member of the seller with that role in; "owner" is the
    fixture's owner."""

    def sign_in(role: str = "owner"):
        from django.contrib.auth import get_user_model

        if role == "owner":
            user = get_user_model().objects.get(username="patron@lumiere.test")
        else:
            user = builders.make_user(seller, role)
        client.force_login(user)
        return client

    return sign_in
