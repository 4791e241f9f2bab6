"""EN 16931 document totals: hand-computed cases, one row per rule.

Each row gives the lines, the document allowances/charges, the currency, the expected
line nets (BT-131), the expected totals BT-109 / BT-110 / BT-112 and the expected VAT
breakdown (BG-23) as {(category, rate): (taxable BT-116, VAT BT-117)}. The figures in the
comments are worked by hand, so the table reads as the specification.
"""

from decimal import Decimal

import pytest

from solde.core.errors import ValidationError
from solde.core.tax import (
    AllowanceCharge,
    LineInput,
    compute_totals,
    line_allowance,
    line_net,
    validate_line,
)

D = Decimal


def line(qty, price, rate="20", cat="S", **extra):
    return LineInput(
        quantity=D(qty),
        unit_price=D(price),
        vat_category=cat,
        vat_rate=D(rate),
        **{name: D(value) for name, value in extra.items()},
    )


def allowance(amount, rate="20", cat="S"):
    return AllowanceCharge(False, D(amount), cat, D(rate), "Remise")


def charge(amount, rate="20", cat="S"):
    return AllowanceCharge(True, D(amount), cat, D(rate), "Port")


CASES = {
    # 2 × 450 = 900; 900 × 20 % = 180
    "one rate": (
        [line("2", "450")],
        [],
        "EUR",
        ["900.00"],
        ("900.00", "180.00", "1080.00"),
        {("S", "20"): ("900.00", "180.00")},
    ),
    # 20 %: 300 + 10 = 310 → 62; 5.5 %: 99.98 → 5.4989 → 5.50
    "several rates": (
        [line("3", "100"), line("2", "49.99", "5.5"), line("1", "10")],
        [],
        "EUR",
        ["300.00", "99.98", "10.00"],
        ("409.98", "67.50", "477.48"),
        {("S", "5.5"): ("99.98", "5.50"), ("S", "20"): ("310.00", "62.00")},
    ),
    # "20", "20.00" and "20.000" are one rate, hence one group
    "one group whatever the rate's spelling": (
        [line("1", "10", "20"), line("1", "10", "20.00"), line("1", "10", "20.000")],
        [],
        "EUR",
        ["10.00", "10.00", "10.00"],
        ("30.00", "6.00", "36.00"),
        {("S", "20"): ("30.00", "6.00")},
    ),
    # each line 0.333 × 1 = 0.333 → 0.33; group 0.99 × 20 % = 0.198 → 0.20.
    # Rounding VAT per line would give 3 × round(0.066) = 0.21.
    "VAT rounded once per group, never per line": (
        [line("0.333", "1")] * 3,
        [],
        "EUR",
        ["0.33", "0.33", "0.33"],
        ("0.99", "0.20", "1.19"),
        {("S", "20"): ("0.99", "0.20")},
    ),
    # 7 × 0.35 = 2.45 each; group 4.90 × 5.5 % = 0.2695 → 0.27 (per line: 2 × 0.13 = 0.26)
    "group rounding differs from line rounding": (
        [line("7", "0.35", "5.5"), line("7", "0.35", "5.5")],
        [],
        "EUR",
        ["2.45", "2.45"],
        ("4.90", "0.27", "5.17"),
        {("S", "5.5"): ("4.90", "0.27")},
    ),
    # 10 × 12.50 = 125; allowance 10 % of 125 = 12.50, + 2.50 = 15 → 110
    "line discount percent and amount": (
        [line("10", "12.50", discount_percent="10", discount_amount="2.50")],
        [],
        "EUR",
        ["110.00"],
        ("110.00", "22.00", "132.00"),
        {("S", "20"): ("110.00", "22.00")},
    ),
    # 1 × 1.25 = 1.25; 10 % = 0.125 → stated allowance 0.13 (BT-136 is an amount);
    # net 1.25 − 0.13 = 1.12 (not round(1.125) = 1.13, which a reader could not recompute)
    "line discount percent rounded as the stated allowance": (
        [line("1", "1.25", discount_percent="10")],
        [],
        "EUR",
        ["1.12"],
        ("1.12", "0.22", "1.34"),
        {("S", "20"): ("1.12", "0.22")},
    ),
    # 4 × 25 = 100, + charge 7.50 = 107.50 → 21.50
    "line charge": (
        [line("4", "25", charge_amount="7.50")],
        [],
        "EUR",
        ["107.50"],
        ("107.50", "21.50", "129.00"),
        {("S", "20"): ("107.50", "21.50")},
    ),
    # 250 units at 4.99 per 100 = 12.475 → 12.48
    "price per base quantity": (
        [line("250", "4.99", price_base_quantity="100")],
        [],
        "EUR",
        ["12.48"],
        ("12.48", "2.50", "14.98"),
        {("S", "20"): ("12.48", "2.50")},
    ),
    # 20 %: 1000 − 100 = 900 → 180; 10 %: 200 + 15 = 215 → 21.50;
    # BT-109 = 1200 − 100 + 15 = 1115
    "document allowance and charge": (
        [line("1", "1000"), line("1", "200", "10")],
        [allowance("100", "20"), charge("15", "10")],
        "EUR",
        ["1000.00", "200.00"],
        ("1115.00", "201.50", "1316.50"),
        {("S", "10"): ("215.00", "21.50"), ("S", "20"): ("900.00", "180.00")},
    ),
    # a charge alone makes its own group (BR-CO-18: one group per category and rate used)
    "document charge in a group with no line": (
        [line("1", "100")],
        [charge("10", "10")],
        "EUR",
        ["100.00"],
        ("110.00", "21.00", "131.00"),
        {("S", "10"): ("10.00", "1.00"), ("S", "20"): ("100.00", "20.00")},
    ),
    # deposit deduction: 1000 − 300 = 700 → 140
    "negative line (deposit deduction)": (
        [line("1", "1000"), line("-1", "300")],
        [],
        "EUR",
        ["1000.00", "-300.00"],
        ("700.00", "140.00", "840.00"),
        {("S", "20"): ("700.00", "140.00")},
    ),
    # credit note: −2 × 49.995 = −99.99; −99.99 × 20 % = −19.998 → −20.00 (half away from 0)
    "credit note, all lines negative": (
        [line("-2", "49.995")],
        [],
        "EUR",
        ["-99.99"],
        ("-99.99", "-20.00", "-119.99"),
        {("S", "20"): ("-99.99", "-20.00")},
    ),
    # a credit line with a discount: the allowance carries the line's sign
    "negative line with discount": (
        [line("-10", "12.50", discount_percent="10", discount_amount="-2.50")],
        [],
        "EUR",
        ["-110.00"],
        ("-110.00", "-22.00", "-132.00"),
        {("S", "20"): ("-110.00", "-22.00")},
    ),
    "exempt and standard": (
        [line("1", "500", "0", "E"), line("1", "100")],
        [],
        "EUR",
        ["500.00", "100.00"],
        ("600.00", "20.00", "620.00"),
        {("E", "0"): ("500.00", "0.00"), ("S", "20"): ("100.00", "20.00")},
    ),
    "reverse charge and intra-community supply carry no VAT": (
        [line("1", "800", "0", "AE"), line("2", "150", "0", "K")],
        [allowance("50", "0", "K")],
        "EUR",
        ["800.00", "300.00"],
        ("1050.00", "0.00", "1050.00"),
        {("AE", "0"): ("800.00", "0.00"), ("K", "0"): ("250.00", "0.00")},
    ),
    # Canary Islands IGIC (L) has its own rates
    "IGIC": (
        [line("1", "100", "7", "L")],
        [],
        "EUR",
        ["100.00"],
        ("100.00", "7.00", "107.00"),
        {("L", "7"): ("100.00", "7.00")},
    ),
    # 3 × 333.4 = 1000.2 → 1000 yen; 10 % = 100
    "yen has no decimals": (
        [line("3", "333.4", "10")],
        [],
        "JPY",
        ["1000"],
        ("1000", "100", "1100"),
        {("S", "10"): ("1000", "100")},
    ),
    # 1 × 10.0005 → 10.001 (half-up); 5 % = 0.50005 → 0.500
    "dinar has three decimals": (
        [line("1", "10.0005", "5")],
        [],
        "KWD",
        ["10.001"],
        ("10.001", "0.500", "10.501"),
        {("S", "5"): ("10.001", "0.500")},
    ),
    # 0.5 yen rounds half up to 1
    "yen document allowance rounded to the yen": (
        [line("1", "1000", "10")],
        [allowance("99.5", "10")],
        "JPY",
        ["1000"],
        ("900", "90", "990"),
        {("S", "10"): ("900", "90")},
    ),
}


@pytest.mark.parametrize(
    ("lines", "documents", "currency", "nets", "totals", "groups"),
    CASES.values(),
    ids=CASES.keys(),
)
def test_totals(lines, documents, currency, nets, totals, groups):
    result = compute_totals(lines, documents, currency=currency)
    assert [str(net) for net in result.line_nets] == nets
    assert (
        str(result.tax_exclusive),
        str(result.tax_total),
        str(result.tax_inclusive),
    ) == totals
    # str(): the amounts carry exactly the currency's decimals, and rates print plainly
    assert {
        (group.category, str(group.rate)): (str(group.taxable), str(group.tax))
        for group in result.breakdown
    } == groups
    assert [(g.category, g.rate) for g in result.breakdown] == sorted(
        (g.category, g.rate) for g in result.breakdown
    )
    assert result.line_total == sum(result.line_nets)
    assert result.payable == result.tax_inclusive
    assert result.rounding == 0
    assert result.currency == currency


def test_document_allowance_and_charge_totals():
    result = compute_totals(
        [line("1", "1000"), line("1", "200", "10")],
        [allowance("100"), allowance("20.5", "10"), charge("15", "10")],
    )
    assert (result.line_total, result.allowance_total, result.charge_total) == (
        D("1200.00"),
        D("120.50"),
        D("15.00"),
    )
    assert result.tax_exclusive == D("1094.50")  # BR-CO-13: 1200 − 120.50 + 15


def test_prepaid_lowers_the_amount_due():
    result = compute_totals([line("1", "100")], prepaid=D("50"))
    assert (result.tax_inclusive, result.prepaid, result.payable) == (
        D("120.00"),
        D("50.00"),
        D("70.00"),
    )


def test_an_empty_document_has_zero_totals_and_no_group():
    result = compute_totals([])
    assert result.breakdown == ()
    assert result.line_nets == ()
    assert str(result.payable) == "0.00"


def test_no_negative_zero_is_produced():
    # −0.004 rounds to zero; it must not print as "-0.00" in a document
    result = compute_totals([line("-1", "0.004")])
    assert [str(net) for net in result.line_nets] == ["0.00"]
    assert str(result.tax_inclusive) == "0.00"


def test_line_allowance_is_the_stated_amount():
    assert line_allowance(line("3", "19.99", discount_percent="15"), "EUR") == D("9.00")  # 8.9955
    assert line_allowance(line("1", "10", discount_amount="1.234"), "EUR") == D("1.23")
    assert line_net(line("1", "10", discount_amount="1.234"), "EUR") == D("8.77")


def test_the_currency_is_checked():
    with pytest.raises(ValidationError) as caught:
        compute_totals([line("1", "10")], currency="XYZ")
    assert caught.value.field == "currency"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (line("1", "10", "20", "X"), "vat_category"),
        (line("1", "10", "20", "s"), "vat_category"),
        (line("1", "10", "20", "Z"), "vat_rate"),  # BR-Z-05
        (line("1", "10", "20", "E"), "vat_rate"),  # BR-E-05
        (line("1", "10", "5.5", "AE"), "vat_rate"),  # BR-AE-05
        (line("1", "10", "20", "K"), "vat_rate"),  # BR-IC-05
        (line("1", "10", "20", "G"), "vat_rate"),  # BR-G-05
        (line("1", "10", "20", "O"), "vat_rate"),  # BR-O-05
        (line("1", "10", "0", "S"), "vat_rate"),  # BR-S-05
        (line("1", "10", "-5"), "vat_rate"),
        (line("1", "10", "100"), "vat_rate"),
        (line("1", "-10"), "unit_price"),  # BR-27
        (line("1", "10", price_base_quantity="0"), "price_base_quantity"),
        (line("1", "10", price_base_quantity="-1"), "price_base_quantity"),
        (line("1", "10", discount_percent="101"), "discount_percent"),
        (line("1", "10", discount_percent="-1"), "discount_percent"),
        (line("NaN", "10"), "quantity"),
    ],
)
def test_invalid_lines_name_their_field(bad, field):
    with pytest.raises(ValidationError) as caught:
        validate_line(bad)
    assert caught.value.field == field
    with pytest.raises(ValidationError):  # totals are never made of an invalid line
        compute_totals([bad])


@pytest.mark.parametrize(
    "good",
    [
        line("-3", "10"),  # credit line
        line("1", "0"),  # free item
        line("1", "10", "0", "Z"),
        line("1", "10", "0", "O"),
        line("1", "10", "0", "L"),
        line("1", "10", "9.5", "M"),
        line("1", "10", discount_percent="100"),
    ],
)
def test_valid_lines(good):
    validate_line(good)


def test_invalid_document_allowance_is_refused():
    with pytest.raises(ValidationError) as caught:
        compute_totals([line("1", "10")], [allowance("1", "20", "E")])
    assert caught.value.field == "vat_rate"
