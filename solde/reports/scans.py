"""The building blocks of the figures: one scan of the invoices, one of the allocations.

An open balance at the end of day D is the invoice's total − its allocations active at D
(docs.md), so for any set of invoices, Σ open balances = Σ totals − Σ active allocations
of those invoices. A *measure* names a set and its day: every receivable issued by the
day (condition None), or those of them meeting a condition on the invoice's fields.
`invoice_side` and `allocation_side` turn measures into conditional SUMs, one column
each, over `invoices` and `allocations`.

The allocation scan reads the allocations table alone, without a join: an allocation is
always on an issued invoice or deposit, for its customer, in its currency, dated on or
after its issue date (payments.services, the imports and the bank batches write them
so). A condition on the invoice becomes `invoice_id IN (the invoices meeting it)`, so
conditions select small sets (not yet due, recent, disputed) and larger ones are derived
by difference
(overdue = receivables − not due; doubtful = receivables − recent and undisputed).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.core.errors import ValidationError
from solde.core.money import ZERO, quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.reminders.models import Dispute

RECEIVABLE = ~Q(kind=Invoice.CREDIT_NOTE)  # invoices and deposits; credit notes are credit

# A balance measure: which receivables (None: all) issued by which day, at its end.
Measures = dict[str, tuple[Q | None, date]]


def active_on(day: date) -> Q:
    """Allocations in force at the end of `day` (Allocation.objects.active_on)."""
    return Q(date__lte=day) & (Q(undone_on__isnull=True) | Q(undone_on__gt=day))


def due() -> Coalesce:
    """An invoice's due date, or its issue date when it has none (as queries.aging)."""
    return Coalesce("due_date", "issue_date")


def invoices(company: Company, as_of: date) -> QuerySet:
    """Issued documents in the company's currency dated by as_of (credit notes too, for
    the sales)."""
    return (
        Invoice.objects.for_company(company)
        .issued()
        .filter(currency=company.currency, issue_date__lte=as_of)
    )


def allocations(company: Company, as_of: date) -> QuerySet:
    """Allocations dated by as_of in the company's currency: on its receivables."""
    return Allocation.objects.for_company(company).filter(
        date__lte=as_of, currency=company.currency
    )


def due_from(day: date) -> Q:
    """Invoices due on `day` or later (the issue date standing for a missing due date),
    in a form the (company, due_date) index can answer."""
    return Q(due_date__gte=day) | Q(due_date__isnull=True, issue_date__gte=day)


def disputed_at(company: Company, day: date) -> Q:
    """Invoices with a dispute open at the end of `day`: opened by then, not resolved."""
    disputes = (
        Dispute.objects.for_company(company)
        .filter(opened_on__lte=day)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=day))
        .values("invoice_id")
    )
    return Q(pk__in=disputes)


def invoice_side(measures: Measures) -> dict:
    return {
        name: Sum("total", filter=RECEIVABLE & Q(issue_date__lte=day) & (cond or Q()))
        for name, (cond, day) in measures.items()
    }


def allocation_side(company: Company, measures: Measures) -> dict:
    sums = {}
    for name, (cond, day) in measures.items():
        chosen = active_on(day)
        if cond is not None:
            ids = invoices(company, day).filter(RECEIVABLE & cond).values("pk")
            chosen &= Q(invoice_id__in=ids)  # uncorrelated: the set is built once
        sums[name] = Sum("amount", filter=chosen)
    return sums


def rows(queryset: QuerySet, sums: dict, group=None) -> list[dict]:
    """One row of sums, or one per value of `group` (an expression), keyed "group"."""
    if group is None:
        return [queryset.aggregate(**sums)]
    return list(queryset.annotate(group=group).order_by().values("group").annotate(**sums))


def balances(invoice: dict, allocation: dict, measures: Measures, currency: str) -> dict:
    """Σ open balance per measure: the invoice side's sum − the allocation side's."""
    return {
        name: quantize((invoice.get(name) or ZERO) - (allocation.get(name) or ZERO), currency)
        for name in measures
    }


def signed_total() -> Case:
    """A document's total, negated for a credit note: net sales."""
    return Case(When(kind=Invoice.CREDIT_NOTE, then=-F("total")), default=F("total"))


def check_positive(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{field} must be a whole number of at least 1.", field=field)
    return value
