"""EN 16931 document totals, as a table of hand-computed cases."""

from decimal import Decimal

import pytest

from solde.core.errors import ValidationError
from solde.core.tax import AllowanceCharge, LineInput, compute_totals, line_net, validate_line

D = Decimal


def L(qty, price, rate="20", cat="S", **kw):  # noqa: N802 - reads like a table row
    return LineInput(
        quantity=D(qty),
        unit_price=D(price),
        vat_category=cat,
        vat_rate=D(rate),
        **{k: D(v) for k, v in kw.items()},
    )


CASES = [
    # (lines, allowances/charges, currency, (excl, tax, incl), {(cat, rate): (taxable, tax)})
    (
        "one rate",
        [L("2", "450")],
        [],
        "EUR",
        ("900.00", "180.00", "1080.00"),
        {("S", "20"): ("900.00", "180.00")},
    ),
    (
        "several rates",
        [L("3", "100"), L("2", "49.99", "5.5"), L("1", "10")],
        [],
        "EUR",
        ("409.98", "67.50", "477.48"),
        {("S", "5.5"): ("99.98", "5.50"), ("S", "20"): ("310.00", "62.00")},
    ),
    (
        "VAT rounded once per group, not per line",
        [L("1", "0.33")] * 3,
        [],
        "EUR",
        ("0.99", "0.20", "1.19"),
        {("S", "20"): ("0.99", "0.20")},
    ),
    (
        "line discount percent then amount",
        [L("10", "12.50", discount_percent="10", discount_amount="2.5")],
        [],
        "EUR",
        ("110.00", "22.00", "132.00"),
        {("S", "20"): ("110.00", "22.00")},
    ),
    (
        "document allowance and charge",
        [L("1", "1000"), L("1", "200", "10")],
        [
            AllowanceCharge(False, D("100"), "S", D("20"), "Remise"),
            AllowanceCharge(True, D("15"), "S", D("10"), "Port"),
        ],
        "EUR",
        ("1115.00", "201.50", "1316.50"),
        {("S", "10"): ("215.00", "21.50"), ("S", "20"): ("900.00", "180.00")},
    ),
    (
        "negative line (deduction)",
        [L("1", "1000"), L("-1", "300")],
        [],
        "EUR",
        ("700.00", "140.00", "840.00"),
        {("S", "20"): ("700.00", "140.00")},
    ),
    (
        "exempt and standard",
        [L("1", "500", "0", "E"), L("1", "100")],
        [],
        "EUR",
        ("600.00", "20.00", "620.00"),
        {("E", "0"): ("500.00", "0.00"), ("S", "20"): ("100.00", "20.00")},
    ),
    (
        "yen has no decimals",
        [L("3", "333.4", "10")],
        [],
        "JPY",
        ("1000", "100", "1100"),
        {("S", "10"): ("1000", "100")},
    ),
    (
        "dinar has three",
        [L("1", "10.0005", "5")],
        [],
        "KWD",
        ("10.001", "0.500", "10.501"),
        {("S", "5"): ("10.001", "0.500")},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_totals(case):
    _, lines, docs, currency, (excl, tax, incl), groups = case
    totals = compute_totals(lines, docs, currency=currency)
    assert (totals.tax_exclusive, totals.tax_total, totals.tax_inclusive) == (
        D(excl),
        D(tax),
        D(incl),
    )
    assert {(g.category, g.rate): (g.taxable, g.tax) for g in totals.breakdown} == {
        (c, D(r)): (D(t), D(v)) for (c, r), (t, v) in groups.items()
    }
    assert totals.payable == totals.tax_inclusive
    assert str(totals.tax_inclusive) == incl  # quantized to the currency's minor unit


def test_line_net_uses_the_price_base_quantity():
    assert line_net(L("250", "4.99", price_base_quantity="100"), "EUR") == D("12.48")


def test_prepaid_lowers_the_amount_due():
    totals = compute_totals([L("1", "100")], prepaid=D("50"))
    assert (totals.tax_inclusive, totals.payable) == (D("120.00"), D("70.00"))


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (L("1", "10", "20", "X"), "vat_category"),
        (L("1", "10", "20", "E"), "vat_rate"),
        (L("1", "10", "0", "S"), "vat_rate"),
        (L("1", "-10"), "unit_price"),
        (L("1", "10", price_base_quantity="0"), "price_base_quantity"),
    ],
)
def test_invalid_lines_name_their_field(line, field):
    with pytest.raises(ValidationError) as caught:
        validate_line(line)
    assert caught.value.field == field
