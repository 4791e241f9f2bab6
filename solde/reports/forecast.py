"""The 13-week cash-in forecast of a company at a date, and how it compared afterwards.

The rules (habits, expected days, bands, what is not expected) are `core.forecast`'s;
this module gathers their inputs with `reports.behaviour` (4 queries whatever the
number of invoices) and, for the comparison, one grouped query of the receipts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from solde.companies.models import Company
from solde.core import clock
from solde.core import forecast as core
from solde.core.money import ZERO, quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.reports.behaviour import open_items, paid_history


def _other_currencies(items, currency: str) -> dict[str, Decimal]:
    others: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        if item.currency != currency:
            others[item.currency] += item.balance
    return {cur: quantize(total, cur) for cur, total in sorted(others.items())}


def forecast(company: Company, as_of: date, weeks: int = core.WEEKS) -> core.Forecast:
    """The cash expected per week over `weeks` weeks after `as_of` from the invoices open
    at the end of `as_of`, in the company's currency, using only what had happened by then.

    Invoices in other currencies are left out (`other_currencies` gives their totals);
    the habits learn from every currency (a delay has no currency).
    """
    items = open_items(company, as_of)
    history = paid_history(company, as_of)
    made = core.forecast(
        [i.item() for i in items if i.currency == company.currency],
        history,
        as_of,
        currency=company.currency,
        weeks=weeks,
    )
    return replace(made, other_currencies=_other_currencies(items, company.currency))


def receipts(company: Company, made_on: date, until: date, currency: str) -> dict[date, Decimal]:
    """Payments received per day from (made_on, until] on the invoices issued by
    made_on in `currency`: payment allocations dated then and still active at `until`."""
    rows = (
        Allocation.objects.for_company(company)
        .active_on(until)
        .filter(kind=Allocation.PAYMENT, date__gt=made_on)
        .filter(invoice__issue_date__lte=made_on, invoice__currency=currency)
        .exclude(invoice__kind=Invoice.CREDIT_NOTE)
        .order_by()
        .values("date")
        .annotate(s=Sum("amount"))
    )
    return {r["date"]: r["s"] for r in rows}


def forecast_vs_actual(
    company: Company, made_on: date, weeks: int = core.WEEKS, as_of: date | None = None
) -> core.Comparison:
    """The forecast as it was at the end of `made_on` beside what came in each week.

    Actual = payments allocated to the invoices issued by made_on, dated in the week and
    still active at `as_of` (default today). Weeks not over at `as_of` have no actual yet.
    """
    as_of = as_of or clock.today()
    made = forecast(company=company, as_of=made_on, weeks=weeks)
    horizon_end = made_on + timedelta(days=7 * weeks)
    known_until = min(as_of, horizon_end)
    got = receipts(company, made_on, known_until, company.currency) if known_until > made_on else {}
    return core.compare(made, got, known_until)
