"""Amounts, dates and statuses as the reader's language writes them (babel)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.translation import get_language, pgettext_lazy

from solde.core.money import format_amount

register = template.Library()

STATUS_LABELS = {
    "draft": pgettext_lazy("invoice status", "Draft"),
    "open": pgettext_lazy("invoice status", "Open"),
    "partially_paid": pgettext_lazy("invoice status", "Partly paid"),
    "paid": pgettext_lazy("invoice status", "Paid"),
    "overdue": pgettext_lazy("invoice status", "Overdue"),
    "disputed": pgettext_lazy("invoice status", "Disputed"),
    "written_off": pgettext_lazy("invoice status", "Written off"),
    "cancelled": pgettext_lazy("invoice status", "Cancelled"),
    "sent": pgettext_lazy("quote or email status", "Sent"),
    "accepted": pgettext_lazy("quote status", "Accepted"),
    "declined": pgettext_lazy("quote status", "Declined"),
    "expired": pgettext_lazy("quote status", "Expired"),
    "invoiced": pgettext_lazy("quote status", "Invoiced"),
    "payment": pgettext_lazy("settlement", "Payment"),
    "credit_note": pgettext_lazy("settlement", "Credit note"),
    "write_off": pgettext_lazy("settlement", "Write-off"),
    "transfer": pgettext_lazy("payment method", "Bank transfer"),
    "direct_debit": pgettext_lazy("payment method", "Direct debit"),
    "card": pgettext_lazy("payment method", "Card"),
    "cheque": pgettext_lazy("payment method", "Cheque"),
    "cash": pgettext_lazy("payment method", "Cash"),
    "other": pgettext_lazy("payment method", "Other"),
    "unknown": pgettext_lazy("payment method", "Unknown"),
    "unmatched": pgettext_lazy("bank line status", "Unmatched"),
    "suggested": pgettext_lazy("bank line status", "To review"),
    "matched": pgettext_lazy("bank line status", "Matched"),
    "ignored": pgettext_lazy("bank line status", "Ignored"),
    "debit": pgettext_lazy("bank line status", "Debit"),
    "queue": pgettext_lazy("bank line view", "To review"),
    "auto": pgettext_lazy("match", "automatic"),
    "confirmed": pgettext_lazy("match", "confirmed"),
    "manual": pgettext_lazy("match", "by hand"),
    "queued": pgettext_lazy("email status", "Queued"),
    "sending": pgettext_lazy("email status", "Sending"),
    "failed": pgettext_lazy("email status", "Failed"),
}
METHODS = ["transfer", "cheque", "card", "direct_debit", "cash", "other"]


def locale() -> str:
    return {"fr": "fr_FR", "en": "en_GB"}.get((get_language() or "fr")[:2], "fr_FR")


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """1 234,50 € in French, €1,234.50 in English; blank for no amount."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(amount), currency or "EUR", locale=locale())


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value).normalize(), locale=locale())


@register.filter
def day(value: date | None, style: str = "medium") -> str:
    """A date: 2 nov. 2026 / 2 Nov 2026 (medium) or 02/11/2026 (short)."""
    if not value:
        return ""
    return format_date(value, format=style, locale=locale())


@register.simple_tag
def payment_methods() -> list[tuple[str, str]]:
    return [(m, STATUS_LABELS[m]) for m in METHODS]


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed (sorting, pages, filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get(mapping, key):
    """mapping[key] in a template, for keys held in variables (form data and errors)."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def days_late(due: date | None, today: date) -> int | str:
    return (today - due).days if due else ""


@register.filter
def iso(value) -> str:
    """A date for <input type=date>, whether it is a date or text typed back."""
    if isinstance(value, date):
        return value.isoformat()
    return value or ""


@register.filter
def amount_input(amount, currency: str = "EUR") -> str:
    """An amount as an input's value: the currency's decimals, a dot ("940.00")."""
    return "" if amount is None else format_amount(Decimal(amount), currency)


@register.filter
def split(text: str) -> list[str]:
    return text.split()
