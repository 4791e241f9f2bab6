"""Document totals by the EN 16931 rules.

- Line net amount (BT-131) = quantity × price ÷ base quantity − allowances + charges,
  rounded half-up to the currency's minor unit (BR-24..BR-27 context, BR-CO-10).
- VAT breakdown (BG-23) per category and rate: taxable amount (BT-116) = Σ line nets
  + document charges − document allowances of that group (BR-S-08 and siblings); VAT
  (BT-117) = taxable × rate ÷ 100, rounded once per group, never per line (BR-CO-17).
- Document totals (BG-22): BT-106 = Σ line nets (BR-CO-10), BT-107/108 = Σ document
  allowances/charges (BR-CO-11/12), BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13),
  BT-110 = Σ BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15),
  BT-115 = BT-112 − BT-113 + BT-114 (BR-CO-16).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from solde.core.errors import ValidationError
from solde.core.money import ZERO, quantize

HUNDRED = Decimal(100)
CATEGORIES = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"}
# Categories whose rate must be 0 (BR-Z-05, BR-E-05, BR-AE-05, BR-IC-05, BR-G-05, BR-O-05).
ZERO_RATED = {"Z", "E", "AE", "K", "G", "O"}


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    vat_category: str
    vat_rate: Decimal
    price_base_quantity: Decimal = Decimal(1)
    discount_amount: Decimal = ZERO
    discount_percent: Decimal = ZERO
    charge_amount: Decimal = ZERO


@dataclass(frozen=True)
class AllowanceCharge:
    is_charge: bool
    amount: Decimal
    vat_category: str
    vat_rate: Decimal
    reason: str = ""


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    line_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_inclusive: Decimal
    prepaid: Decimal
    rounding: Decimal
    payable: Decimal
    breakdown: tuple[VatBreakdown, ...]
    line_nets: tuple[Decimal, ...]


def _check_category(category: str, rate: Decimal) -> None:
    if category not in CATEGORIES:
        raise ValidationError(f"Unknown VAT category {category!r}.", field="vat_category")
    if rate < ZERO or rate >= HUNDRED:
        raise ValidationError(f"A VAT rate of {rate} % is not possible.", field="vat_rate")
    if category in ZERO_RATED and rate != ZERO:
        raise ValidationError(f"VAT category {category} takes a 0 % rate.", field="vat_rate")
    if category == "S" and rate == ZERO:
        raise ValidationError("Standard-rated VAT (S) needs a rate above 0 %.", field="vat_rate")


def validate_line(line: LineInput) -> None:
    _check_category(line.vat_category, line.vat_rate)
    if line.unit_price < ZERO:
        raise ValidationError("A unit price cannot be negative (BR-27).", field="unit_price")
    if line.price_base_quantity <= ZERO:
        raise ValidationError(
            "The price base quantity must be positive.", field="price_base_quantity"
        )
    if line.discount_amount < ZERO or line.charge_amount < ZERO:
        raise ValidationError(
            "Line allowances and charges are positive amounts.", field="discount_amount"
        )


def line_net(line: LineInput, currency: str) -> Decimal:
    gross = line.quantity * line.unit_price / line.price_base_quantity
    allowance = gross * line.discount_percent / HUNDRED + line.discount_amount
    return quantize(gross - allowance + line.charge_amount, currency)


def compute_totals(
    lines: Iterable[LineInput],
    allowances_charges: Iterable[AllowanceCharge] = (),
    *,
    currency: str = "EUR",
    prepaid: Decimal = ZERO,
) -> Totals:
    lines = list(lines)
    documents = list(allowances_charges)
    nets = tuple(line_net(line, currency) for line in lines)
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line, net in zip(lines, nets, strict=True):
        key = (line.vat_category, line.vat_rate.normalize())
        groups[key] = groups.get(key, ZERO) + net
    allowance_total = charge_total = ZERO
    for row in documents:
        _check_category(row.vat_category, row.vat_rate)
        amount = quantize(row.amount, currency)
        key = (row.vat_category, row.vat_rate.normalize())
        groups[key] = groups.get(key, ZERO) + (amount if row.is_charge else -amount)
        if row.is_charge:
            charge_total += amount
        else:
            allowance_total += amount
    breakdown = tuple(
        VatBreakdown(
            category=category,
            rate=rate,
            taxable=taxable,
            tax=quantize(taxable * rate / HUNDRED, currency),
        )
        for (category, rate), taxable in sorted(groups.items())
    )
    line_total = sum(nets, ZERO)
    tax_exclusive = line_total - allowance_total + charge_total
    tax_total = sum((group.tax for group in breakdown), ZERO)
    tax_inclusive = tax_exclusive + tax_total
    prepaid = quantize(prepaid, currency)
    return Totals(
        currency=currency,
        line_total=quantize(line_total, currency),
        allowance_total=quantize(allowance_total, currency),
        charge_total=quantize(charge_total, currency),
        tax_exclusive=quantize(tax_exclusive, currency),
        tax_total=quantize(tax_total, currency),
        tax_inclusive=quantize(tax_inclusive, currency),
        prepaid=prepaid,
        rounding=quantize(ZERO, currency),
        payable=quantize(tax_inclusive - prepaid, currency),
        breakdown=breakdown,
        line_nets=nets,
    )
