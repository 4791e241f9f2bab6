"""A reminder's subject and body: the step's wording in the customer's language, its
placeholders (defaults.PLACEHOLDERS) filled by mail.texts.render, which evaluates
nothing else. The invoice list is written here, one line per invoice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from solde.core.money import ZERO
from solde.mail import compose
from solde.mail import texts as mail_texts
from solde.reminders.defaults import PLACEHOLDERS


@dataclass(frozen=True)
class Chased:
    """One invoice of a message, as written in it."""

    number: str
    issue_date: date | None
    due_date: date
    balance: Decimal
    days_overdue: int
    interest: Decimal = ZERO
    indemnity: Decimal = ZERO


@lru_cache(maxsize=64)
def _shape(currency: str, language: str) -> tuple[str, str, str, str, str, int]:
    """How mail.compose.money writes amounts of this currency in this language, read off
    two samples once: (prefix, negative prefix, suffix, group separator, decimal separator,
    decimals). Babel takes ~50 µs an amount, and a run writes hundreds of thousands."""
    sample = compose.money(Decimal("1234.12"), currency, language)
    negative = compose.money(Decimal("-1234.12"), currency, language)
    found = re.search(r"1(\D?)234(?:(\D)(12\d*))?", sample)
    prefix, suffix = sample[: found.start()], sample[found.end() :]
    negative_prefix = negative[: negative.index("1")]
    decimals = len(found.group(3) or "")
    return prefix, negative_prefix, suffix, found.group(1), found.group(2) or ".", decimals


def money(amount: Decimal, currency: str, language: str) -> str:
    """mail.compose.money, fast (a test holds the two equal)."""
    prefix, negative_prefix, suffix, group, point, decimals = _shape(currency, language)
    digits = f"{abs(amount):,.{decimals}f}".replace(",", "\0").replace(".", point)
    return (negative_prefix if amount < 0 else prefix) + digits.replace("\0", group) + suffix


_LINE = {
    "fr": "• {number} du {issue}, échéance {due} : {balance} restant dû{late}",
    "en": "• {number} of {issue}, due {due}: {balance} outstanding{late}",
}
_LATE = {"fr": " ({days} jours de retard)", "en": " ({days} days late)"}


def invoice_lines(chased: list[Chased], currency: str, language: str) -> str:
    out = []
    for item in chased:
        late = _LATE[language].format(days=item.days_overdue) if item.days_overdue > 0 else ""
        out.append(
            _LINE[language].format(
                number=item.number,
                issue=_short_day(item.issue_date, language),
                due=_short_day(item.due_date, language),
                balance=money(item.balance, currency, language),
                late=late,
            )
        )
    return "\n".join(out)


def _short_day(day: date | None, language: str) -> str:
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y" if language == "fr" else "%d %b %Y")


def values(
    *,
    company_name: str,
    customer_name: str,
    iban: str,
    chased: list[Chased],
    currency: str,
    language: str,
) -> dict[str, str]:
    """The placeholder values of one message (keys: defaults.PLACEHOLDERS)."""
    due = sum((c.balance for c in chased), ZERO)
    interest = sum((c.interest for c in chased), ZERO)
    indemnity = sum((c.indemnity for c in chased), ZERO)
    oldest = min(c.due_date for c in chased)
    return {
        "company": company_name,
        "customer": customer_name,
        "invoices": invoice_lines(chased, currency, language),
        "total_due": money(due, currency, language),
        "late_fees": money(interest, currency, language),
        "indemnity": money(indemnity, currency, language),
        "total_with_fees": money(due + interest + indemnity, currency, language),
        "days_overdue": str(max(c.days_overdue for c in chased)),
        "oldest_due_date": _short_day(oldest, language),
        "iban": iban,
    }


def wording(step_texts: dict, language: str) -> tuple[str, str, str]:
    """(language, subject, body) of a step: the language asked for, else French, else
    whichever the step has."""
    for candidate in (language, "fr", *step_texts):
        text = step_texts.get(candidate)
        if text:
            return candidate, text.get("subject", ""), text.get("body", "")
    return language, "", ""


def render(template: str, filled: dict[str, str]) -> str:
    return mail_texts.render(template, filled)


def unknown_placeholders(template: str) -> list[str]:
    return [name for name in mail_texts.placeholders_in(template) if name not in PLACEHOLDERS]
