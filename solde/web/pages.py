"""What pages share: turning service errors into messages next to fields, and paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.db.models import QuerySet

from solde.core import clock
from solde.core.errors import SoldeError

PAGE_SIZE = 50


def field_errors(request, exc: SoldeError) -> dict[str, str]:
    """The error keyed by the input it is about; without a field, a flash message."""
    if exc.field:
        return {exc.field: exc.message}
    messages.error(request, exc.message)
    return {}


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(rows: QuerySet, request, size: int = PAGE_SIZE) -> Page:
    """One page, without COUNT(*): reading size + 1 rows tells whether another follows,
    so a list stays fast over a million rows."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    start = (number - 1) * size
    chunk = list(rows[start : start + size + 1])
    return Page(rows=chunk[:size], number=number, has_next=len(chunk) > size)


def sorted_by(rows: QuerySet, request, allowed: dict[str, str], default: str) -> QuerySet:
    """Sort by ?sort=key or ?sort=-key among the allowed keys (key -> field)."""
    key = request.GET.get("sort", default)
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, field = default, allowed[default.lstrip("-")]
    prefix = "-" if key.startswith("-") else ""
    return rows.order_by(f"{prefix}{field}", f"{prefix}id")


def day_param(text: str, default: date | None = None) -> date | None:
    """A date typed in a form or a query string (YYYY-MM-DD); the default when absent or
    not a date (filters ignore what they cannot read)."""
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def statement_period(data, end_field: str = "to") -> tuple[date, date]:
    """The period asked for a statement: 1 January to today unless given."""
    today = clock.today()
    start = day_param(data.get("from", ""), date(today.year, 1, 1))
    return start, day_param(data.get(end_field, ""), today)
