"""The 13-week cash-in forecast computed by hand: habits (percentiles of payment delays),
expected days, the band, what is not expected, and the comparison afterwards."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.errors import ValidationError
from solde.core.forecast import (
    BEYOND_HABIT,
    COMPANY,
    CUSTOMER,
    DISPUTED,
    NO_HABIT,
    OVERDUE,
    Habit,
    OpenItem,
    PaidRecord,
    compare,
    expect,
    forecast,
    habit_of,
    habits,
    mape,
    percentile,
    recent_history,
    week_bounds,
    week_index,
)

D = Decimal
AS_OF = date(2026, 11, 20)


def day(text: str) -> date:
    return date.fromisoformat(text)


def paid(customer, due: str, delay: int) -> PaidRecord:
    due_date = day(due)
    return PaidRecord(customer, due_date, due_date + timedelta(days=delay), D("100.00"))


# --- habits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        ([-2, 0, 3, 5, 10], 20, -2),  # rank ceil(20 x 5 / 100) = 1
        ([-2, 0, 3, 5, 10], 50, 3),  # rank ceil(2.5) = 3
        ([-2, 0, 3, 5, 10], 80, 5),  # rank 4
        ([1, 2, 3, 4], 50, 2),  # rank 2: the lower middle
        ([1, 2, 3, 4], 80, 4),  # rank ceil(3.2) = 4
        ([7], 20, 7),  # rank at least 1
    ],
)
def test_percentiles_by_nearest_rank(values, pct, expected):
    assert percentile(values, pct) == expected


def test_a_habit_from_delays_and_none_without():
    assert habit_of([10, -2, 5, 0, 3], CUSTOMER) == Habit(-2, 3, 5, 10, 5, CUSTOMER)
    assert habit_of([], CUSTOMER) == NO_HABIT == Habit(0, 0, 0, 0, 0, "none")


def test_only_the_twelve_most_recently_paid_by_as_of_count():
    # 13 invoices due on the 1st of each month, paid 2 days late, but the oldest (due
    # 2025-09-01) 60 days late, on 2025-10-31: it is the 13th most recently paid, so it
    # is dropped; one paid after as_of is not known yet.
    history = [paid("A", "2025-09-01", 60)] + [
        paid("A", f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02d}-01", 2) for m in range(11, 23)
    ]
    later = PaidRecord("A", day("2026-11-01"), day("2026-11-21"), D("1"))
    recent = recent_history([*history, later], AS_OF)
    assert len(recent["A"]) == 12
    assert recent["A"][0].due_date == day("2026-10-01")  # the newest first
    assert {r.delay for r in recent["A"]} == {2}
    own, pooled = habits([*history, later], AS_OF)
    assert own["A"] == Habit(2, 2, 2, 2, 12, CUSTOMER)


def test_few_paid_invoices_fall_back_on_the_company_habit():
    history = [paid("A", f"2026-0{m}-01", delay) for m, delay in enumerate((-2, 0, 3, 5, 10), 1)]
    history += [paid("B", "2026-07-01", 20), paid("B", "2026-08-01", 30)]
    own, pooled = habits(history, AS_OF)
    assert own == {"A": Habit(-2, 3, 5, 10, 5, CUSTOMER)}  # B has only 2: no habit of its own
    # Pooled delays -2, 0, 3, 5, 10, 20, 30: ranks ceil(1.4) = 2, ceil(3.5) = 4, ceil(5.6) = 6.
    assert pooled == Habit(0, 5, 20, 30, 7, COMPANY)
    assert habits([], AS_OF) == ({}, NO_HABIT)


# --- one invoice -----------------------------------------------------------------

HABIT_A = Habit(low=-2, median=3, high=5, worst=10, count=5, source=CUSTOMER)


def item(due: str, balance="100.00", disputed=False, id_="X", customer="A") -> OpenItem:
    return OpenItem(id_, customer, day(due), D(balance), disputed)


def test_an_invoice_is_expected_on_its_due_date_plus_the_median_delay():
    e = expect(item("2026-11-25"), HABIT_A, AS_OF)
    assert (e.early, e.expected_on, e.late, e.reason) == (
        day("2026-11-23"),  # 25 − 2
        day("2026-11-28"),  # 25 + 3
        day("2026-11-30"),  # 25 + 5
        "",
    )


def test_an_invoice_later_than_its_habit_is_expected_the_day_after_as_of():
    # Due 2026-11-10, habit says the 13th: already past. The window moves by 8 days so
    # the expected day is the 21st; it keeps its 2 days after (to the 23rd); its start
    # (the 8th) cannot be in the past either.
    e = expect(item("2026-11-10"), HABIT_A, AS_OF)
    assert (e.early, e.expected_on, e.late) == (
        day("2026-11-21"),
        day("2026-11-21"),
        day("2026-11-23"),
    )


def test_a_window_starting_in_the_past_starts_the_day_after_as_of():
    e = expect(item("2026-11-19"), HABIT_A, AS_OF)  # 17th .. 22nd .. 24th
    assert (e.early, e.expected_on, e.late) == (
        day("2026-11-21"),
        day("2026-11-22"),
        day("2026-11-24"),
    )


@pytest.mark.parametrize(
    ("due", "disputed", "habit", "reason"),
    [
        ("2026-12-01", True, HABIT_A, DISPUTED),  # not even due, but disputed
        ("2026-08-21", False, Habit(0, 50, 80, 200, 5, CUSTOMER), OVERDUE),  # 91 days late
        ("2026-08-22", False, Habit(0, 50, 80, 200, 5, CUSTOMER), ""),  # 90 days: still hoped for
        ("2026-10-10", False, HABIT_A, BEYOND_HABIT),  # 41 days late > worst 10 + 30
        ("2026-10-11", False, HABIT_A, ""),  # 40 days late: worst + 30 exactly
        ("2026-10-10", False, Habit(-2, 3, 5, 10, 7, COMPANY), ""),  # not its own habit
    ],
)
def test_what_is_not_expected(due, disputed, habit, reason):
    e = expect(item(due, disputed=disputed), habit, AS_OF)
    assert e.reason == reason
    assert (e.expected_on is None) == bool(reason)


# --- the 13 weeks ----------------------------------------------------------------


def test_weeks_are_the_seven_days_after_as_of_then_each_next_seven():
    bounds = week_bounds(AS_OF)
    assert len(bounds) == 13
    assert bounds[0] == (day("2026-11-21"), day("2026-11-27"))
    assert bounds[1] == (day("2026-11-28"), day("2026-12-04"))
    assert bounds[12] == (day("2027-02-13"), day("2027-02-19"))  # as_of + 85 .. + 91
    assert week_index(AS_OF, AS_OF) is None
    assert week_index(AS_OF, day("2026-11-27")) == 0
    assert week_index(AS_OF, day("2026-11-28")) == 1
    assert week_index(AS_OF, day("2027-02-19")) == 12
    assert week_index(AS_OF, day("2027-02-20")) is None


@pytest.fixture
def made():
    """A (5 paid: delays −2, 0, 3, 5, 10), B (2 paid: 20, 30), C (none): B and C use the
    company's habit low 0, median 5, high 20 (see the fallback test)."""
    history = [paid("A", f"2026-0{m}-01", delay) for m, delay in enumerate((-2, 0, 3, 5, 10), 1)]
    history += [paid("B", "2026-07-01", 20), paid("B", "2026-08-01", 30)]
    items = [
        item("2026-11-25", "1000.00", id_="A1"),  # 23rd .. 28th (week 2) .. 30th
        item("2026-11-10", "500.00", id_="A2"),  # late: 21st .. 21st (week 1) .. 23rd
        item("2026-09-30", "200.00", id_="A3"),  # 51 days late > 10 + 30: beyond habit
        item("2026-12-01", "300.00", id_="B1", customer="B"),  # Dec 1 .. 6 (week 3) .. 21
        item("2026-11-30", "400.00", id_="B2", customer="B", disputed=True),
        item("2026-08-01", "250.00", id_="C1", customer="C"),  # 111 days late
        item("2027-02-10", "600.00", id_="C2", customer="C"),  # Feb 10 .. 15 (week 13) .. Mar 2
        item("2027-03-01", "700.00", id_="C3", customer="C"),  # Mar 6: after the 13 weeks
    ]
    return forecast(items, history, AS_OF, currency="EUR")


def test_the_forecast_by_hand(made):
    weeks = {k + 1: (w.expected, w.low, w.high, w.invoices) for k, w in enumerate(made.weeks)}
    assert weeks[1] == (D("500.00"), D("500.00"), D("1500.00"), ("A2",))  # A1 may come too
    assert weeks[2] == (D("1000.00"), D("0.00"), D("1300.00"), ("A1",))  # A1, maybe B1
    assert weeks[3] == (D("300.00"), D("0.00"), D("300.00"), ("B1",))
    assert weeks[4] == weeks[5] == (D("0.00"), D("0.00"), D("300.00"), ())  # B1 until the 21st
    assert all(weeks[k] == (D("0.00"), D("0.00"), D("0.00"), ()) for k in range(6, 12))
    assert weeks[12] == (D("0.00"), D("0.00"), D("600.00"), ())  # C2 from Feb 10
    assert weeks[13] == (D("600.00"), D("0.00"), D("600.00"), ("C2",))
    assert made.total_expected == D("2400.00")  # 500 + 1000 + 300 + 600
    assert (made.not_expected, set(made.not_expected_invoices)) == (D("850.00"), {"A3", "B2", "C1"})
    assert (made.beyond, made.beyond_invoices) == (D("700.00"), ("C3",))
    assert made.open_total == D("3950.00")
    assert str(made.weeks[0].expected) == "500.00"  # quantized to the cent
    reasons = {e.item.id: e.reason for e in made.expectations}
    assert reasons == {
        "A1": "", "A2": "", "A3": BEYOND_HABIT, "B1": "", "B2": DISPUTED,
        "C1": OVERDUE, "C2": "", "C3": "",
    }  # fmt: skip


def test_a_company_without_history_expects_invoices_on_their_due_date():
    made = forecast([item("2026-11-24", "80.00")], [], AS_OF, currency="EUR", weeks=2)
    assert [(w.expected, w.low, w.high) for w in made.weeks] == [
        (D("80.00"), D("80.00"), D("80.00")),
        (D("0.00"), D("0.00"), D("0.00")),
    ]
    assert made.expectations[0].habit == NO_HABIT


@pytest.mark.parametrize("weeks", [0, -1, 105, True])
def test_the_number_of_weeks_is_checked(weeks):
    with pytest.raises(ValidationError):
        forecast([], [], AS_OF, currency="EUR", weeks=weeks)


# --- comparison afterwards -------------------------------------------------------


def test_forecast_against_what_came_in(made):
    receipts = {
        day("2026-11-22"): D("500.00"),  # week 1
        day("2026-11-29"): D("700.00"),  # week 2
        day("2026-11-30"): D("100.00"),  # week 2
        day("2026-12-06"): D("300.00"),  # week 3
        day("2026-12-15"): D("50.00"),  # week 4: not over on Dec 11
        AS_OF: D("999.00"),  # before the forecast's first day
    }
    result = compare(made, receipts, known_until=day("2026-12-11"))
    rows = [(w.expected, w.actual, w.difference, w.within_band) for w in result.weeks[:4]]
    assert rows == [
        (D("500.00"), D("500.00"), D("0.00"), True),
        (D("1000.00"), D("800.00"), D("-200.00"), True),
        (D("300.00"), D("300.00"), D("0.00"), True),
        (D("0.00"), None, None, None),
    ]
    # MAPE over the 3 weeks over: (0/500 + 200/1000 + 0/300) / 3 x 100 = 6.666...
    assert result.mape == D("6.67")
    assert (result.total_expected, result.total_actual, result.difference) == (
        D("1800.00"),
        D("1600.00"),
        D("-200.00"),
    )


def test_mape_leaves_out_weeks_with_nothing_expected():
    assert mape([(D("0"), D("50")), (D("100"), D("150"))]) == D("50.00")
    assert mape([(D("0"), D("50"))]) is None


# --- properties ------------------------------------------------------------------

delays = st.integers(min_value=-30, max_value=120)
balances = st.decimals(min_value="0.01", max_value="100000", places=2)


@st.composite
def ledgers(draw):
    customers = ["A", "B", "C"]
    history = []
    for customer in draw(st.lists(st.sampled_from(customers), max_size=30)):
        due = AS_OF - timedelta(days=draw(st.integers(0, 400)))
        history.append(PaidRecord(customer, due, due + timedelta(days=draw(delays)), D("1")))
    items = [
        OpenItem(
            k,
            draw(st.sampled_from(customers)),
            AS_OF + timedelta(days=draw(st.integers(-200, 150))),
            draw(balances),
            draw(st.booleans()),
        )
        for k in range(draw(st.integers(0, 25)))
    ]
    return items, history, draw(st.integers(1, 20))


@given(ledgers())
def test_every_open_euro_is_in_one_week_not_expected_or_beyond(ledger):
    items, history, weeks = ledger
    made = forecast(items, history, AS_OF, currency="EUR", weeks=weeks)
    assert made.open_total == sum((i.balance for i in items), D(0))
    listed = [i for w in made.weeks for i in w.invoices]
    listed += [*made.not_expected_invoices, *made.beyond_invoices]
    assert sorted(listed) == [i.id for i in items]  # each invoice exactly once


@given(ledgers())
def test_the_band_holds_the_expected_amount_and_nothing_comes_in_the_past(ledger):
    items, history, weeks = ledger
    made = forecast(items, history, AS_OF, currency="EUR", weeks=weeks)
    assert all(w.low <= w.expected <= w.high for w in made.weeks)
    for e in made.expectations:
        if e.expected_on is not None:
            assert AS_OF < e.early <= e.expected_on <= e.late
