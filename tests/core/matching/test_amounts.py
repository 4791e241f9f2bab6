"""How an amount covers open invoices: exact, sum, partial, fees, discount, excess, subsets."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.matching.amounts import MAX_POOL, cover, discount, prefix, spread_fit, subsets

D = Decimal
NONE = D("0")
TOLERANCE = D("1.00")


@pytest.mark.parametrize(
    ("amount", "balances", "percent", "code", "allocations", "excess", "write_off"),
    [
        ("100.00", ["100.00"], "0", "amount_exact", ["100.00"], "0", {}),
        ("150.00", ["100.00", "50.00"], "0", "amount_sum", ["100", "50"], "0", {}),
        ("40.00", ["100.00"], "0", "amount_partial", ["40.00"], "0", {}),
        (
            "120.00",
            ["100.00", "50.00"],
            "0",
            "amount_partial",
            ["100", "20"],
            "0",
            {},
        ),  # oldest first
        ("99.20", ["100.00"], "0", "amount_fee", ["99.20"], "0", {1: "0.80"}),
        ("149.50", ["100.00", "50.00"], "0", "amount_fee", ["100", "49.50"], "0", {2: "0.50"}),
        ("98.00", ["100.00"], "2", "amount_discount", ["98.00"], "0", {1: "2.00"}),
        ("97.00", ["100.00"], "2", "amount_partial", ["97.00"], "0", {}),  # neither fee nor 2 %
        ("130.00", ["100.00"], "0", "amount_excess", ["100.00"], "30.00", {}),
    ],
)
def test_cover(amount, balances, percent, code, allocations, excess, write_off):
    items = list(enumerate((D(b) for b in balances), start=1))
    fit = cover(D(amount), items, TOLERANCE, D(percent))
    assert fit.code == code
    assert fit.allocations == tuple(enumerate((D(a) for a in allocations), start=1))
    assert fit.excess == D(excess)
    assert fit.write_off == tuple((i, D(gap)) for i, gap in write_off.items())


def test_discount_is_in_the_currency_minor_unit():
    assert discount(D("1234.57"), D("2"), "EUR") == D("24.69")
    assert discount(D("1234"), D("2"), "JPY") == D("25")


def test_spread_pays_the_oldest_first_and_keeps_the_rest_as_credit():
    items = [(1, D("100")), (2, D("50"))]
    assert spread_fit(D("120"), items).allocations == ((1, D("100")), (2, D("20")))
    over = spread_fit(D("200"), items)
    assert (over.code, over.excess) == ("amount_excess", D("50"))


def groups(amount, balances):
    """As the engine searches: the oldest invoices until the amount, then combinations."""
    items = [(n, D(b)) for n, b in enumerate(balances, start=1)]
    oldest, total = [], D(0)
    for item in items:
        if total >= D(amount):
            break
        oldest.append(item)
        total += item[1]
    found = prefix(D(amount), oldest, total, complete=len(oldest) == len(items))
    found += subsets(D(amount), items, found)
    return [(how, tuple(i for i, _ in group)) for how, group in found]


@pytest.mark.parametrize(
    ("amount", "balances", "expected"),
    [
        ("30", ["10", "20", "40"], [("oldest", (1, 2))]),
        ("70", ["10", "20", "40"], [("all", (1, 2, 3))]),  # found once, as "all"
        ("50", ["10", "20", "40"], [("combination", (1, 3))]),
        ("65", ["10", "20", "40", "5"], [("combination", (2, 3, 4))]),
        ("85", ["10", "20", "40", "5", "30"], [("combination", (1, 3, 4, 5))]),  # four
        ("75", ["10", "20", "40", "5"], [("all", (1, 2, 3, 4))]),
        ("1", ["10", "20"], []),
    ],
)  # fmt: skip
def test_subsets(amount, balances, expected):
    assert groups(amount, balances) == expected


def test_subsets_search_combinations_among_the_oldest_only():
    balances = ["1000"] * MAX_POOL + ["0.01", "0.02"]  # the two that fit are the newest
    assert groups("0.03", balances) == []


def test_subsets_stop_early():
    assert len(groups("20", ["10"] * 12)) <= 6


amounts = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@given(
    amount=amounts,
    balances=st.lists(amounts, min_size=1, max_size=6),
    percent=st.sampled_from(["0", "2", "3.5"]),
)
def test_cover_accounts_for_every_cent(amount, balances, percent):  # fmt: skip
    items = list(enumerate(balances, start=1))
    fit = cover(amount, items, TOLERANCE, D(percent))
    allocated = sum((a for _, a in fit.allocations), NONE)
    assert allocated + fit.excess == amount
    owed = dict(items)
    assert all(NONE < a <= owed[i] for i, a in fit.allocations)
    cuts = {i: a for i, a in fit.allocations}
    for i, gap in fit.write_off:
        assert gap > NONE and cuts.get(i, NONE) + gap <= owed[i]
    assert fit.excess >= NONE
