"""The line editor shared by invoice, credit-note and quote pages: reading posted lines,
showing them back with their errors, and the live totals."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from solde.core.errors import SoldeError
from solde.invoicing import documents

# A line's VAT as one choice: category and rate (EN 16931 BT-151, BT-152).
VAT_CHOICES = [
    ("S:20", _("20 %")),
    ("S:10", _("10 %")),
    ("S:5.5", _("5.5 %")),
    ("S:2.1", _("2.1 %")),
    ("E:0", _("0 % — exempt (art. 293 B CGI)")),
    ("AE:0", _("0 % — reverse charge")),
    ("K:0", _("0 % — intra-EU supply")),
    ("G:0", _("0 % — export outside the EU")),
]
LINE_INPUTS = ("description", "quantity", "unit_price", "discount_percent", "vat")
_NAME = re.compile(r"^lines\[(\d+)\]\.(\w+)$")
MAX_LINES = 500


def vat_choice(category: str, rate) -> str:
    return f"{category}:{Decimal(rate).normalize():f}"


def posted_lines(post) -> list[dict]:
    """The lines of a posted form (inputs named lines[N].field), blank rows dropped,
    as the services take them."""
    found: dict[int, dict] = {}
    for name, value in post.items():
        match = _NAME.match(name)
        if match and int(match[1]) < MAX_LINES:
            found.setdefault(int(match[1]), {})[match[2]] = value.strip()
    lines = []
    for _index, row in sorted(found.items()):
        if not any(row.get(k) for k in ("description", "unit_price")):
            continue
        category, _sep, rate = (row.get("vat") or "S:20").partition(":")
        lines.append(
            {
                "description": row.get("description", ""),
                "quantity": (row.get("quantity") or "1").replace(",", "."),
                "unit_price": (row.get("unit_price") or "").replace(",", "."),
                "discount_percent": (row.get("discount_percent") or "0").replace(",", "."),
                "vat_category": category,
                "vat_rate": rate or "0",
            }
        )
    return lines


def line_rows(lines, errors: dict | None = None, blank: int = 1) -> list[dict]:
    """Lines (dicts or model rows) as the editor shows them, each with its own errors."""
    errors = errors or {}
    rows = []
    for index, line in enumerate(lines):
        get = line.get if isinstance(line, dict) else lambda n, _l=line: getattr(_l, n, "")
        rows.append(
            {
                "index": index,
                "description": get("description"),
                "quantity": _plain(get("quantity")),
                "unit_price": _plain(get("unit_price")),
                "discount_percent": _plain(get("discount_percent")).replace("0", "", 1)
                if _plain(get("discount_percent")) == "0"
                else _plain(get("discount_percent")),
                "vat": vat_choice(get("vat_category") or "S", get("vat_rate") or "20"),
                "errors": _errors_of(errors, index),
            }
        )
    for index in range(len(rows), len(rows) + blank):
        rows.append(empty_row(index))
    return rows


def empty_row(index: int) -> dict:
    return {
        "index": index,
        "description": "",
        "quantity": "1",
        "unit_price": "",
        "discount_percent": "",
        "vat": "S:20",
        "errors": {},
    }


def _plain(value) -> str:
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except ArithmeticError:
        return str(value)
    return f"{number:f}"


def _errors_of(errors: dict, index: int) -> dict:
    prefix = f"lines[{index}]."
    return {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}


def live_totals(lines: list[dict], currency: str):
    """Totals of the lines that parse; the others are left out until they are right."""
    good = []
    for position, line in enumerate(lines):
        try:
            good.append(documents.parse_line(line, position, currency))
        except SoldeError:
            continue
    return documents.totals_of(good, [], currency)
