"""Lines and totals of drafts: parsing line input, computing EN 16931 totals.

Shared by invoices and quotes; the rules themselves live in solde.core.tax.
"""

from __future__ import annotations

from decimal import Decimal

from solde.core import tax
from solde.core.errors import ValidationError
from solde.core.money import QUANTITY_DECIMALS, UNIT_PRICE_DECIMALS, ZERO, to_decimal

# Default wording where a zero-rate category needs an exemption reason (BR-E-10, BR-AE-10...).
DEFAULT_EXEMPTIONS = {
    "E": "TVA non applicable, art. 293 B du CGI",
    "AE": "Autoliquidation",
    "K": "Exonération de TVA, article 262 ter I du CGI",
    "G": "Exonération de TVA, article 262 I du CGI",
    "O": "Hors champ d'application de la TVA",
}

LINE_FIELDS = {
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "discount_amount",
    "vat_category",
    "vat_rate",
    "exemption_reason",
}


def parse_line(data: dict, position: int, currency: str) -> dict:
    """Check one line given as a dict of strings or Decimals; return model field values."""
    where = f"lines[{position}]"
    unknown = set(data) - LINE_FIELDS
    if unknown:
        raise ValidationError(f"{where}: unknown field {sorted(unknown)[0]!r}.", field=where)
    description = str(data.get("description", "")).strip()
    if not description:
        raise ValidationError(f"{where}: a line needs a description.", field=f"{where}.description")
    rate = to_decimal(data.get("vat_rate", "20"), field=f"{where}.vat_rate", decimals=3)
    category = str(data.get("vat_category") or ("S" if rate > 0 else "E")).upper()
    fields = {
        "position": position,
        "description": description[:500],
        "quantity": to_decimal(
            data.get("quantity", "1"), field=f"{where}.quantity", decimals=QUANTITY_DECIMALS
        ),
        "unit": str(data.get("unit") or "C62")[:3],
        "unit_price": to_decimal(
            data.get("unit_price"), field=f"{where}.unit_price", decimals=UNIT_PRICE_DECIMALS
        ),
        "discount_percent": to_decimal(
            data.get("discount_percent", "0"), field=f"{where}.discount_percent", decimals=4
        ),
        "discount_amount": to_decimal(
            data.get("discount_amount", "0"), field=f"{where}.discount_amount"
        ),
        "vat_category": category,
        "vat_rate": rate,
        "exemption_reason": str(
            data.get("exemption_reason") or DEFAULT_EXEMPTIONS.get(category, "")
        ),
    }
    if not ZERO <= fields["discount_percent"] <= 100:
        raise ValidationError(
            f"{where}: a discount is between 0 and 100 %.", field=f"{where}.discount_percent"
        )
    try:
        tax.validate_line(line_input(fields))
    except ValidationError as exc:
        raise ValidationError(
            f"{where}: {exc.message}", field=f"{where}.{exc.field or ''}"
        ) from exc
    return fields


def line_input(fields) -> tax.LineInput:
    """A model line (or its field dict) as the tax module's input."""
    get = fields.get if isinstance(fields, dict) else lambda name: getattr(fields, name)
    return tax.LineInput(
        quantity=Decimal(get("quantity")),
        unit_price=Decimal(get("unit_price")),
        vat_category=get("vat_category"),
        vat_rate=Decimal(get("vat_rate")),
        discount_amount=Decimal(get("discount_amount")),
        discount_percent=Decimal(get("discount_percent")),
    )


def allowance_input(row) -> tax.AllowanceCharge:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tax.AllowanceCharge(
        is_charge=bool(get("is_charge")),
        amount=Decimal(get("amount")),
        vat_category=get("vat_category"),
        vat_rate=Decimal(get("vat_rate")),
        reason=get("reason") or "",
    )


def parse_allowance_charge(data: dict, index: int, currency: str) -> dict:
    where = f"allowance_charges[{index}]"
    rate = to_decimal(data.get("vat_rate", "20"), field=f"{where}.vat_rate", decimals=3)
    amount = to_decimal(data.get("amount"), field=f"{where}.amount")
    if amount <= ZERO:
        raise ValidationError(f"{where}: the amount must be positive.", field=f"{where}.amount")
    return {
        "is_charge": bool(data.get("is_charge", False)),
        "amount": amount,
        "reason": str(data.get("reason", ""))[:200],
        "vat_category": str(data.get("vat_category") or ("S" if rate > 0 else "E")).upper(),
        "vat_rate": rate,
    }


def totals_of(lines, allowance_charges, currency: str) -> tax.Totals:
    return tax.compute_totals(
        [line_input(line) for line in lines],
        [allowance_input(row) for row in allowance_charges],
        currency=currency,
    )
