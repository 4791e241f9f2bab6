"""The reference definition of a balance, in plain Python."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from solde.core.balances import Settlement, balance_at, payment_status, spread

D = Decimal
JAN = [date(2026, 1, d) for d in range(1, 32)]


def test_balance_counts_settlements_active_at_the_date():
    settlements = [Settlement(D("30"), JAN[4]), Settlement(D("20"), JAN[9], undone_on=JAN[14])]
    assert [balance_at(D("100"), settlements, JAN[d]) for d in (3, 4, 9, 13, 14)] == [
        D("100"),
        D("70"),
        D("50"),
        D("50"),
        D("70"),
    ]


def test_status_table():
    cases = [
        ([], "open"),
        ([Settlement(D("40"), JAN[1])], "partially_paid"),
        ([Settlement(D("100"), JAN[1])], "paid"),
        ([Settlement(D("100"), JAN[1], kind="credit_note")], "cancelled"),
        (
            [Settlement(D("60"), JAN[1]), Settlement(D("40"), JAN[1], "write_off", bad_debt=True)],
            "written_off",
        ),
        ([Settlement(D("99.5"), JAN[1]), Settlement(D("0.5"), JAN[1], "write_off")], "paid"),
        ([Settlement(D("99.99"), JAN[1], kind="credit_note")], "partially_paid"),
    ]
    for settlements, expected in cases:
        assert payment_status(D("100"), settlements, JAN[5]) == expected, settlements


amounts = st.decimals(min_value=D("0.01"), max_value=D("10000"), places=2)


@given(amount=amounts, balances=st.lists(amounts, max_size=6))
def test_spread_never_over_allocates(amount, balances):
    shares, left = spread(amount, list(enumerate(balances)))
    assert sum(s for _, s in shares) + left == amount
    assert left >= 0
    assert all(0 < s <= balances[k] for k, s in shares)
    if left > 0:
        assert all(s == balances[k] for k, s in shares) and len(shares) == sum(
            1 for b in balances if b > 0
        )
