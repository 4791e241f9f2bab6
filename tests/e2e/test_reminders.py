"""Chasing customers in the browser: what the next run sends, a step's wording edited with
a live preview on a real customer, a customer's reminders paused, a task marked done."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from solde.reminders.models import CustomerReminders, Reminder, ReminderStep
from solde.reminders.run import reminders_run
from solde.reminders.services import plan_default_ensure, reminder_settings_set
from tests.builders import line, make_customer, make_invoice
from tests.e2e.test_daily_work import sign_in, text_of

pytestmark = pytest.mark.django_db(transaction=True)
SUBJECT = "Votre règlement de {total_due} est attendu — {company}"


def _due(company, customer, due: date, price: str):
    return make_invoice(
        company,
        customer,
        lines=[line(price=price, description="Luminaires")],
        issue_date=due - timedelta(days=30),
        due_date=due,
    )


@pytest.fixture
def chased(seller):
    """The default plan, switched on. Today (Friday 20/11/2026) ROUX's escalation task was
    made; on Monday 23/11 the run sends MARTIN the formal notice (J+30) and DUPONT the
    friendly reminder (J+3). Invoices are made in issue-date order (numbers follow it)."""
    plan_default_ensure(company=seller)
    reminder_settings_set(company=seller, reminders_enabled=True)
    roux = make_customer(seller, "ROUX", name="Roux Menuiserie", email="compta@roux.test")
    roux_invoice = _due(seller, roux, date(2026, 10, 6), "1800")
    reminders_run(company=seller)
    martin = make_customer(seller, "MARTIN", name="Martin et Fils", email="martin@fils.test")
    dupont = make_customer(seller, "DUPONT", name="Dupont Éclairage", email="a@dupont.test")
    return {
        "roux": (roux, roux_invoice),
        "martin": (martin, [_due(seller, martin, date(2026, 10, 24), "2400")]),
        "dupont": (
            dupont,
            [_due(seller, dupont, date(2026, 11, 20), p) for p in ("350", "120")],
        ),
    }


def _numbers(invoices) -> list[str]:
    return [invoice.number for invoice in invoices]


def test_chasing_customers(page, live_server, seller, chased, shoot):
    martin, martin_invoices = chased["martin"]
    dupont, dupont_invoices = chased["dupont"]
    sign_in(page, live_server)

    page.get_by_role("link", name="Relances", exact=True).click()
    page.get_by_role("heading", name=re.compile("Prévu le 23 nov. 2026")).wait_for()
    planned = page.locator("table[aria-labelledby=planned] tbody tr")
    assert planned.count() == 2
    rows = {text_of(planned.nth(i)) for i in range(2)}
    martin_row = next(r for r in rows if "Martin et Fils" in r)
    assert "Mise en demeure" in martin_row and martin_invoices[0].number in martin_row
    dupont_row = next(r for r in rows if "Dupont Éclairage" in r)
    assert "Relance amiable" in dupont_row
    assert all(number in dupont_row for number in _numbers(dupont_invoices))
    assert "Roux Menuiserie" in text_of(page.locator("table[aria-labelledby=waiting]"))
    shoot("reminders")

    # The friendly step's French subject, previewed for one customer then another.
    page.get_by_role("button", name="Plans de relance").click()
    page.get_by_role("link", name="Relance amiable", exact=True).click()
    page.get_by_role("textbox", name="Objet").first.fill(SUBJECT)
    preview = page.locator("#preview")
    chooser = page.get_by_label("Aperçu pour le client")
    for customer, invoices, total in (
        (martin, martin_invoices, "2 880,00 €"),
        (dupont, dupont_invoices, "564,00 €"),
    ):
        chooser.select_option(str(customer.public_id))
        expected = f"Votre règlement de {total} est attendu — {seller.name}"
        page.wait_for_function(
            "([text, name]) => document.querySelector('#preview .preview-subject')"
            "?.textContent.replace(/[\\u202f\\u00a0]/g, ' ') === text"
            " && document.querySelector('#preview').textContent.includes(name)",
            arg=[expected, customer.name],
        )
        shown = text_of(preview)
        assert all(number in shown for number in _numbers(invoices)), shown
        others = martin_invoices if customer == dupont else dupont_invoices
        assert not any(number in shown for number in _numbers(others)), shown
    shoot("reminder-step")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Étape Relance amiable enregistrée.").wait_for()
    step = ReminderStep.objects.get(plan__company=seller, name="Relance amiable")
    assert step.texts["fr"]["subject"] == SUBJECT

    # Dupont asked for time: its reminders are paused, and Monday's run leaves it out.
    page.goto(f"{live_server.url}/c/{seller.slug}/customers/{dupont.public_id}/")
    page.get_by_label("Motif de la suspension").fill("Règlement annoncé par téléphone")
    page.get_by_role("button", name="Suspendre les relances").click()
    state = page.locator("#customer-reminders-state")
    state.filter(has_text="Règlement annoncé par téléphone").wait_for()
    assert text_of(state) == "Suspendue — Règlement annoncé par téléphone"
    assert CustomerReminders.objects.get(customer=dupont).paused

    page.get_by_role("link", name="Relances", exact=True).click()
    planned = page.locator("table[aria-labelledby=planned] tbody tr")
    assert planned.count() == 1 and "Martin et Fils" in text_of(planned)
    waiting = page.locator("table[aria-labelledby=waiting]")
    waiting.get_by_role("row", name=re.compile("Roux Menuiserie")).get_by_role("button").click()
    page.get_by_text("Marquée comme traitée.").wait_for()
    assert "Aucune action manuelle en attente." in text_of(waiting)
    assert Reminder.objects.get(customer=chased["roux"][0]).status == Reminder.DONE
