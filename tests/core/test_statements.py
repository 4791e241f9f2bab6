"""A statement's arithmetic: opening + the period's movements = the balance at its end."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from solde.core.statements import (
    Entry,
    balance_at,
    closing,
    days_overdue,
    movements_in,
    running,
)

D = Decimal
JAN = [None, *(date(2026, 1, d) for d in range(1, 32))]  # JAN[5] is 5 January


def _moves(entries, start, end):
    return [(m.date, m.amount, m.source, m.reversal) for m in movements_in(entries, start, end)]


def test_an_entry_undone_later_shows_twice_an_entry_undone_on_its_day_never():
    entries = [
        Entry(JAN[3], D("100"), "FA-1"),
        Entry(JAN[5], D("-60"), "payment", until=JAN[9]),
        Entry(JAN[6], D("-10"), "same day", until=JAN[6]),
    ]
    assert _moves(entries, JAN[1], JAN[31]) == [
        (JAN[3], D("100"), "FA-1", False),
        (JAN[5], D("-60"), "payment", False),
        (JAN[9], D("60"), "payment", True),
    ]


def test_the_period_keeps_what_is_dated_in_it_and_reversals_of_older_entries():
    entries = [
        Entry(JAN[2], D("100"), "before"),
        Entry(JAN[3], D("-40"), "paid before, cancelled in", until=JAN[12]),
        Entry(JAN[10], D("50"), "in"),
        Entry(JAN[15], D("-50"), "in, cancelled after", until=JAN[25]),
        Entry(JAN[25], D("70"), "after"),
    ]
    assert [(m.source, m.reversal) for m in movements_in(entries, JAN[10], JAN[20])] == [
        ("in", False),
        ("paid before, cancelled in", True),
        ("in, cancelled after", False),
    ]


def test_within_a_day_rank_orders_then_reversals_come_last():
    entries = [
        Entry(JAN[5], D("-30"), "payment", rank=2),
        Entry(JAN[4], D("-5"), "old write-off", until=JAN[5], rank=3),
        Entry(JAN[5], D("30"), "invoice", rank=0),
        Entry(JAN[5], D("-10"), "credit note", rank=1),
    ]
    assert [m.source for m in movements_in(entries, JAN[5], JAN[5])] == [
        "invoice",
        "credit note",
        "payment",
        "old write-off",
    ]


def test_running_balances_and_debit_credit_columns():
    moves = movements_in(
        [Entry(JAN[2], D("120"), "FA-1"), Entry(JAN[4], D("-200"), "payment")], JAN[1], JAN[31]
    )
    lines = running(D("10"), moves)
    assert [(line.movement.debit, line.movement.credit, line.balance) for line in lines] == [
        (D("120"), D("0"), D("130")),
        (D("0"), D("200"), D("-70")),
    ]
    assert closing(D("10"), lines) == D("-70")
    assert closing(D("10"), []) == D("10")


def test_days_overdue_table():
    cases = [(None, 0), (JAN[20], 0), (JAN[10], 0), (JAN[9], 1), (JAN[1], 9)]
    for due, expected in cases:
        assert days_overdue(due, JAN[10]) == expected, due


days = st.integers(0, 60).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
amounts = st.decimals(min_value=D("-5000"), max_value=D("5000"), places=2)


@st.composite
def entries(draw):
    day = draw(days)
    undone = draw(st.one_of(st.none(), st.integers(0, 30).map(lambda n: day + timedelta(days=n))))
    return Entry(day, draw(amounts), None, until=undone, rank=draw(st.integers(0, 3)))


@given(rows=st.lists(entries(), max_size=25), a=days, b=days)
def test_opening_plus_movements_is_the_balance_at_the_end(rows, a, b):
    start, end = min(a, b), max(a, b)
    opening = balance_at(rows, start - timedelta(days=1))
    lines = running(opening, movements_in(rows, start, end))
    assert closing(opening, lines) == balance_at(rows, end)
    assert all(start <= line.movement.date <= end for line in lines)
    assert [line.movement.date for line in lines] == sorted(line.movement.date for line in lines)
