"""The weekly digest's figures: what happened to the receivables in the seven days
ending on `as_of` (as_of − 6 … as_of), and where they stand at the end of `as_of`.

Everything uses only what had happened by the end of `as_of`, like the aged balance
(solde.reports.queries). Each group is two queries whatever the number of rows (a
COUNT/SUM and the largest few); nothing loops over invoices in Python.

One currency per digest, the company's: payments, invoices and reminders in another
currency are left out, as in the aged balance.

"Newly overdue" and "promise broken" follow the aged balance's clock: an invoice is
overdue from the day after its due date (as_of − due ≥ 1), a promise is broken the day
after its date passes unpaid. So an invoice is newly overdue in the week when that first
late day falls in the week: due from as_of − 7 to as_of − 1, still open at as_of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.core.money import ZERO, format_amount, quantize
from solde.payments.models import Payment
from solde.payments.queries import invoices_as_of
from solde.reminders.models import LETTER, TASK, Dispute, Promise, Reminder
from solde.reports.kpis import kpis

TOP = 5  # the largest few of each group, named in the email
WEEK = 7


@dataclass(frozen=True, slots=True)
class Item:
    """One payment, invoice, reminder or promise named in the digest: its customer (or
    payer), amount and day (paid, due, sent, opened or promised), and the invoice number
    where there is one."""

    customer: str
    amount: Decimal
    day: date
    number: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    count: int
    total: Decimal
    largest: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    company: str
    slug: str
    currency: str
    start: date
    as_of: date
    payments: Group  # received in the week
    newly_overdue: Group  # first late day in the week, still open at as_of
    tasks: Group  # reminders waiting for a person: escalation tasks, customers without email
    formal_notices: Group  # letters (mise en demeure) and formal-tone steps
    disputes: Group  # opened in the week, with the invoice's balance at as_of
    broken_promises: Group  # broken in the week, with the amount promised
    receivables: Decimal  # at the end of as_of
    overdue: Decimal
    dso: Decimal | None  # at as_of; None when undefined (nothing invoiced)
    dso_before: Decimal | None  # at as_of − 7

    @property
    def dso_change(self) -> Decimal | None:
        if self.dso is None or self.dso_before is None:
            return None
        return self.dso - self.dso_before

    @property
    def escalations(self) -> int:
        groups = (self.tasks, self.formal_notices, self.disputes, self.broken_promises)
        return sum(group.count for group in groups)


def week_of(as_of: date) -> tuple[date, date]:
    """The first and last day of the week that ends on `as_of` (7 days)."""
    return as_of - timedelta(days=WEEK - 1), as_of


def _group(rows: QuerySet, currency: str) -> Group:
    """Count, total and the TOP largest of rows annotated with d_amount, d_customer,
    d_day and d_number: two queries."""
    totals = rows.order_by().aggregate(count=Count("pk"), total=Sum("d_amount"))
    largest = rows.order_by("-d_amount", "d_day", "pk").values(
        "d_customer", "d_amount", "d_day", "d_number"
    )[:TOP]
    return Group(
        count=totals["count"],
        total=quantize(totals["total"] or ZERO, currency),
        largest=tuple(
            Item(
                customer=row["d_customer"] or "",
                amount=quantize(row["d_amount"], currency),
                day=row["d_day"],
                number=row["d_number"] or "",
            )
            for row in largest
        ),
    )


def _payments(company: Company, start: date, as_of: date) -> Group:
    """Payments dated in the week and not cancelled by as_of, allocated or not."""
    rows = (
        Payment.objects.for_company(company)
        .filter(date__range=(start, as_of), currency=company.currency)
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=as_of))
        .annotate(
            d_amount=F("amount"),
            d_customer=Coalesce("customer__name", "payer_name"),
            d_day=F("date"),
            d_number=Value(""),
        )
    )
    return _group(rows, company.currency)


def _newly_overdue(company: Company, start: date, as_of: date) -> Group:
    first_late, last_late = start - timedelta(days=1), as_of - timedelta(days=1)
    rows = (
        invoices_as_of(company, as_of)
        .filter(currency=company.currency)
        .alias(due=Coalesce("due_date", "issue_date"))
        .filter(due__range=(first_late, last_late), balance_as_of__gt=0)
        .annotate(
            d_amount=F("balance_as_of"),
            d_customer=F("customer__name"),
            d_day=F("due"),
            d_number=F("number"),
        )
    )
    return _group(rows, company.currency)


def _reminders(company: Company, start: date, as_of: date, which: Q) -> Group:
    rows = (
        Reminder.objects.for_company(company)
        .filter(which, run_date__range=(start, as_of), currency=company.currency)
        .annotate(
            d_amount=F("total_due"),
            d_customer=F("customer__name"),
            d_day=F("run_date"),
            d_number=Value(""),
        )
    )
    return _group(rows, company.currency)


def _disputes(company: Company, start: date, as_of: date) -> Group:
    """Invoices with a dispute opened in the week, at their balance at as_of."""
    opened = Dispute.objects.for_company(company).filter(opened_on__range=(start, as_of))
    first_opened = opened.filter(invoice=OuterRef("pk")).order_by("opened_on").values("opened_on")
    rows = (
        invoices_as_of(company, as_of)
        .filter(currency=company.currency, pk__in=opened.values("invoice_id"))
        .annotate(
            d_amount=F("balance_as_of"),
            d_customer=F("customer__name"),
            d_day=Subquery(first_opened[:1]),
            d_number=F("number"),
        )
    )
    return _group(rows, company.currency)


def _broken_promises(company: Company, start: date, as_of: date) -> Group:
    first, last = start - timedelta(days=1), as_of - timedelta(days=1)
    rows = (
        Promise.objects.for_company(company)
        .filter(status=Promise.BROKEN, promised_date__range=(first, last))
        .annotate(
            d_amount=F("amount"),
            d_customer=F("customer__name"),
            d_day=F("promised_date"),
            d_number=Value(""),
        )
    )
    return _group(rows, company.currency)


def _standing(company: Company, as_of: date) -> tuple[Decimal, Decimal, Decimal | None]:
    """Receivables, overdue and DSO (over 90 days) at the end of `as_of`."""
    figures = kpis(company=company, as_of=as_of)
    return figures.receivables, figures.overdue, figures.dso


def digest_build(*, company: Company, as_of: date) -> Digest:
    """The digest of the week ending on `as_of`, in the company's currency."""
    start, as_of = week_of(as_of)
    receivables, overdue, dso = _standing(company, as_of)
    _r, _o, dso_before = _standing(company, as_of - timedelta(days=WEEK))
    return Digest(
        company=company.name,
        slug=company.slug,
        currency=company.currency,
        start=start,
        as_of=as_of,
        payments=_payments(company, start, as_of),
        newly_overdue=_newly_overdue(company, start, as_of),
        tasks=_reminders(company, start, as_of, Q(channel=TASK) | Q(email__isnull=True)),
        formal_notices=_reminders(
            company, start, as_of, Q(channel=LETTER) | Q(step__tone="formal")
        ),
        disputes=_disputes(company, start, as_of),
        broken_promises=_broken_promises(company, start, as_of),
        receivables=receivables,
        overdue=overdue,
        dso=dso,
        dso_before=dso_before,
    )


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def digest_figures(digest: Digest) -> dict:
    """The digest as a JSON document: amounts as strings with the currency's decimals,
    days as strings ("45.3"), dates ISO, None when undefined."""
    cur = digest.currency

    def group(value: Group) -> dict:
        return {
            "count": value.count,
            "total": format_amount(value.total, cur),
            "largest": [
                {
                    "customer": item.customer,
                    "number": item.number,
                    "amount": format_amount(item.amount, cur),
                    "date": item.day.isoformat() if item.day else None,
                }
                for item in value.largest
            ],
        }

    return {
        "company": digest.slug,
        "currency": cur,
        "start": digest.start.isoformat(),
        "as_of": digest.as_of.isoformat(),
        "payments": group(digest.payments),
        "newly_overdue": group(digest.newly_overdue),
        "escalations": {
            "tasks": group(digest.tasks),
            "formal_notices": group(digest.formal_notices),
            "disputes": group(digest.disputes),
            "broken_promises": group(digest.broken_promises),
        },
        "receivables": format_amount(digest.receivables, cur),
        "overdue": format_amount(digest.overdue, cur),
        "dso": _figure(digest.dso),
        "dso_before": _figure(digest.dso_before),
        "dso_change": _figure(digest.dso_change),
    }
