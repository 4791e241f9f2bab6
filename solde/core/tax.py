"""Document totals by the EN 16931 rules (CEN/TC 434, validation artefacts 1.3.x).

Line net amount (BT-131) = quantity (BT-129) × net price (BT-146) ÷ price base
quantity (BT-149) − line allowance (BT-136) + line charge (BT-141), rounded half-up to
the currency's minor unit. EN 16931 states the net but not how it is reached; this is
the formula of its examples and of the French rules. A percent allowance (BT-138) is
taken on quantity × price ÷ base quantity (BT-137) and rounded with the allowance amount,
because BT-136 itself is an amount in the currency's minor unit (BR-DEC-24).

VAT breakdown (BG-23), one group per VAT category (BT-118) and rate (BT-119) that some
line or document allowance/charge uses (BR-CO-18, BR-45..BR-48):
- taxable amount BT-116 = Σ line nets + document charges − document allowances of that
  category and rate (BR-S-08, BR-Z-08, BR-E-08, BR-AE-08, BR-IC-08, BR-G-08, BR-O-08,
  BR-IG-08, BR-IP-08);
- VAT amount BT-117 = BT-116 × BT-119 ÷ 100, rounded once per group, never per line
  (BR-CO-17); 0 for categories Z, E, AE, K, G, O (BR-*-09).

Document totals (BG-22): BT-106 = Σ BT-131 (BR-CO-10); BT-107/BT-108 = Σ document
allowances/charges (BR-CO-11/12); BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13);
BT-110 = Σ BT-117 (BR-CO-14); BT-112 = BT-109 + BT-110 (BR-CO-15);
BT-115 = BT-112 − BT-113 + BT-114 (BR-CO-16).

Line checks (`validate_line`): the category is a UNTDID 5305 code EN 16931 knows
(BR-CL-17/18); rate > 0 for S (BR-S-05..07); rate 0 for Z, E, AE, K, G (BR-Z-05,
BR-E-05, BR-AE-05, BR-IC-05, BR-G-05); O carries no rate (BR-O-05), which here is 0;
net price not negative (BR-27); base quantity positive.

Signs: quantities may be negative (credit and deposit-deduction lines). Line allowance and
charge amounts are taken as given, so on a negative line they carry the line's sign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from solde.core.errors import ValidationError
from solde.core.money import ZERO, check_currency, quantize

HUNDRED = Decimal(100)
CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "O", "L", "M"})
# Categories whose rate must be 0 (BR-Z-05, BR-E-05, BR-AE-05, BR-IC-05, BR-G-05, BR-O-05).
ZERO_RATED = frozenset({"Z", "E", "AE", "K", "G", "O"})


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal  # net price, up to 6 decimals (BT-146)
    vat_category: str  # UNTDID 5305: S, Z, E, AE, K, G, O, L, M
    vat_rate: Decimal  # percent, e.g. Decimal("20"); 0 for Z/E/AE/K/G/O
    price_base_quantity: Decimal = Decimal(1)  # BT-149
    discount_amount: Decimal = ZERO  # line allowance amount (BT-136)
    discount_percent: Decimal = ZERO  # percent of qty × price ÷ base (BT-138), added to the amount
    charge_amount: Decimal = ZERO  # line charge (BT-141)


@dataclass(frozen=True)
class AllowanceCharge:  # document level (BG-20 / BG-21)
    is_charge: bool
    amount: Decimal
    vat_category: str
    vat_rate: Decimal
    reason: str = ""


@dataclass(frozen=True)
class VatBreakdown:  # BG-23
    category: str
    rate: Decimal
    taxable: Decimal  # BT-116
    tax: Decimal  # BT-117


@dataclass(frozen=True)
class Totals:  # BG-22
    currency: str
    line_total: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    tax_exclusive: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    rounding: Decimal  # BT-114, always 0 here
    payable: Decimal  # BT-115
    breakdown: tuple[VatBreakdown, ...]  # sorted by (category, rate)
    line_nets: tuple[Decimal, ...]  # BT-131, in input order


def _canonical_rate(rate: Decimal) -> Decimal:
    """One spelling per rate: "20", "20.0" and "20.00" make one group, shown as 20.

    `normalize()` alone would turn 20 into 2E+1, which then leaks into XML and PDFs.
    """
    normal = rate.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _round(amount: Decimal, currency: str) -> Decimal:
    """Half-up to the minor unit, without a negative zero ("-0.00" must never be printed)."""
    rounded = quantize(amount, currency)
    return rounded if rounded else abs(rounded)


def _check_tax(category: str, rate: Decimal) -> None:
    if category not in CATEGORIES:
        raise ValidationError(
            f"Unknown VAT category {category!r} (expected one of {', '.join(sorted(CATEGORIES))}).",
            field="vat_category",
        )
    if not rate.is_finite() or rate < ZERO or rate >= HUNDRED:
        raise ValidationError(f"A VAT rate of {rate} % is not possible.", field="vat_rate")
    if category in ZERO_RATED and rate != ZERO:
        raise ValidationError(f"VAT category {category} takes a 0 % rate.", field="vat_rate")
    if category == "S" and rate == ZERO:
        raise ValidationError(
            "Standard-rated VAT (S) needs a rate above 0 % (BR-S-05).", field="vat_rate"
        )


def validate_line(line: LineInput) -> None:
    """Raise ValidationError naming the field of the first thing wrong with `line`."""
    _check_tax(line.vat_category, line.vat_rate)
    if not line.quantity.is_finite():
        raise ValidationError("The quantity must be a number.", field="quantity")
    if not line.unit_price.is_finite() or line.unit_price < ZERO:
        raise ValidationError(
            "A net unit price cannot be negative (BR-27); use a negative quantity.",
            field="unit_price",
        )
    if not line.price_base_quantity.is_finite() or line.price_base_quantity <= ZERO:
        raise ValidationError(
            "The price base quantity must be above zero.", field="price_base_quantity"
        )
    if not line.discount_percent.is_finite() or not ZERO <= line.discount_percent <= HUNDRED:
        raise ValidationError("A line discount is between 0 and 100 %.", field="discount_percent")
    for name in ("discount_amount", "charge_amount"):
        if not getattr(line, name).is_finite():
            raise ValidationError(f"The {name.replace('_', ' ')} must be a number.", field=name)


def _gross(line: LineInput) -> Decimal:
    return line.quantity * line.unit_price / line.price_base_quantity


def line_allowance(line: LineInput, currency: str) -> Decimal:
    """The line allowance amount (BT-136) a document states: percent part + amount, rounded.

    Rounded before it is subtracted so that BT-131 = gross − BT-136 + BT-141 holds
    for a reader who recomputes it from the stated figures.
    """
    return _round(_gross(line) * line.discount_percent / HUNDRED + line.discount_amount, currency)


def line_net(line: LineInput, currency: str) -> Decimal:
    """The line net amount (BT-131), rounded half-up to the currency's minor unit."""
    validate_line(line)
    allowance = line_allowance(line, currency)
    charge = _round(line.charge_amount, currency)
    return _round(_gross(line) - allowance + charge, currency)


def compute_totals(
    lines: Iterable[LineInput],
    allowances_charges: Iterable[AllowanceCharge] = (),
    *,
    currency: str = "EUR",
    prepaid: Decimal = ZERO,
) -> Totals:
    """Totals and VAT breakdown of a document; raises ValidationError on a bad line."""
    currency = check_currency(currency)
    lines = tuple(lines)
    nets = tuple(line_net(line, currency) for line in lines)

    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line, net in zip(lines, nets, strict=True):
        key = (line.vat_category, _canonical_rate(line.vat_rate))
        groups[key] = groups.get(key, ZERO) + net

    allowance_total = charge_total = _round(ZERO, currency)
    for row in allowances_charges:
        _check_tax(row.vat_category, row.vat_rate)
        if not row.amount.is_finite():
            raise ValidationError("The amount must be a number.", field="amount")
        amount = _round(row.amount, currency)
        key = (row.vat_category, _canonical_rate(row.vat_rate))
        groups[key] = groups.get(key, ZERO) + (amount if row.is_charge else -amount)
        if row.is_charge:
            charge_total += amount
        else:
            allowance_total += amount

    # Every amount summed below is already in minor units, so the sums are exact.
    breakdown = tuple(
        VatBreakdown(
            category=category,
            rate=rate,
            taxable=_round(taxable, currency),
            tax=_round(taxable * rate / HUNDRED, currency),  # BR-CO-17: once per group
        )
        for (category, rate), taxable in sorted(groups.items())
    )
    line_total = _round(sum(nets, ZERO), currency)
    tax_exclusive = _round(line_total - allowance_total + charge_total, currency)
    tax_total = _round(sum((group.tax for group in breakdown), ZERO), currency)
    tax_inclusive = _round(tax_exclusive + tax_total, currency)
    prepaid = _round(prepaid, currency)
    rounding = _round(ZERO, currency)
    return Totals(
        currency=currency,
        line_total=line_total,
        allowance_total=allowance_total,
        charge_total=charge_total,
        tax_exclusive=tax_exclusive,
        tax_total=tax_total,
        tax_inclusive=tax_inclusive,
        prepaid=prepaid,
        rounding=rounding,
        payable=_round(tax_inclusive - prepaid + rounding, currency),
        breakdown=breakdown,
        line_nets=nets,
    )
