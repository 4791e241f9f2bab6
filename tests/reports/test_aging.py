"""The aged balance at a date, on a ledger computed by hand (amounts at 0 % VAT)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from solde.core import clock
from solde.core.errors import ValidationError
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.services import allocation_undo, invoice_write_off, payment_record
from solde.reports.queries import aging, bucket_labels
from tests.builders import line, make_customer, make_invoice

pytestmark = pytest.mark.django_db

LABELS = ("not_due", "1_30", "31_60", "61_90", "over_90")


def D(text: str) -> Decimal:  # noqa: N802 - reads as a literal
    return Decimal(text)


def buckets(*values: str) -> dict[str, Decimal]:
    return dict(zip(LABELS, (D(v) for v in values), strict=True))


def invoice(company, customer, price, issued, due, **fields):
    return make_invoice(
        company,
        customer,
        lines=[line(price, rate="0")],
        issue_date=date.fromisoformat(issued),
        due_date=date.fromisoformat(due),
        **fields,
    )


@pytest.fixture
def ledger(company, other_company):
    """ALPHA, BETA, GAMMA (segments retail, wholesale, retail) and DELTA (USD only).

    Issued in date order (numbers are chronological); today is 2026-11-20.
    """
    alpha = make_customer(company, "ALPHA", name="Alpha SA", segment="retail")
    beta = make_customer(company, "BETA", name="Beta SARL", segment="wholesale")
    gamma = make_customer(company, "GAMMA", name="Gamma SAS", segment="retail")
    delta = make_customer(company, "DELTA", name="Delta Inc")
    b2 = invoice(company, beta, "400", "2026-07-01", "2026-07-31")
    b1 = invoice(company, beta, "800", "2026-08-01", "2026-08-31")
    g1 = invoice(company, gamma, "250", "2026-09-01", "2026-10-01")
    invoice(company, alpha, "300", "2026-09-30", "2026-10-20")  # A3
    invoice(company, alpha, "500", "2026-10-01", "2026-10-21")  # A2
    a1 = invoice(company, alpha, "1000", "2026-11-01", "2026-12-01")
    invoice(company, delta, "70", "2026-11-02", "2026-12-02", currency="USD")
    make_invoice(company, delta, lines=[line("999", rate="0")], issue=False)  # a draft
    invoice(
        other_company, make_customer(other_company, "ALPHA"), "5000", "2026-10-01", "2026-10-31"
    )

    payment_record(company=company, amount="150", date=date(2026, 11, 5), customer=gamma)
    payment_record(company=company, amount="200", date=date(2026, 11, 10), invoices=[b1])
    paid = payment_record(company=company, amount="100", date=date(2026, 11, 12), invoices=[a1])
    with clock.frozen(date(2026, 11, 15)):
        note = credit_note_create(invoice=b2, lines=[line("100", rate="0")], reason="Remise")
        invoice_issue(invoice=note)  # applied to B2 on its issue day
    with clock.frozen(date(2026, 11, 18)):
        allocation_undo(allocation=paid.allocations.get(), reason="Wrong invoice")
    invoice_write_off(invoice=g1, reason="Liquidation", bad_debt=True, day=date(2026, 11, 18))


def rows_of(report) -> dict:
    return {row.code: (row.name, row.buckets, row.credit) for row in report.rows}


def test_aged_balance_today_counts_every_settlement_dated_by_then(company, ledger):
    report = aging(company=company, as_of=date(2026, 11, 20))
    assert (report.currency, report.labels) == ("EUR", LABELS)
    # A2 is exactly 30 days past due (1_30), A3 31 (31_60); B1 81 days, 800 − 200 paid;
    # B2 112 days, 400 − 100 credited; G1 written off; A1's payment undone on the 18th.
    assert rows_of(report) == {
        "ALPHA": ("Alpha SA", buckets("1000", "500", "300", "0", "0"), D("100.00")),
        "BETA": ("Beta SARL", buckets("0", "0", "0", "600", "300"), D("0.00")),
        "GAMMA": ("Gamma SAS", buckets("0", "0", "0", "0", "0"), D("150.00")),
    }
    assert report.buckets == buckets("1000", "500", "300", "600", "300")
    assert report.total == D("2700.00")
    assert report.credit == D("250.00")  # Alpha's undone 100 and Gamma's unallocated 150
    assert report.other_currencies == {"USD": D("70.00")}
    assert str(report.buckets["not_due"]) == "1000.00"  # quantized to the cent


def test_aged_balance_before_a_payment_leaves_the_payment_out(company, ledger):
    report = aging(company=company, as_of=date(2026, 11, 9))
    # Before Beta's payment (10th), Alpha's (12th), the credit note (15th) and the
    # write-off (18th); A2 and A3 are then 19 and 20 days late, G1 39, B1 70, B2 101.
    assert rows_of(report) == {
        "ALPHA": ("Alpha SA", buckets("1000", "800", "0", "0", "0"), D("0.00")),
        "BETA": ("Beta SARL", buckets("0", "0", "0", "800", "400"), D("0.00")),
        "GAMMA": ("Gamma SAS", buckets("0", "0", "250", "0", "0"), D("150.00")),
    }
    assert report.total == D("3250.00")


def test_aged_balance_between_a_payment_and_its_undo(company, ledger):
    report = aging(company=company, as_of=date(2026, 11, 15))
    # Alpha's 100 is on A1 from the 12th until the 18th; the credit note applies on the 15th.
    assert report.buckets == buckets("900", "800", "250", "600", "300")
    assert rows_of(report)["ALPHA"][2] == D("0.00")
    assert report.credit == D("150.00")


def test_aged_balance_before_any_invoice_is_empty(company, ledger):
    report = aging(company=company, as_of=date(2026, 6, 30))
    assert report.rows == () and report.total == 0 and report.credit == 0
    assert report.other_currencies == {}


def test_aged_balance_by_segment_and_for_the_company_alone(company, ledger):
    by_segment = aging(company=company, as_of=date(2026, 11, 20), by="segment")
    assert rows_of(by_segment) == {
        "retail": ("retail", buckets("1000", "500", "300", "0", "0"), D("250.00")),
        "wholesale": ("wholesale", buckets("0", "0", "0", "600", "300"), D("0.00")),
    }
    alone = aging(company=company, as_of=date(2026, 11, 20), by=None)
    assert alone.rows == ()
    assert (alone.buckets, alone.credit) == (by_segment.buckets, by_segment.credit)


DUE = date(2026, 8, 30)


@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (-5, "not_due"),
        (0, "not_due"),  # due today: not late yet
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "over_90"),
        (400, "over_90"),
    ],
)
def test_an_invoice_is_aged_by_its_days_past_due(company, customer, days_past_due, bucket):
    invoice(company, customer, "10", "2026-07-01", DUE.isoformat())
    report = aging(company=company, as_of=DUE + timedelta(days=days_past_due))
    assert {k: v for k, v in report.buckets.items() if v} == {bucket: D("10.00")}


def test_boundaries_are_configurable(company, customer):
    invoice(company, customer, "10", "2026-07-01", DUE.isoformat())
    report = aging(company=company, as_of=DUE + timedelta(days=16), boundaries=(15, 45))
    assert report.labels == ("not_due", "1_15", "16_45", "over_45")
    assert report.buckets == dict(zip(report.labels, map(D, ["0", "0", "10", "0"]), strict=True))


@pytest.mark.parametrize("boundaries", [(), (0, 30), (60, 30), (30, 30), (30.5,)])
def test_bad_boundaries_are_refused(boundaries):
    with pytest.raises(ValidationError):
        bucket_labels(boundaries)


def test_an_unknown_grouping_is_refused(company):
    with pytest.raises(ValidationError):
        aging(company=company, as_of=date(2026, 11, 20), by="country")


def test_a_full_credit_note_leaves_only_what_it_did_not_apply_as_credit(company, customer):
    paid = invoice(company, customer, "300", "2026-10-01", "2026-10-31")
    payment_record(company=company, amount="100", date=date(2026, 11, 2), invoices=[paid])
    invoice_issue(invoice=credit_note_create(invoice=paid, reason="Annulée"))  # 300, today
    report = aging(company=company, as_of=date(2026, 11, 20))
    # 200 of the credit note settle the balance; the other 100 is credit, not a negative bucket.
    assert report.total == D("0.00") and report.credit == D("100.00")
    assert aging(company=company, as_of=date(2026, 11, 19)).buckets["1_30"] == D("200.00")


def test_the_database_aggregates_in_a_fixed_number_of_queries(
    company, ledger, django_assert_num_queries
):
    # GROUP BY for the buckets (1 on PostgreSQL, 2 on SQLite), 5 for the credit
    # (customer_balances), 1 for the names: as many for a million invoices as for these.
    buckets = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(buckets + 6) as context:
        aging(company=company, as_of=date(2026, 11, 20))
    bucket_sql = context.captured_queries[0]["sql"]
    assert "CASE WHEN" in bucket_sql and "GROUP BY" in bucket_sql
    with django_assert_num_queries(buckets + 5):  # totals only: no names to read
        aging(company=company, as_of=date(2026, 11, 20), by=None)
