"""Reads of invoices, credit notes and quotes, always through the company."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from solde.companies.models import Company
from solde.companies.queries import by_ref
from solde.core import clock
from solde.core.errors import ValidationError
from solde.invoicing.models import Invoice, Quote

STATUSES = {
    "draft",
    "open",
    "partially_paid",
    "paid",
    "overdue",
    "disputed",
    "written_off",
    "cancelled",
    "unpaid",
}


def status_filter(status: str, today: date) -> Q:
    """The filter for a displayed status; overdue is open or partly paid past its due date."""
    if status not in STATUSES:
        raise ValidationError(f"Unknown status {status!r}.", field="status")
    unpaid = Q(state=Invoice.ISSUED, status__in=[Invoice.OPEN, Invoice.PARTIALLY_PAID])
    if status == "overdue":
        return unpaid & Q(due_date__lt=today)
    if status == "unpaid":
        return unpaid
    if status == "disputed":
        return Q(disputed=True)
    return Q(status=status)


def display_status(invoice: Invoice, today: date | None = None) -> str:
    today = today or clock.today()
    if invoice.disputed and invoice.status in {Invoice.OPEN, Invoice.PARTIALLY_PAID}:
        return "disputed"
    if (
        invoice.status in {Invoice.OPEN, Invoice.PARTIALLY_PAID}
        and invoice.kind != Invoice.CREDIT_NOTE
        and invoice.due_date
        and invoice.due_date < today
    ):
        return "overdue"
    return invoice.status


def invoice_list(
    *,
    company: Company,
    kind: str | None = None,
    status: str | None = None,
    customer=None,
    due_before: date | None = None,
    due_after: date | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    today: date | None = None,
) -> QuerySet[Invoice]:
    rows = Invoice.objects.for_company(company).select_related("customer")
    if kind == "credit_note":
        rows = rows.filter(kind=Invoice.CREDIT_NOTE)
    elif kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status_filter(status, today or clock.today()))
    if customer is not None:
        rows = rows.filter(customer=customer)
    if due_before:
        rows = rows.filter(due_date__lte=due_before)
    if due_after:
        rows = rows.filter(due_date__gte=due_after)
    if issued_from:
        rows = rows.filter(issue_date__gte=issued_from)
    if issued_to:
        rows = rows.filter(issue_date__lte=issued_to)
    return rows


def invoice_open_list(*, company: Company, customer) -> QuerySet[Invoice]:
    """What a customer still owes, oldest due first: the invoices a payment may settle."""
    rows = invoice_list(company=company, customer=customer, status="unpaid")
    return rows.exclude(kind="credit_note").order_by("due_date", "id")[:200]


def invoice_get(*, company: Company, ref: str) -> Invoice:
    """By UUID or by number; another company's invoice is not found."""
    rows = Invoice.objects.for_company(company).select_related("customer", "company")
    return by_ref(rows, ref, what="invoice", other_field="number")


def quote_get(*, company: Company, ref: str) -> Quote:
    rows = Quote.objects.for_company(company).select_related("customer")
    return by_ref(rows, ref, what="quote", other_field="number")


def receivable_summary(*, company: Company, today: date | None = None) -> dict:
    """What customers owe now, in the company's currency: all of it, and what is overdue.

    Reads the stored balances (kept by the payment services, checked nightly), so it is
    two indexed sums whatever the number of invoices.
    """
    today = today or clock.today()
    unpaid = invoice_list(company=company, status="unpaid").filter(currency=company.currency)
    unpaid = unpaid.exclude(kind=Invoice.CREDIT_NOTE)
    overdue = unpaid.filter(due_date__lt=today)
    total = unpaid.aggregate(total=Sum("balance"), count=Count("id"))
    late = overdue.aggregate(total=Sum("balance"), count=Count("id"))
    return {
        "currency": company.currency,
        "receivable": total["total"] or Decimal(0),
        "receivable_count": total["count"],
        "overdue": late["total"] or Decimal(0),
        "overdue_count": late["count"],
        "oldest_overdue": list(overdue.order_by("due_date", "id")[:10]),
    }
