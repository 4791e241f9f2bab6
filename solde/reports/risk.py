"""Customer risk scores at a date: `core.risk`'s points from what the database knows.

Inputs per customer, as of the end of `as_of` (7 queries whatever the number of
customers or invoices, each reading an index range or only the invoices that may be
open, never every invoice or allocation):
- its recently paid invoices: `behaviour.paid_history` (the same as the forecast's);
- disputes: open at as_of; and "recent", opened in the 365 days to as_of and resolved
  by then;
- promises broken: status broken with a promised date in the 365 days before as_of (a
  promise is settled the day after its date, so one dated on or after as_of could not
  have been broken yet);
- its overdue balance (invoices open at as_of and past due, in the company's currency)
  and the days past due of its oldest overdue invoice (any currency);
- its average month invoiced: invoices and deposits issued in the 365 days to as_of,
  less the credit notes issued then, in the company's currency, ÷ 12.
Customers with none of these get no entry: `risk_of` scores them 0 (low, no reasons).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.db.models import Case, Count, F, Q, Sum, When

from solde.companies.models import Company
from solde.core import risk as core
from solde.core.money import ZERO, format_amount, quantize
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.reminders.models import Dispute, Promise
from solde.reports.behaviour import open_items, paid_history

YEAR = 365
MONTHS = 12


def _disputes(company: Company, as_of: date, customer_ids) -> dict[int, tuple[int, int]]:
    """{customer: (open at as_of, other disputes opened in the year to as_of)}."""
    is_open = Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of)
    rows = Dispute.objects.for_company(company).filter(opened_on__lte=as_of)
    rows = rows.filter(is_open | Q(opened_on__gt=as_of - timedelta(days=YEAR)))
    if customer_ids is not None:
        rows = rows.filter(invoice__customer_id__in=customer_ids)
    grouped = (
        rows.order_by()
        .values("invoice__customer_id")
        .annotate(open=Count("pk", filter=is_open), other=Count("pk", filter=~is_open))
    )
    return {r["invoice__customer_id"]: (r["open"], r["other"]) for r in grouped}


def _broken_promises(company: Company, as_of: date, customer_ids) -> dict[int, int]:
    rows = Promise.objects.for_company(company).filter(
        status=Promise.BROKEN,
        promised_date__lt=as_of,
        promised_date__gte=as_of - timedelta(days=YEAR),
    )
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    grouped = rows.order_by().values("customer_id").annotate(n=Count("pk"))
    return {r["customer_id"]: r["n"] for r in grouped}


def _invoiced(company: Company, as_of: date, customer_ids) -> dict[int, Decimal]:
    """{customer: invoiced net of credit notes over the year to as_of, company currency}."""
    rows = (
        Invoice.objects.for_company(company)
        .issued()
        .filter(
            currency=company.currency,
            issue_date__lte=as_of,
            issue_date__gt=as_of - timedelta(days=YEAR),
        )
    )
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    signed = Case(When(kind=Invoice.CREDIT_NOTE, then=-F("total")), default=F("total"))
    grouped = rows.order_by().values("customer_id").annotate(s=Sum(signed))
    return {r["customer_id"]: r["s"] or ZERO for r in grouped}


def _overdue(company: Company, as_of: date, customer_ids) -> dict[int, tuple[Decimal, int]]:
    """{customer: (overdue balance in the company's currency, oldest days past due)}."""
    overdue: dict[int, tuple[Decimal, int]] = defaultdict(lambda: (ZERO, 0))
    for item in open_items(company, as_of, customer_ids):
        days = (as_of - item.due_date).days
        if days <= 0:
            continue
        amount, oldest = overdue[item.customer_id]
        if item.currency == company.currency:
            amount += item.balance
        overdue[item.customer_id] = (amount, max(oldest, days))
    return overdue


def _scores(company: Company, as_of: date, customer_ids=None) -> dict[int, core.RiskScore]:
    paid: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for record in paid_history(company, as_of, customer_ids):
        paid[record.customer].append((record.due_date, record.paid_on))
    disputes = _disputes(company, as_of, customer_ids)
    broken = _broken_promises(company, as_of, customer_ids)
    invoiced = _invoiced(company, as_of, customer_ids)
    overdue = _overdue(company, as_of, customer_ids)
    cur = company.currency
    scores = {}
    for customer_id in set(paid) | set(disputes) | set(broken) | set(overdue):
        amount, oldest = overdue.get(customer_id, (ZERO, 0))
        opened, other = disputes.get(customer_id, (0, 0))
        behaviour = core.Behaviour(
            paid=tuple(paid.get(customer_id, ())),
            disputes_open=opened,
            disputes_recent=other,
            promises_broken=broken.get(customer_id, 0),
            overdue=quantize(amount, cur),
            monthly=quantize(max(invoiced.get(customer_id, ZERO), ZERO) / MONTHS, cur),
            oldest_overdue_days=oldest,
        )
        scores[customer_id] = core.score(behaviour)
    return scores


def customer_risk(
    company: Company, as_of: date, customer_ids: list[int] | None = None
) -> dict[int, core.RiskScore]:
    """{customer id: its risk score at the end of as_of}, for every customer with paid
    invoices in the last year, overdue invoices, disputes or broken promises.

    `customer_ids` restricts it to those customers (a few badges need not score them
    all): each score reads only its customer's rows, so it is the same either way."""
    return _scores(company, as_of, customer_ids)


@dataclass(frozen=True, slots=True)
class CustomerRisk:
    customer_id: int
    public_id: UUID
    code: str
    name: str
    risk: core.RiskScore


def risk_list(company: Company, as_of: date) -> list[CustomerRisk]:
    """`customer_risk` with each customer's code and name, the riskiest first (then by
    code and name), for lists (1 more query)."""
    scores = customer_risk(company=company, as_of=as_of)
    rows = Customer.objects.for_company(company).filter(pk__in=list(scores))
    found = [
        CustomerRisk(pk, public_id, code, name, scores[pk])
        for pk, public_id, code, name in rows.values_list("pk", "public_id", "code", "name")
    ]
    return sorted(found, key=lambda r: (-r.risk.score, r.code, r.name))


def reason_values(values: dict, currency: str) -> dict:
    """A reason's figures for JSON (CLI, API): amounts (the Decimals) as strings."""
    return {
        k: format_amount(v, currency) if isinstance(v, Decimal) else v for k, v in values.items()
    }


def risk_of(customer: Customer, as_of: date) -> core.RiskScore:
    """One customer's risk score at the end of as_of (0, low, no reasons without data)."""
    scores = _scores(customer.company, as_of, [customer.pk])
    return scores.get(customer.pk) or core.score(core.Behaviour())


def risk_entries(rows, currency: str) -> list[dict]:
    """Each customer's code, name, score, level and reasons (amounts as strings): the
    CLI's and the API's documents share them."""
    return [
        {
            "code": row.code,
            "name": row.name,
            "score": row.risk.score,
            "level": row.risk.level,
            "reasons": [
                {"code": r.code, "points": r.points, "values": reason_values(r.values, currency)}
                for r in row.risk.reasons
            ],
        }
        for row in rows
    ]
