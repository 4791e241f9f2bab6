"""Invariants of EN 16931 totals (BR-CO-10..17) over random documents."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from solde.core.money import currency_decimals, quantize
from solde.core.tax import AllowanceCharge, LineInput, compute_totals

D = Decimal

# (category, rate) pairs that are valid together
taxes = st.sampled_from(
    [
        ("S", D("20")),
        ("S", D("10")),
        ("S", D("5.5")),
        ("S", D("2.1")),
        ("S", D("8.5")),
        ("Z", D("0")),
        ("E", D("0")),
        ("AE", D("0")),
        ("K", D("0")),
        ("L", D("7")),
    ]
)
currencies = st.sampled_from(["EUR", "JPY", "KWD"])
quantities = st.decimals(min_value=D("-500"), max_value=D("500"), places=4)
prices = st.decimals(min_value=D("0"), max_value=D("10000"), places=6)
small_amounts = st.decimals(min_value=D("-100"), max_value=D("100"), places=3)


@st.composite
def lines(draw):
    category, rate = draw(taxes)
    return LineInput(
        quantity=draw(quantities),
        unit_price=draw(prices),
        vat_category=category,
        vat_rate=rate,
        price_base_quantity=draw(st.sampled_from([D(1), D(1), D(10), D(100), D("0.5")])),
        discount_amount=draw(small_amounts),
        discount_percent=draw(st.decimals(min_value=D(0), max_value=D(100), places=2)),
        charge_amount=draw(small_amounts),
    )


@st.composite
def allowances_charges(draw):
    category, rate = draw(taxes)
    return AllowanceCharge(
        is_charge=draw(st.booleans()),
        amount=draw(st.decimals(min_value=D("0"), max_value=D("1000"), places=3)),
        vat_category=category,
        vat_rate=rate,
    )


documents = st.tuples(
    st.lists(lines(), min_size=1, max_size=10),
    st.lists(allowances_charges(), max_size=4),
    currencies,
)


def _unit(currency):
    return D(1).scaleb(-currency_decimals(currency))


@given(documents, st.decimals(min_value=D(0), max_value=D(1000), places=2))
def test_totals_add_up(document, prepaid):
    items, rows, currency = document
    totals = compute_totals(items, rows, currency=currency, prepaid=prepaid)
    assert totals.line_total == sum(totals.line_nets)  # BR-CO-10
    stated = [
        (r.is_charge, quantize(r.amount, currency)) for r in rows
    ]  # as a document states them
    assert totals.allowance_total == sum(a for is_charge, a in stated if not is_charge)  # BR-CO-11
    assert totals.charge_total == sum(a for is_charge, a in stated if is_charge)  # BR-CO-12
    assert (
        totals.tax_exclusive == totals.line_total - totals.allowance_total + totals.charge_total
    )  # BR-CO-13
    assert totals.tax_exclusive == sum(g.taxable for g in totals.breakdown)
    assert totals.tax_total == sum(g.tax for g in totals.breakdown)  # BR-CO-14
    assert totals.tax_inclusive == totals.tax_exclusive + totals.tax_total  # BR-CO-15
    assert totals.payable == totals.tax_inclusive - totals.prepaid + totals.rounding  # BR-CO-16


@given(documents)
def test_every_amount_has_the_currency_decimals(document):
    items, rows, currency = document
    totals = compute_totals(items, rows, currency=currency)
    exponent = -currency_decimals(currency)
    amounts = [
        totals.line_total,
        totals.allowance_total,
        totals.charge_total,
        totals.tax_exclusive,
        totals.tax_total,
        totals.tax_inclusive,
        totals.prepaid,
        totals.rounding,
        totals.payable,
        *totals.line_nets,
        *(g.taxable for g in totals.breakdown),
        *(g.tax for g in totals.breakdown),
    ]
    assert all(a.as_tuple().exponent == exponent for a in amounts)
    assert not any(a.is_signed() and a == 0 for a in amounts)  # no "-0.00"


@given(documents)
def test_one_group_per_category_and_rate_used(document):
    items, rows, currency = document
    totals = compute_totals(items, rows, currency=currency)
    used = {(x.vat_category, x.vat_rate) for x in (*items, *rows)}
    assert [(g.category, g.rate) for g in totals.breakdown] == sorted(used)
    for group in totals.breakdown:
        if group.rate == 0:
            assert group.tax == 0  # BR-Z-09, BR-E-09, BR-AE-09, BR-IC-09


@given(documents)
def test_vat_is_rounded_once_per_group(document):
    """BR-CO-17: each group's VAT is within half a minor unit of taxable × rate."""
    items, rows, currency = document
    totals = compute_totals(items, rows, currency=currency)
    half = _unit(currency) / 2
    exact = [g.taxable * g.rate / 100 for g in totals.breakdown]
    for group, value in zip(totals.breakdown, exact, strict=True):
        assert abs(group.tax - value) <= half
    assert abs(totals.tax_total - sum(exact, D(0))) <= half * len(totals.breakdown)


def _negated(item):
    if isinstance(item, AllowanceCharge):
        return AllowanceCharge(item.is_charge, -item.amount, item.vat_category, item.vat_rate)
    return LineInput(
        quantity=-item.quantity,
        unit_price=item.unit_price,
        vat_category=item.vat_category,
        vat_rate=item.vat_rate,
        price_base_quantity=item.price_base_quantity,
        discount_amount=-item.discount_amount,
        discount_percent=item.discount_percent,
        charge_amount=-item.charge_amount,
    )


@given(documents)
def test_negating_every_quantity_negates_every_total_exactly(document):
    """A credit note of the same lines is the exact opposite: half-up rounds away from 0."""
    items, rows, currency = document
    a = compute_totals(items, rows, currency=currency)
    b = compute_totals([_negated(i) for i in items], [_negated(r) for r in rows], currency=currency)
    assert b.line_nets == tuple(-n for n in a.line_nets)
    for name in (
        "line_total",
        "allowance_total",
        "charge_total",
        "tax_exclusive",
        "tax_total",
        "tax_inclusive",
        "payable",
    ):
        assert getattr(b, name) == -getattr(a, name), name
    assert [(g.category, g.rate, g.taxable, g.tax) for g in b.breakdown] == [
        (g.category, g.rate, -g.taxable, -g.tax) for g in a.breakdown
    ]


@given(documents, st.randoms(use_true_random=False))
def test_line_order_does_not_matter(document, random):
    items, rows, currency = document
    shuffled = list(items)
    random.shuffle(shuffled)
    a = compute_totals(items, rows, currency=currency)
    b = compute_totals(shuffled, rows, currency=currency)
    assert (a.tax_exclusive, a.tax_total, a.tax_inclusive, a.breakdown) == (
        b.tax_exclusive,
        b.tax_total,
        b.tax_inclusive,
        b.breakdown,
    )
