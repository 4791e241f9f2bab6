"""From statement to allocations: automatic matches, suggestions, people's decisions, learning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solde.banking.models import BankLine, PayerRule
from solde.banking.queries import allocation_export, review_queue
from solde.banking.review import line_accept, line_allocate, line_ignore, line_undo
from solde.banking.services import statement_import
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.payments.services import allocation_undo
from tests import builders
from tests.banking.statements import camt, credit

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def _invoice(company, customer, price):
    return builders.make_invoice(
        company,
        customer,
        lines=[
            builders.line(
                price=price, rate="0", vat_category="E", exemption_reason="Article 261 du CGI"
            )
        ],
    )


def _import(company, lines, name="releve.xml"):
    return statement_import(company=company, data=camt(lines), file_name=name)


@pytest.fixture
def dupont(company):
    return builders.make_customer(company, "DUPONT", name="Dupont SARL")


def test_a_transfer_naming_its_invoice_is_allocated_automatically(company, dupont):
    invoice = _invoice(company, dupont, "1200.00")
    text = f"VIR SEPA DUPONT SARL FACTURE {invoice.number}"
    result = _import(company, [credit("1200.00", text, name="DUPONT SARL", ref="B1", day=DAY)])
    assert (result.auto_matched, result.suggested, result.unmatched) == (1, 0, 0)
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0"), Invoice.PAID)
    line = BankLine.objects.get(company=company)
    assert (line.status, line.how) == (BankLine.MATCHED, "auto")
    assert line.proposals[0]["reasons"], "an automatic match says why"
    (row,) = allocation_export(company=company)
    assert (row.bank_ref, row.invoice, row.amount, row.how) == (
        "B1",
        invoice.number,
        Decimal("1200.000"),
        "auto",
    )


def test_one_transfer_for_several_invoices_and_undoing_one_keeps_the_others(company, dupont):
    first, second = _invoice(company, dupont, "300.00"), _invoice(company, dupont, "450.00")
    text = f"DUPONT SARL FACT {first.number} {second.number}"
    result = _import(company, [credit("750.00", text, name="DUPONT SARL", ref="G1", day=DAY)])
    assert result.auto_matched == 1
    allocations = list(Allocation.objects.filter(company=company).order_by("invoice_id"))
    assert [a.invoice_id for a in allocations] == [first.pk, second.pk]
    allocation_undo(allocation=allocations[0], reason="wrong invoice")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.balance == Decimal("300.00") and second.balance == Decimal("0")
    assert Allocation.objects.active().filter(company=company).count() == 1


def test_an_overpayment_leaves_customer_credit(company, dupont):
    invoice = _invoice(company, dupont, "100.00")
    _import(company, [credit("130.00", f"FACT {invoice.number}", name="Dupont SARL", day=DAY)])
    line = BankLine.objects.get(company=company)
    assert line.status == BankLine.MATCHED
    assert line.payment.unallocated == Decimal("30.00")


def test_debits_are_never_matched(company, dupont):
    invoice = _invoice(company, dupont, "100.00")
    result = _import(company, [credit("-100.00", f"FACT {invoice.number}", day=DAY)])
    assert (result.debits, result.auto_matched) == (1, 0)
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("100.00")


def test_two_equal_invoices_without_reference_wait_for_a_person(company, dupont):
    _invoice(company, dupont, "500.00")
    _invoice(company, dupont, "500.00")
    result = _import(company, [credit("500.00", "VIREMENT", name="DUPONT SARL", day=DAY)])
    assert result.auto_matched == 0
    (line,) = review_queue(company=company)
    assert line.status == BankLine.SUGGESTED and len(line.proposals) >= 2


def test_accepting_a_suggestion_confirms_it(company, dupont):
    _invoice(company, dupont, "500.00")
    _invoice(company, dupont, "500.00")
    _import(company, [credit("500.00", "VIREMENT", name="DUPONT SARL", day=DAY)])
    line = BankLine.objects.get(company=company)
    line = line_accept(line=line, index=1)
    assert (line.status, line.how) == (BankLine.MATCHED, "confirmed")
    assert Allocation.objects.get(company=company).how == "confirmed"


def test_a_correction_teaches_the_payer_for_the_next_statement(company, dupont):
    builders.make_customer(company, "MARTIN", name="Martin et Fils")
    first = _invoice(company, dupont, "640.00")
    second = _invoice(company, dupont, "910.00")
    payer = {"name": "SCI LES TILLEULS", "iban": "FR1420041010050500013M02606"}
    _import(company, [credit("640.00", "LOYER", **payer, ref="L1", day=DAY)], name="nov.xml")
    line = BankLine.objects.get(company=company)
    assert line.status != BankLine.MATCHED
    line_allocate(line=line, customer=dupont, allocations=[(first, "640.00")])
    assert PayerRule.objects.filter(company=company, customer=dupont).exists()
    result = _import(
        company, [credit("910.00", "REGLEMENT", **payer, ref="L2", day=DAY)], name="dec.xml"
    )
    assert result.auto_matched == 1
    second.refresh_from_db()
    assert second.balance == Decimal("0")


def test_ignoring_a_payer_for_good_ignores_its_next_lines(company, dupont):
    _invoice(company, dupont, "75.00")
    payer = {"name": "DGFIP REMBOURSEMENT", "iban": "FR7610071750000000100005678"}
    _import(company, [credit("75.00", "REMB TVA", **payer, ref="T1", day=DAY)], name="a.xml")
    line = BankLine.objects.get(company=company)
    line_ignore(line=line, reason="VAT refund", never_customer=True)
    result = _import(
        company, [credit("75.00", "REMB TVA", **payer, ref="T2", day=DAY)], name="b.xml"
    )
    assert (result.ignored, result.auto_matched) == (1, 0)


def test_undoing_a_match_puts_the_line_back_and_reopens_the_invoice(company, dupont):
    invoice = _invoice(company, dupont, "200.00")
    _import(company, [credit("200.00", f"FACT {invoice.number}", name="Dupont", day=DAY)])
    line = BankLine.objects.get(company=company)
    line = line_undo(line=line, reason="duplicate transfer")
    invoice.refresh_from_db()
    assert line.status in BankLine.OPEN_STATUSES and line.payment is None
    assert invoice.balance == Decimal("200.00")
    assert allocation_export(company=company) == []
