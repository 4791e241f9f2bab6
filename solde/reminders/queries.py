"""Reads shared by the reminder pages, the API and the CLI."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from solde.companies.models import Company
from solde.core.errors import NotFound
from solde.core.workdays import french_calendar
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.reminders import compose
from solde.reminders.models import (
    CustomerReminders,
    Dispute,
    PaymentPlan,
    Promise,
    Reminder,
    ReminderPlan,
)
from solde.reminders.planning import plans_load
from solde.reminders.run import plan_for


def next_working_day(company: Company, after: date) -> date:
    calendar = french_calendar((after.year, after.year + 1), company.holiday_region)
    day = after + timedelta(days=1)
    while company.reminders_on_working_days and not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def planned_list(*, company: Company, day: date) -> list[compose.Composed]:
    """What the run of `day` would send, as things stand now (nothing is written)."""
    plans = plans_load(company)
    messages, details = plan_for(company, day, plans=plans)
    return compose.compose_all(company, plans, messages, details, day)


def reminder_list(
    *,
    company: Company,
    customer: Customer | None = None,
    invoice: Invoice | None = None,
    status: str | None = None,
) -> QuerySet[Reminder]:
    """Reminders sent (and tasks), newest first: a customer's or an invoice's timeline."""
    rows = Reminder.objects.for_company(company).select_related("customer", "step", "email")
    if customer is not None:
        rows = rows.filter(customer=customer)
    if invoice is not None:
        rows = rows.filter(lines__invoice=invoice).distinct()
    if status:
        rows = rows.filter(status=status)
    return rows.prefetch_related("lines__invoice")


def reminder_get(*, company: Company, ref) -> Reminder:
    try:
        return reminder_list(company=company).get(public_id=ref)
    except (Reminder.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such reminder.") from None


def plan_list(*, company: Company) -> QuerySet[ReminderPlan]:
    return ReminderPlan.objects.for_company(company).prefetch_related("steps")


def plan_get(*, company: Company, ref) -> ReminderPlan:
    try:
        return plan_list(company=company).get(public_id=ref)
    except (ReminderPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such reminder plan.") from None


def customer_reminders_get(customer: Customer) -> CustomerReminders:
    """A customer's reminder settings (unsaved defaults when it has none)."""
    try:
        return customer.reminders
    except CustomerReminders.DoesNotExist:
        return CustomerReminders(customer=customer)


def promise_list(*, company: Company, customer: Customer | None = None) -> QuerySet[Promise]:
    rows = Promise.objects.for_company(company).select_related("customer")
    return (rows.filter(customer=customer) if customer else rows).prefetch_related("invoices")


def payment_plan_list(
    *, company: Company, customer: Customer | None = None
) -> QuerySet[PaymentPlan]:
    rows = PaymentPlan.objects.for_company(company).select_related("customer")
    rows = rows.filter(customer=customer) if customer else rows
    return rows.prefetch_related("instalments", "invoices")


def dispute_list(*, company: Company, open_only: bool = False) -> QuerySet[Dispute]:
    rows = Dispute.objects.for_company(company).select_related("invoice", "owner")
    return rows.filter(resolved_on__isnull=True) if open_only else rows


SEGMENTS_SHOWN = 200


def segment_list(*, company: Company) -> list[str]:
    """The customer segments in use, in order: what the plan forms suggest."""
    rows = Customer.objects.for_company(company).exclude(segment="")
    rows = rows.order_by("segment").values_list("segment", flat=True).distinct()
    return list(rows[:SEGMENTS_SHOWN])
