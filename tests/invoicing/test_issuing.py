"""Issuing: legal numbers, chronological and gapless; frozen parties; legal terms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.core.errors import Conflict, ValidationError
from solde.customers.services import customer_update
from solde.invoicing.models import Invoice, SeriesCounter
from solde.invoicing.services import invoice_create, invoice_issue
from tests.builders import line, make_invoice

pytestmark = pytest.mark.django_db


def test_issuing_takes_the_next_number_of_the_series(company, customer):
    first = make_invoice(company, customer, issue_date=date(2026, 11, 2))
    second = make_invoice(company, customer, issue_date=date(2026, 11, 3))
    assert (first.number, second.number) == ("FA-2026-00001", "FA-2026-00002")
    assert first.state == Invoice.ISSUED and first.status == Invoice.OPEN


def test_a_draft_has_no_number_and_numbers_follow_issue_order(company, customer):
    draft = make_invoice(company, customer, issue=False)
    assert draft.number == ""
    issued = make_invoice(company, customer)
    assert issued.number == "FA-2026-00001"
    assert invoice_issue(invoice=draft).number == "FA-2026-00002"


def test_numbers_restart_each_year(company, customer):
    make_invoice(company, customer, issue_date=date(2025, 12, 31))
    assert make_invoice(company, customer, issue_date=date(2026, 1, 2)).number == "FA-2026-00001"


def test_an_invoice_cannot_be_dated_before_the_last_one_issued(company, customer):
    make_invoice(company, customer, issue_date=date(2026, 11, 10))
    draft = make_invoice(company, customer, issue=False)
    with pytest.raises(Conflict, match="2026-11-10"):
        invoice_issue(invoice=draft, issue_date=date(2026, 11, 9))
    assert invoice_issue(invoice=draft, issue_date=date(2026, 11, 10)).number == "FA-2026-00002"


def test_a_refused_issue_leaves_no_gap(company, customer):
    make_invoice(company, customer)
    empty = invoice_create(company=company, customer=customer, lines=[])
    with pytest.raises(ValidationError):
        invoice_issue(invoice=empty)
    assert SeriesCounter.objects.get(series__company=company, series__kind="invoice").last_seq == 1
    assert make_invoice(company, customer).number == "FA-2026-00002"


def test_future_dates_and_negative_totals_are_refused(company, customer, frozen_today):
    draft = make_invoice(company, customer, issue=False)
    with pytest.raises(ValidationError, match="future"):
        invoice_issue(invoice=draft, issue_date=frozen_today + timedelta(days=1))
    negative = make_invoice(company, customer, lines=[line("10", qty="-1")], issue=False)
    with pytest.raises(ValidationError):
        invoice_issue(invoice=negative)


def test_due_date_defaults_to_the_terms_and_respects_the_legal_ceiling(company, customer):
    invoice = make_invoice(company, customer, issue_date=date(2026, 11, 1))
    assert invoice.due_date == date(2026, 12, 1)
    too_late = make_invoice(company, customer, issue=False, due_date=date(2027, 3, 1))
    with pytest.raises(ValidationError, match="L441-10"):
        invoice_issue(invoice=too_late, issue_date=date(2026, 11, 2))


def test_the_buyer_is_frozen_at_issue(company, customer):
    invoice = make_invoice(company, customer)
    customer_update(customer=customer, name="Dupont & Fils SARL")
    invoice.refresh_from_db()
    assert invoice.buyer_snapshot["name"] == "Dupont SARL"
    assert invoice.seller_snapshot["siren"] == "732829320"


def test_totals_and_vat_breakdown_are_stored_at_issue(company, customer):
    invoice = make_invoice(
        company,
        customer,
        lines=[
            line("100", "3", "20"),
            line("49.99", "2", "5.5"),
            line("10", "1", "20"),
        ],
    )
    assert (invoice.total_excl_tax, invoice.total_tax, invoice.total) == (
        Decimal("409.98"),
        Decimal("67.50"),
        Decimal("477.48"),
    )
    breakdown = [(g.rate, g.taxable, g.tax) for g in invoice.vat_breakdown.all()]
    assert breakdown == [
        (Decimal("5.5"), Decimal("99.98"), Decimal("5.50")),
        (Decimal("20"), Decimal("310"), Decimal("62")),
    ]
    assert invoice.balance == invoice.total
