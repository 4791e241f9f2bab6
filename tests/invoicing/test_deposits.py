"""Deposits (acomptes) deducted on the final invoice keep VAT per rate right."""

from decimal import Decimal

import pytest

from solde.core.errors import Conflict, ValidationError
from solde.invoicing.services import invoice_deduct_deposit, invoice_issue
from tests.builders import line, make_invoice

pytestmark = pytest.mark.django_db


def _groups(invoice):
    return {(g.category, g.rate): (g.taxable, g.tax) for g in invoice.vat_breakdown.all()}


def test_deducting_a_deposit_lowers_each_vat_rate_by_the_deposit(company, customer):
    deposit = make_invoice(
        company, customer, kind="deposit", lines=[line("300", rate="20"), line("100", rate="5.5")]
    )
    final = make_invoice(
        company, customer, issue=False, lines=[line("1000", rate="20"), line("333.33", rate="5.5")]
    )
    final = invoice_issue(invoice=invoice_deduct_deposit(invoice=final, deposit=deposit))
    assert _groups(final) == {
        ("S", Decimal("5.5")): (Decimal("233.33"), Decimal("12.83")),
        ("S", Decimal("20")): (Decimal("700"), Decimal("140")),
    }
    full_total = Decimal("1000") * Decimal("1.2") + Decimal("333.33") + Decimal("18.33")
    assert final.total + deposit.total == full_total
    assert deposit.number == "FA-2026-00001" and final.number == "FA-2026-00002"


def test_a_deposit_is_deducted_only_once(company, customer):
    deposit = make_invoice(company, customer, kind="deposit", lines=[line("300")])
    first = make_invoice(company, customer, issue=False, lines=[line("1000")])
    invoice_issue(invoice=invoice_deduct_deposit(invoice=first, deposit=deposit))
    second = make_invoice(company, customer, issue=False, lines=[line("1000")])
    with pytest.raises(Conflict, match="already deducted"):
        invoice_deduct_deposit(invoice=second, deposit=deposit)


def test_only_an_issued_deposit_of_the_same_customer_can_be_deducted(company, customer):
    draft_deposit = make_invoice(company, customer, kind="deposit", issue=False)
    final = make_invoice(company, customer, issue=False)
    with pytest.raises(ValidationError):
        invoice_deduct_deposit(invoice=final, deposit=draft_deposit)
    other = make_invoice(company, kind="deposit")
    with pytest.raises(ValidationError, match="another customer"):
        invoice_deduct_deposit(invoice=final, deposit=other)
