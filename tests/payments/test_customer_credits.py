"""`customer_credits` (from the caches and what moved since) against `customer_balances`
(every row), at dates around each change: a payment left partly unused, then used, one
cancelled, an allocation undone, a credit note applied later."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.core import clock
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.queries import customer_balances, customer_credits
from solde.payments.services import (
    allocation_create,
    allocation_undo,
    credit_note_apply,
    payment_cancel,
    payment_record,
)
from tests.builders import line, make_customer, make_invoice

pytestmark = pytest.mark.django_db

D = date(2026, 10, 1)


def reference(company, day) -> dict[int, Decimal]:
    rows = customer_balances(company, day)
    return {r.customer_id: r.credit for r in rows if r.credit and r.currency == company.currency}


def test_credit_at_every_day_equals_the_full_computation(company, customer):
    other = make_customer(company, "BETA", name="Beta SARL")
    a = make_invoice(company, customer, issue_date=D)  # 120.00
    b = make_invoice(company, customer, issue_date=D)
    c = make_invoice(company, other, issue_date=D)
    with clock.frozen(D + timedelta(days=2)):
        # 200 for a (120): 80 left as credit on day 2
        big = payment_record(
            company=company, amount="200", date=D + timedelta(days=2), invoices=[a]
        )
    with clock.frozen(D + timedelta(days=5)):
        big.refresh_from_db()
        b.refresh_from_db()
        allocation_create(payment=big, invoice=b, day=D + timedelta(days=5))  # credit used on day 5
    with clock.frozen(D + timedelta(days=3)):
        cancelled = payment_record(
            company=company, amount="50", date=D + timedelta(days=3), customer=other
        )
    with clock.frozen(D + timedelta(days=8)):
        payment_cancel(payment=cancelled, reason="rejeté")  # credit of 50 from day 3 to day 7
    with clock.frozen(D + timedelta(days=4)):
        paid_c = payment_record(
            company=company, amount="120", date=D + timedelta(days=4), invoices=[c]
        )
    with clock.frozen(D + timedelta(days=9)):
        allocation_undo(
            allocation=paid_c.allocations.get(), reason="erreur"
        )  # 120 credit from day 9
    with clock.frozen(D + timedelta(days=6)):
        # a is paid, so the note is not applied at once: 10 of credit from day 6
        note = invoice_issue(invoice=credit_note_create(invoice=a, lines=[line("10", rate="0")]))
    with clock.frozen(D + timedelta(days=12)):
        b.refresh_from_db()
        note.refresh_from_db()
        credit_note_apply(credit_note=note, invoice=b, day=D + timedelta(days=12))
    seen = []
    for offset in range(-1, 16):
        day = D + timedelta(days=offset)
        expected = reference(company, day)
        assert customer_credits(company, day) == expected, day
        seen.append(expected)
    # The scenario does move the credit (seen[i] is day D + i - 1): 80 on day 2,
    # 80 + 50 on days 3..4, the cancelled 50 alone on days 5..7, the note's 10 from day 6,
    # the undone 120 from day 9, the note used on day 12.
    assert seen[3] == {customer.pk: Decimal("80.00")}
    assert seen[4] == {customer.pk: Decimal("80.00"), other.pk: Decimal("50.00")}
    assert seen[6] == {other.pk: Decimal("50.00")}
    assert seen[7] == {customer.pk: Decimal("10.00"), other.pk: Decimal("50.00")}
    assert seen[10] == {customer.pk: Decimal("10.00"), other.pk: Decimal("120.00")}
    assert seen[14] == {other.pk: Decimal("120.00")}
