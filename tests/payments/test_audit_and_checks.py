"""Every state change leaves an audit event; cached balances can be rebuilt and compared."""

from datetime import date

import pytest

from solde.audit.models import AuditEvent
from solde.invoicing.models import Invoice
from solde.payments.checks import check_caches
from solde.payments.services import allocation_undo, invoice_write_off, payment_record
from tests.builders import make_invoice

pytestmark = pytest.mark.django_db


def test_state_changes_are_audited_with_before_and_after(company, customer, owner):
    invoice = make_invoice(company, customer, issue_date=date(2026, 11, 2))
    payment = payment_record(
        company=company, amount="100", date=date(2026, 11, 5), invoices=[invoice], actor=owner
    )
    allocation_undo(allocation=payment.allocations.get(), reason="erreur", actor=owner)
    invoice_write_off(invoice=invoice, reason="Litige perdu", bad_debt=True, actor=owner)
    actions = list(AuditEvent.objects.filter(company=company).values_list("action", flat=True))
    for expected in (
        "invoice.create",
        "invoice.issue",
        "payment.record",
        "allocation.payment",
        "allocation.undo",
        "allocation.write_off",
    ):
        assert expected in actions
    undo = AuditEvent.objects.get(company=company, action="allocation.undo")
    assert undo.actor == owner
    assert undo.before["balance"] == "20.00" and undo.after["balance"] == "120.00"


def test_check_finds_and_rebuilds_a_drifted_cache(company, customer):
    invoice = make_invoice(company, customer, issue_date=date(2026, 11, 2))
    payment_record(company=company, amount="20", date=date(2026, 11, 5), invoices=[invoice])
    assert check_caches(company=company) == []
    Invoice.objects.filter(pk=invoice.pk).update(balance=1)  # a cache gone wrong
    problems = check_caches(company=company, fix=True)
    assert len(problems) == 1 and invoice.number in problems[0]
    invoice.refresh_from_db()
    assert invoice.balance == 100 and check_caches(company=company) == []


def test_check_finds_and_rebuilds_a_wrong_paid_in_full_date(company, customer):
    # The reports skip invoices paid in full by the day asked (paid_on), so that date
    # is checked too: 120 paid on 2026-11-05 and 2026-11-09 → paid in full on 11-09.
    invoice = make_invoice(company, customer, issue_date=date(2026, 11, 2))
    payment_record(company=company, amount="60", date=date(2026, 11, 5), invoices=[invoice])
    payment_record(company=company, amount="60", date=date(2026, 11, 9), invoices=[invoice])
    assert check_caches(company=company) == []
    Invoice.objects.filter(pk=invoice.pk).update(paid_on=date(2026, 11, 5))
    problems = check_caches(company=company, fix=True)
    assert problems == [
        f"{invoice.number}: cached paid-in-full date 2026-11-05, allocations say 2026-11-09"
    ]
    invoice.refresh_from_db()
    assert invoice.paid_on == date(2026, 11, 9) and check_caches(company=company) == []
