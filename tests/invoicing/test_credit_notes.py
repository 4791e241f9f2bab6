"""Credit notes: they reference the invoice they correct and never leave stray cents."""

from decimal import Decimal

import pytest

from solde.core.errors import Conflict, ValidationError
from solde.invoicing.models import Invoice
from solde.invoicing.services import credit_note_create, invoice_cancel, invoice_issue
from solde.payments.queries import customer_balance
from tests.builders import line, make_invoice

pytestmark = pytest.mark.django_db

AWKWARD = [line("33.333", "3", "20"), line("0.015", "7", "5.5"), line("19.99", "1.5", "10")]


def test_a_full_credit_note_zeroes_the_invoice_exactly(company, customer):
    invoice = make_invoice(company, customer, lines=AWKWARD)
    note = invoice_issue(invoice=credit_note_create(invoice=invoice, reason="Erreur"))
    invoice.refresh_from_db()
    assert note.number == "AV-2026-00001"
    assert note.corrects == invoice and note.total == invoice.total
    assert invoice.balance == Decimal("0") and invoice.status == "cancelled"
    assert note.balance == Decimal("0")


def test_a_partial_credit_note_lowers_the_balance(company, customer):
    invoice = make_invoice(company, customer, lines=[line("100", "3")])
    invoice_issue(invoice=credit_note_create(invoice=invoice, lines=[line("100", "1")]))
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("240.00")
    assert invoice.status == "partially_paid"


def test_a_small_credit_never_marks_an_invoice_paid(company, customer):
    invoice = make_invoice(company, customer, lines=[line("100")])
    invoice_issue(invoice=credit_note_create(invoice=invoice, lines=[line("0.01", rate="0")]))
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("119.99")
    assert invoice.status != "paid"


def test_cannot_credit_more_than_is_left(company, customer):
    invoice = make_invoice(company, customer, lines=[line("100")])
    invoice_issue(invoice=credit_note_create(invoice=invoice, lines=[line("60")]))
    with pytest.raises(ValidationError, match="exceeds"):
        credit_note_create(invoice=invoice, lines=[line("50")])


def test_a_credit_note_on_a_paid_invoice_becomes_customer_credit(company, customer):
    from solde.payments.services import payment_record

    invoice = make_invoice(company, customer, lines=[line("100")])
    payment_record(company=company, amount="120", date=invoice.issue_date, invoices=[invoice])
    note = invoice_issue(invoice=credit_note_create(invoice=invoice, lines=[line("50")]))
    assert note.balance == Decimal("60.00")
    balance = customer_balance(company, customer.pk, note.issue_date)["EUR"]
    assert (balance.receivable, balance.credit, balance.balance) == (
        Decimal("0"),
        Decimal("60"),
        Decimal("-60"),
    )


def test_cancel_issues_a_full_credit_note(company, customer):
    invoice = make_invoice(company, customer, lines=AWKWARD)
    note = invoice_cancel(invoice=invoice, reason="Commande annulée")
    invoice.refresh_from_db()
    assert note.kind == Invoice.CREDIT_NOTE and invoice.status == "cancelled"
    with pytest.raises(ValidationError):
        invoice_cancel(invoice=invoice, reason=" ")


def test_only_issued_invoices_can_be_credited(company, customer):
    draft = make_invoice(company, customer, issue=False)
    with pytest.raises(Conflict):
        credit_note_create(invoice=draft)
