"""Reads of recurring invoices and their occurrences, always through the company."""

from __future__ import annotations

from django.db.models import F, QuerySet

from solde.companies.models import Company
from solde.companies.queries import by_ref
from solde.core.errors import ValidationError
from solde.recurring.models import Occurrence, RecurringInvoice

STATUSES = ("active", "paused", "ended")


def recurring_list(
    *, company: Company, status: str = "", customer=None
) -> QuerySet[RecurringInvoice]:
    """Next to renew first; `ended` is an active template whose schedule is over."""
    rows = RecurringInvoice.objects.for_company(company).select_related("customer")
    if status:
        if status not in STATUSES:
            raise ValidationError(f"Unknown status {status!r}.", field="status")
        if status == "ended":
            rows = rows.filter(status=RecurringInvoice.ACTIVE, next_date=None)
        elif status == "active":
            rows = rows.filter(status=status).exclude(next_date=None)
        else:
            rows = rows.filter(status=status)
    if customer is not None:
        rows = rows.filter(customer=customer)
    return rows.order_by(F("next_date").asc(nulls_last=True), "name", "id")


def recurring_get(*, company: Company, ref: str) -> RecurringInvoice:
    """By UUID; another company's template is not found."""
    rows = RecurringInvoice.objects.for_company(company).select_related("customer", "company")
    return by_ref(rows, ref, what="recurring invoice")


def display_status(template: RecurringInvoice) -> str:
    """active, paused, or ended (active but no occurrence left)."""
    if template.is_active and template.next_date is None:
        return "ended"
    return template.status


def occurrence_list(*, template: RecurringInvoice) -> QuerySet[Occurrence]:
    """Newest first, with their invoices."""
    return template.occurrences.select_related("invoice").order_by("-date", "-id")


def renewal_sample(*, company: Company) -> RecurringInvoice | None:
    """The active template that renews next (to preview the renewal notice)."""
    rows = recurring_list(company=company, status="active")
    return rows.select_related("company").first()
