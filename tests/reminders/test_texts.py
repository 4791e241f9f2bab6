"""Reminder wording: amounts written as the rest of the mail is, placeholders filled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from solde.mail import compose
from solde.reminders import defaults, texts

CURRENCIES = ("EUR", "USD", "GBP", "CHF", "JPY", "KWD", "HUF")


@given(
    cents=st.integers(min_value=-(10**12), max_value=10**12),
    currency=st.sampled_from(CURRENCIES),
    language=st.sampled_from(("fr", "en")),
)
def test_fast_money_writes_what_mail_compose_writes(cents, currency, language):
    amount = Decimal(cents).scaleb(-2)
    if currency == "JPY":
        amount = Decimal(cents)
    if currency == "KWD":
        amount = Decimal(cents).scaleb(-3)
    assert texts.money(amount, currency, language) == compose.money(amount, currency, language)


def test_values_fill_every_placeholder_and_only_those():
    chased = [
        texts.Chased("FA-1", date(2026, 9, 1), date(2026, 10, 1), Decimal("1200.00"), 32,
                     Decimal("12.78"), Decimal("40")),
        texts.Chased("FA-2", date(2026, 9, 15), date(2026, 10, 15), Decimal("300.50"), 18),
    ]  # fmt: skip
    filled = texts.values(
        company_name="Lumière", customer_name="Dupont", iban="FR76 3000", chased=chased,
        currency="EUR", language="fr",
    )  # fmt: skip
    assert tuple(filled) == defaults.PLACEHOLDERS
    assert filled["total_due"] == compose.money(Decimal("1500.50"), "EUR", "fr")
    assert filled["total_with_fees"] == compose.money(Decimal("1553.28"), "EUR", "fr")
    assert filled["days_overdue"] == "32" and filled["oldest_due_date"] == "01/10/2026"
    assert (
        filled["invoices"].splitlines()[0].startswith("• FA-1 du 01/09/2026, échéance 01/10/2026")
    )
    assert "(32 jours de retard)" in filled["invoices"]


def test_every_default_wording_uses_known_placeholders_only():
    for *_, wording in defaults.DEFAULT_STEPS:
        for text in wording.values():
            assert texts.unknown_placeholders(text["subject"] + text["body"]) == []
