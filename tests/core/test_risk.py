"""The customer risk score by hand: each rule of the points table, the cap and the levels."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.risk import HIGH, LOW, MEDIUM, Behaviour, Reason, RiskScore, level_of, score

D = Decimal


def paid(*days_late: int) -> tuple[tuple[date, date], ...]:
    """(due, paid_on) pairs, the first the oldest: one invoice due each month of 2026."""
    pairs = []
    for month, late in enumerate(days_late, start=1):
        due = date(2026, month, 10)
        pairs.append((due, due + timedelta(days=late)))
    return tuple(pairs)


def reasons(behaviour: Behaviour) -> dict[str, tuple[dict, int]]:
    return {r.code: (r.values, r.points) for r in score(behaviour).reasons}


def test_a_customer_paying_on_time_with_nothing_open_is_low_risk():
    assert score(Behaviour(paid=paid(0, -3, 0, 0, -1))) == RiskScore(0, LOW, ())
    assert score(Behaviour()) == RiskScore(0, LOW, ())


@pytest.mark.parametrize(
    ("days_late", "expected"),
    [
        # Older half (0, 0): 0 days; newer half (20, 30): 25 days; 25 − 0 ≥ 10.
        ((0, 0, 20, 30), ({"recent": 25, "before": 0}, 15)),
        ((5, 5, 40, 50), ({"recent": 45, "before": 5}, 25)),  # 40 ≥ 30
        ((0, 0, 10, 10), ({"recent": 10, "before": 0}, 15)),  # exactly 10
        ((0, 0, 9, 10), None),  # 9 (9.5 rounded down)
        # 5 invoices: the newest 2 (30, 31) against the older 3 (0, 1, 2 → 1): 30 − 1.
        ((0, 1, 2, 30, 31), ({"recent": 30, "before": 1}, 15)),
        ((-5, 0, 30), None),  # too few (3) for a trend
        ((30, 30, 0, 0), None),  # improving
    ],
)
def test_lateness_rising(days_late, expected):
    assert reasons(Behaviour(paid=paid(*days_late))).get("lateness_rising") == expected


@pytest.mark.parametrize(
    ("days_late", "expected"),
    [
        ((0, 0, 0, 0, 5), None),  # 4 of 5 on time: 80 %
        ((0, 0, 0, 5, 5), ({"on_time": 60, "paid": 5}, 10)),
        ((0, 0, 5, 5, 5), ({"on_time": 40, "paid": 5}, 20)),
        ((0, 5, 5), ({"on_time": 33, "paid": 3}, 20)),  # 33.3 rounded down
        ((-2, 0), None),  # too few (2) to say
        ((5, 5), None),
    ],
)
def test_paid_late(days_late, expected):
    assert reasons(Behaviour(paid=paid(*days_late))).get("paid_late") == expected


@pytest.mark.parametrize(
    ("fields", "code", "expected"),
    [
        ({"disputes_open": 1}, "dispute_open", ({"count": 1}, 10)),
        ({"disputes_open": 3}, "dispute_open", ({"count": 3}, 20)),  # capped
        ({"disputes_recent": 1}, "disputes_recent", ({"count": 1}, 5)),
        ({"disputes_recent": 4}, "disputes_recent", ({"count": 4}, 10)),
        ({"promises_broken": 1}, "promises_broken", ({"count": 1}, 10)),
        ({"promises_broken": 2}, "promises_broken", ({"count": 2}, 20)),
        ({"promises_broken": 5}, "promises_broken", ({"count": 5}, 20)),
    ],
)
def test_disputes_and_broken_promises(fields, code, expected):
    assert reasons(Behaviour(**fields)) == {code: expected}


@pytest.mark.parametrize(
    ("overdue", "monthly", "points"),
    [
        ("1000.00", "1000.00", None),  # no more than a usual month
        ("1000.01", "1000.00", 10),
        ("3000.00", "1000.00", 10),  # 3 months exactly
        ("3000.01", "1000.00", 20),
        ("10.00", "0.00", 20),  # overdue with nothing invoiced in the year
        ("0.00", "0.00", None),
    ],
)
def test_overdue_against_the_customers_habit(overdue, monthly, points):
    got = reasons(Behaviour(overdue=D(overdue), monthly=D(monthly))).get("overdue_vs_habit")
    expected = None if points is None else ({"overdue": D(overdue), "monthly": D(monthly)}, points)
    assert got == expected


@pytest.mark.parametrize(
    ("days", "points"), [(0, None), (30, None), (31, 5), (60, 5), (61, 10), (90, 10), (91, 20)]
)
def test_oldest_overdue(days, points):
    got = reasons(Behaviour(oldest_overdue_days=days)).get("oldest_overdue")
    assert got == (None if points is None else ({"days": days}, points))


def test_the_points_add_up_and_are_capped_at_100():
    everything = Behaviour(
        paid=paid(0, 0, 40, 50),  # rising 45 − 0: 25; on time 2/4 = 50 %: 10
        disputes_open=3,  # 20
        disputes_recent=1,  # 5
        promises_broken=1,  # 10
        overdue=D("4000.00"),  # > 3 × 1000: 20
        monthly=D("1000.00"),
        oldest_overdue_days=95,  # 20
    )
    result = score(everything)  # 25 + 10 + 20 + 5 + 10 + 20 + 20 = 110
    assert (result.score, result.level) == (100, HIGH)
    assert [r.code for r in result.reasons] == [
        "lateness_rising", "paid_late", "dispute_open", "disputes_recent",
        "promises_broken", "overdue_vs_habit", "oldest_overdue",
    ]  # fmt: skip
    assert result.reasons[0] == Reason("lateness_rising", {"recent": 45, "before": 0}, 25)


def test_a_medium_risk_customer():
    b = Behaviour(
        promises_broken=2,  # 20
        overdue=D("1500.00"),  # > 1000: 10
        monthly=D("1000.00"),
        oldest_overdue_days=45,  # 5
    )
    assert (score(b).score, score(b).level) == (35, MEDIUM)


@pytest.mark.parametrize(
    ("points", "level"), [(0, LOW), (29, LOW), (30, MEDIUM), (59, MEDIUM), (60, HIGH), (100, HIGH)]
)
def test_levels(points, level):
    assert level_of(points) == level


@given(
    st.lists(st.integers(-30, 200), max_size=12),
    st.integers(0, 5),
    st.integers(0, 5),
    st.integers(0, 5),
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.integers(0, 400),
)
def test_the_score_is_its_reasons_points_capped(late, opened, other, broken, due, month, oldest):
    b = Behaviour(paid(*late), opened, other, broken, due, month, oldest)
    result = score(b)
    assert result == score(b)  # deterministic
    assert result.score == min(100, sum(r.points for r in result.reasons))
    assert 0 <= result.score <= 100 and result.level == level_of(result.score)
    assert all(r.points > 0 for r in result.reasons)
