"""The receivables figures at a date, on the ledger of kpi_ledger.py computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from solde.core.errors import ValidationError
from solde.reports.kpis import CustomerStats, Summary, customer_stats, kpis, summary
from solde.reports.queries import aging
from tests.builders import line, make_invoice
from tests.reports.kpi_ledger import build, day

pytestmark = pytest.mark.django_db


def D(text: str) -> Decimal:  # noqa: N802 - reads as a literal
    return Decimal(text)


@pytest.fixture
def ledger(company, other_company):
    return build(company, other_company)


def test_summary_today(company, ledger):
    # Open: I1 600 − 200 = 400 (due 07-31), I6 250 (due 10-01), I5 300 (due 12-05);
    # I2, I3 (1000 − 100 − 900) and I4 (500, the undone 100 back) are paid.
    # Disputed: I6 only (I1's dispute ended 10-01). Credit: ALPHA's 50 + BETA's undone 100.
    assert summary(company, day("11-20")) == Summary(
        as_of=day("11-20"),
        currency="EUR",
        receivables=D("950.00"),
        not_due=D("300.00"),
        overdue=D("650.00"),
        disputed=D("250.00"),
        credit=D("150.00"),
    )


def test_summary_before_payments_and_during_a_dispute_since_resolved(company, ledger):
    # 09-15: I1 600 (its dispute open 09-01 .. 10-01), I2 paid 09-10, I6 250 not yet due.
    assert summary(company=company, as_of=day("09-15")) == Summary(
        as_of=day("09-15"),
        currency="EUR",
        receivables=D("850.00"),
        not_due=D("250.00"),
        overdue=D("600.00"),
        disputed=D("600.00"),
        credit=D("0.00"),
    )
    # 10-31: I1 400, I3 1000 (due that very day: not overdue yet), I4 500 − the 100 then
    # in force, I6 250 (disputed).
    october = summary(company, day("10-31"))
    assert (october.receivables, october.not_due, october.disputed) == (
        D("2050.00"),
        D("1400.00"),
        D("250.00"),
    )


@pytest.mark.parametrize("as_of", ["07-15", "09-15", "10-31", "11-11", "11-20"])
def test_summary_agrees_with_the_aged_balance(company, ledger, as_of):
    aged = aging(company=company, as_of=day(as_of), by=None)
    figures = summary(company, day(as_of))
    assert (figures.receivables, figures.not_due, figures.credit) == (
        aged.total,
        aged.buckets["not_due"],
        aged.credit,
    )


def test_kpis_today_over_90_days(company, ledger):
    k = kpis(company=company, as_of=day("11-20"))
    # Window 08-23 .. 11-20; opening at 08-22: I1 600 + I2 400 = 1000, nothing paid yet.
    assert (k.days, k.receivables, k.not_due, k.overdue) == (90, D("950.00"), D("300"), D("650"))
    assert (k.disputed, k.credit, k.opening) == (D("250.00"), D("150.00"), D("1000.00"))
    # Invoiced: I6 250 + I3 1000 + I4 500 + I5 300 − the credit note's 100 = 1950.
    assert k.invoiced == D("1950.00")
    assert k.dso == D("43.8")  # 950 / 1950 × 90 = 43.85
    assert k.best_possible_dso == D("13.8")  # 300 / 1950 × 90 = 13.85
    # Count-back: November (20 days) sold 300 − 100 = 200, leaving 750 of the 950;
    # October sold 1500: 750 / 1500 × 31 = 15.5 days; 20 + 15.5.
    assert k.count_back_dso == D("35.5")
    # CEI = (1000 + 1950 − 950) / (1000 + 1950 − 300) = 2000 / 2650 = 75.47 %.
    assert k.cei == D("75.47")
    assert k.turnover == D("2.00")  # 1950 / ((1000 + 950) / 2)
    # Paid in full in the window: I2 (26 days, on time), I4 (23, on time), I3 (48, 18 late).
    assert (k.invoices_paid, k.on_time_rate) == (3, D("66.67"))
    assert k.average_days_to_pay == D("32.3")  # 97 / 3
    assert k.average_days_late == D("6.0")  # (0 + 0 + 18) / 3
    # Doubtful: I1's 400 (112 days past due) + I6's 250 (disputed) = 650 / 950.
    assert (k.doubtful, k.doubtful_ratio) == (D("650.00"), D("68.42"))


def test_kpis_as_of_a_date_before_two_payments(company, ledger):
    # 11-11: before I4's 500 (11-12) and I3's 900 (11-18), after the credit note (11-10)
    # and the undo (11-08). Open: I1 400, I3 900, I4 500, I5 300, I6 250 = 2350;
    # not due: I4 (due 11-19) and I5 = 800. Credit: BETA's undone 100.
    k = kpis(company, day("11-11"))
    assert (k.receivables, k.not_due, k.overdue) == (D("2350.00"), D("800.00"), D("1550.00"))
    assert (k.disputed, k.credit) == (D("250.00"), D("100.00"))
    # Window 08-14 .. 11-11: I2 400 + I6 250 + I3 1000 + I4 500 + I5 300 − 100 = 2350;
    # opening at 08-13: I1's 600.
    assert (k.invoiced, k.opening) == (D("2350.00"), D("600.00"))
    assert k.dso == D("90.0")  # 2350 / 2350 × 90
    assert k.best_possible_dso == D("30.6")  # 800 / 2350 × 90 = 30.64
    # Count-back: Nov 1-11 200 (11 days), Oct 1500 (31), Sep 250 (30) leave 400 of the
    # 2350, which August's 400 uses up in its 31 days: 11 + 31 + 30 + 31.
    assert k.count_back_dso == D("103.0")
    assert k.cei == D("27.91")  # (600 + 2350 − 2350) / (600 + 2350 − 800) = 600 / 2150
    assert k.turnover == D("1.59")  # 2350 / ((600 + 2350) / 2) = 1.593
    # Only I2 was paid in full by then: 26 days, on time.
    assert (k.invoices_paid, k.on_time_rate) == (1, D("100.00"))
    assert (k.average_days_to_pay, k.average_days_late) == (D("26.0"), D("0.0"))
    assert k.doubtful_ratio == D("27.66")  # (400 + 250) / 2350


def test_kpis_over_another_number_of_days(company, ledger):
    k = kpis(company=company, as_of=day("11-20"), days=30)
    # Window 10-22 .. 11-20: I5 300 − 100 = 200; opening at 10-21: I1 400, I6 250,
    # I3 1000, I4 500 = 2150. Paid in the window: I4 (11-12) and I3 (11-18).
    assert (k.invoiced, k.opening) == (D("200.00"), D("2150.00"))
    assert k.dso == D("142.5")  # 950 / 200 × 30
    assert k.cei == D("68.29")  # (2150 + 200 − 950) / (2150 + 200 − 300) = 1400 / 2050
    assert (k.invoices_paid, k.on_time_rate, k.average_days_late) == (2, D("50.00"), D("9.0"))


def test_figures_are_undefined_without_sales_or_payments(company, customer):
    make_invoice(company, customer, lines=[line("100", rate="0")], issue_date=date(2025, 1, 6))
    k = kpis(company, date(2026, 11, 20))
    # Nothing invoiced or paid in the last 90 days: the DSOs and the payment figures have
    # no denominator; the receivables did not turn over (0 / 100).
    assert (k.invoiced, k.dso, k.best_possible_dso) == (D("0.00"), None, None)
    assert k.turnover == D("0.00")
    assert (k.on_time_rate, k.average_days_to_pay, k.average_days_late) == (None, None, None)
    assert k.cei == D("0.00")  # 100 collectible at the start, nothing collected
    # 2026-11-20 back to 2025-02-01 sold nothing: 658 days; January 2025's 100 uses up
    # the 100 receivable in its 31 days: 658 + 31.
    assert k.count_back_dso == D("689.0")
    assert k.doubtful_ratio == D("100.00")
    empty = kpis(company, date(2024, 12, 31))
    assert (empty.receivables, empty.dso, empty.count_back_dso, empty.doubtful_ratio) == (
        D("0.00"),
        None,
        D("0.0"),
        None,
    )


@pytest.mark.parametrize("days", [0, -5, 1.5, True])
def test_a_window_must_be_whole_days(company, days):
    with pytest.raises(ValidationError):
        kpis(company, date(2026, 11, 20), days=days)


def test_customer_stats(company, ledger):
    alpha, beta = ledger["alpha"].pk, ledger["beta"].pk
    # ALPHA: I2 (26 days, on time) and I3 (48 days, 18 late) paid; I5 300 and I6 250
    # (overdue) open. BETA: I4 (23 days, on time) paid; I1 400 open, overdue.
    assert customer_stats(company, day("11-20")) == {
        alpha: CustomerStats(2, D("37.0"), D("9.0"), D("50.00"), D("550.00"), D("250.00")),
        beta: CustomerStats(1, D("23.0"), D("0.0"), D("100.00"), D("400.00"), D("400.00")),
    }
    november = customer_stats(company=company, as_of=day("11-20"), start=day("11-01"))
    assert november[alpha] == CustomerStats(
        1, D("48.0"), D("18.0"), D("0.00"), D("550.00"), D("250.00")
    )
    # 10-31: nothing of BETA paid in full yet; I1 400 overdue, I4 400 not due.
    assert customer_stats(company, day("10-31"))[beta] == CustomerStats(
        0, None, None, None, D("800.00"), D("400.00")
    )


def test_figures_take_a_fixed_number_of_queries(company, ledger, django_assert_num_queries):
    balance = 1 if connection.vendor == "postgresql" else 2  # queries for balances at a day
    with django_assert_num_queries(balance + 5):  # and 5 for the credit
        summary(company, day("11-20"))
    both = 1 if connection.vendor == "postgresql" else 4  # at the date and the window's eve
    with django_assert_num_queries(both + 8):
        kpis(company, day("11-20"))
    with django_assert_num_queries(balance + 1):
        customer_stats(company, day("11-20"))
