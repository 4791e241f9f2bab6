"""Invariants of EN 16931 totals over random documents."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from solde.core.tax import LineInput, compute_totals

rates = st.sampled_from([Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1")])
lines = st.lists(
    st.builds(
        LineInput,
        quantity=st.decimals(min_value=Decimal("-50"), max_value=Decimal("50"), places=3),
        unit_price=st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=4),
        vat_category=st.just("S"),
        vat_rate=rates,
        discount_percent=st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=2),
    ),
    min_size=1,
    max_size=8,
)


@given(lines)
def test_totals_add_up(items):
    totals = compute_totals(items)
    assert totals.tax_inclusive == totals.tax_exclusive + totals.tax_total
    assert totals.tax_exclusive == sum(g.taxable for g in totals.breakdown)
    assert totals.tax_total == sum(g.tax for g in totals.breakdown)
    assert totals.line_total == sum(totals.line_nets)
    for group in totals.breakdown:  # one rounding per group: at most half a cent away
        assert abs(group.tax - group.taxable * group.rate / 100) <= Decimal("0.005")


@given(lines)
def test_negating_every_quantity_negates_every_total(items):
    negated = [
        LineInput(
            quantity=-i.quantity,
            unit_price=i.unit_price,
            vat_category="S",
            vat_rate=i.vat_rate,
            discount_percent=i.discount_percent,
        )
        for i in items
    ]
    a, b = compute_totals(items), compute_totals(negated)
    assert (b.tax_exclusive, b.tax_total, b.tax_inclusive) == (
        -a.tax_exclusive,
        -a.tax_total,
        -a.tax_inclusive,
    )
