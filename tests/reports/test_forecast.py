"""The cash-in forecast from the database, on the ledger of forecast_ledger.py.

Habits at 2026-11-20 (delays = paid_on − due): ALPHA has its own, from P1 (+2), P2 (+5)
and P3 (−1): low −1, median 2, high 5, worst 5. BETA (only P4) and GAMMA (none) use the
company's, pooled from −1, 2, 5 and 20: low −1 (rank 1), median 2 (rank 2), high 20
(rank ⌈3.2⌉ = 4).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solde.payments.services import allocation_undo, payment_record
from solde.reports.forecast import forecast, forecast_vs_actual
from solde.reports.queries import aging
from tests.reports.forecast_ledger import build, day

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def ledger(company, other_company):
    return build(company, other_company)


def weeks_of(made, count: int | None = None) -> list[tuple]:
    return [(w.expected, w.low, w.high, w.invoices) for w in made.weeks[:count]]


def amounts(expected, low, high, *invoices) -> tuple:
    return (D(expected), D(low), D(high), tuple(i.pk for i in invoices))


def test_the_forecast_today(company, ledger):
    made = forecast(company=company, as_of=day("11-20"))
    A1, A2, B1 = ledger["A1"], ledger["A2"], ledger["B1"]  # noqa: N806 - the ledger's names
    assert made.weeks[0].start == day("11-21") and made.weeks[0].end == day("11-27")
    assert weeks_of(made, 7) == [
        # A2 (400 left, due 11-14): expected 11-16, already past, so the 21st (to the 23rd).
        amounts("400.00", "400.00", "400.00", A2),
        # A1 (due 11-30): 11-29 .. 12-02 .. 12-05.
        amounts("1000.00", "0.00", "1000.00", A1),
        # B1 (due 12-10, the company's habit): 12-09 .. 12-12 .. 12-30.
        amounts("0.00", "0.00", "1500.00"),
        amounts("500.00", "0.00", "500.00", B1),
        amounts("0.00", "0.00", "500.00"),
        amounts("0.00", "0.00", "500.00"),  # 12-26 .. 01-01
        amounts("0.00", "0.00", "0.00"),
    ]
    assert len(made.weeks) == 13 and made.weeks[12].end == date(2027, 2, 19)
    assert made.total_expected == D("1900.00")
    # B2 is disputed, G1 is 112 days past due.
    assert made.not_expected == D("550.00")
    assert set(made.not_expected_invoices) == {ledger["B2"].pk, ledger["G1"].pk}
    assert (made.beyond, made.beyond_invoices) == (D("0.00"), ())
    assert made.other_currencies == {"USD": D("70.00")}
    assert made.currency == "EUR"


def test_the_forecast_before_a_payment(company, ledger):
    made = forecast(company=company, as_of=day("11-17"))  # A2's 200 comes on the 18th
    A1, A2, B1 = ledger["A1"], ledger["A2"], ledger["B1"]  # noqa: N806
    assert weeks_of(made, 7) == [
        amounts("600.00", "600.00", "600.00", A2),  # 11-18 .. 11-21, all in week 1
        amounts("0.00", "0.00", "1000.00"),  # A1 from 11-29
        amounts("1000.00", "0.00", "1000.00", A1),  # 12-02 .. 12-05
        amounts("500.00", "0.00", "500.00", B1),  # 12-09 .. 12-12 ..
        amounts("0.00", "0.00", "500.00"),
        amounts("0.00", "0.00", "500.00"),
        amounts("0.00", "0.00", "500.00"),  # .. 12-30, in 12-30 .. 01-05
    ]
    assert made.not_expected == D("550.00")


def test_the_forecast_months_ago_knows_only_the_history_of_then(company, ledger):
    """At 08-15, only P1 (+2) and P2 (+5) were paid: ALPHA has too few, and everyone uses
    the company's habit 2, 2, 5. P4 is disputed then (08-10 .. 08-20)."""
    made = forecast(company=company, as_of=day("08-15"))
    # G1 (due 07-31) expected 08-02, past: 08-16 .. 08-19, week 1. P3 (due 08-31):
    # 09-02 .. 09-02 .. 09-05, week 3 (08-30 .. 09-05).
    assert weeks_of(made, 4) == [
        amounts("250.00", "250.00", "250.00", ledger["G1"]),
        amounts("0.00", "0.00", "0.00"),
        amounts("300.00", "300.00", "300.00", ledger["P3"]),
        amounts("0.00", "0.00", "0.00"),
    ]
    assert (made.not_expected, made.not_expected_invoices) == (D("400.00"), (ledger["P4"].pk,))
    assert made.total_expected == D("550.00")


@pytest.mark.parametrize("as_of", ["08-15", "11-11", "11-17", "11-20"])
def test_the_forecast_shares_out_the_aged_balance(company, ledger, as_of):
    made = forecast(company=company, as_of=day(as_of))
    assert made.open_total == aging(company=company, as_of=day(as_of), by=None).total


def test_a_later_payment_leaves_a_past_forecast_unchanged(company, ledger):
    before = forecast(company=company, as_of=day("11-19"))
    payment_record(company=company, amount="1000", date=day("11-20"), invoices=[ledger["A1"]])
    assert forecast(company=company, as_of=day("11-19")) == before
    today = forecast(company=company, as_of=day("11-20"))
    assert today.weeks[1].expected == D("0.00")  # A1 is paid
    assert today.total_expected == D("900.00")


def test_a_later_undo_leaves_a_past_forecast_unchanged(company, ledger):
    before = forecast(company=company, as_of=day("11-18"))
    allocation_undo(allocation=ledger["P1"].allocations.get(), reason="Rejeté")  # on 11-20
    assert forecast(company=company, as_of=day("11-18")) == before
    # Today P1 is open again, 143 days past due: not expected. ALPHA, left with P2 (+5)
    # and P3 (−1), uses the company's habit −1, 5, 20: A1 (due 11-30) on 12-05, week 3.
    today = forecast(company=company, as_of=day("11-20"))
    assert today.not_expected == D("650.00")
    assert ledger["P1"].pk in today.not_expected_invoices
    assert today.weeks[2].invoices == (ledger["A1"].pk,)


def test_forecast_against_what_came_in(company, ledger):
    """Made at 08-15, 13 weeks to 11-14. Came in on the invoices issued by then: P3's 300
    on 08-30 (week 3) and P4's 400 on 09-20 (week 6: 09-20 .. 09-26)."""
    result = forecast_vs_actual(company=company, made_on=day("08-15"))
    assert result.known_until == day("11-14")  # all 13 weeks are over today
    rows = {k + 1: (w.expected, w.actual, w.difference) for k, w in enumerate(result.weeks)}
    assert rows[1] == (D("250.00"), D("0.00"), D("-250.00"))
    assert rows[3] == (D("300.00"), D("300.00"), D("0.00"))
    assert rows[6] == (D("0.00"), D("400.00"), D("400.00"))
    assert all(rows[k] == (D("0.00"), D("0.00"), D("0.00")) for k in (2, 4, 5, *range(7, 14)))
    # MAPE over the weeks with something expected: (250/250 + 0/300) / 2 = 50 %.
    assert result.mape == D("50.00")
    assert (result.total_expected, result.total_actual, result.difference) == (
        D("550.00"),
        D("700.00"),
        D("150.00"),
    )


def test_forecast_against_what_came_in_so_far(company, ledger):
    result = forecast_vs_actual(company=company, made_on=day("08-15"), as_of=day("09-10"))
    # Weeks 1 to 3 are over on 09-10 (week 3 ends 09-05); week 4 ends 09-12.
    assert [w.actual for w in result.weeks[:4]] == [D("0.00"), D("0.00"), D("300.00"), None]
    assert all(w.actual is None for w in result.weeks[3:])
    assert result.mape == D("50.00")
    assert result.total_actual == D("300.00")


def test_the_forecast_runs_a_fixed_number_of_queries(company, ledger, django_assert_num_queries):
    with django_assert_num_queries(4):  # disputes, open balances, paid history (2)
        forecast(company=company, as_of=day("11-20"))
    with django_assert_num_queries(5):  # and the receipts
        forecast_vs_actual(company=company, made_on=day("08-15"))


def test_another_companys_forecast_is_its_own(other_company, ledger):
    made = forecast(company=other_company, as_of=day("11-20"))
    # Its one invoice (due 10-31), no history: expected on its due date, past, so 11-21.
    assert weeks_of(made, 2) == [
        amounts("5000.00", "5000.00", "5000.00", ledger["OTHER"]),
        amounts("0.00", "0.00", "0.00"),
    ]
    assert made.total_expected == D("5000.00") and made.other_currencies == {}
