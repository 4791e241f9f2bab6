"""The reminder sections of the customer and invoice pages: what those views add to
their context (reads only; the forms post to solde.reminders.views_follow)."""

from __future__ import annotations

from django.utils import timezone

from solde.companies.models import Company, Membership
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.invoicing.queries import invoice_open_list
from solde.reminders import queries
from solde.reminders.models import ReminderPlan

TIMELINE_LIMIT = 50
INSTALMENT_ROWS = 4  # empty instalment rows offered by the payment plan form


def followed_plan(customer: Customer, plans: list[ReminderPlan], chosen) -> ReminderPlan | None:
    """The plan a customer follows: its own, else its segment's, else the default (as
    planning.Plans.steps_for decides)."""
    if chosen.plan_id:
        return next((p for p in plans if p.pk == chosen.plan_id), None)
    return fallback_plan(customer, plans)


def fallback_plan(customer: Customer, plans: list[ReminderPlan]) -> ReminderPlan | None:
    """The plan a customer follows without one of its own: its segment's, else the default."""
    for plan in sorted(plans, key=lambda p: p.pk):
        if customer.segment and customer.segment in (plan.segments or ()):
            return plan
    return next((p for p in plans if p.is_default), None)


def customer_panel(company: Company, customer: Customer) -> dict:
    """How the customer is chased, the forms' choices, and its timeline: reminders,
    promises and payment plans, newest first."""
    plans = list(queries.plan_list(company=company))
    chosen = queries.customer_reminders_get(customer)
    sent = queries.reminder_list(company=company, customer=customer)[:TIMELINE_LIMIT]
    promises = queries.promise_list(company=company, customer=customer)[:TIMELINE_LIMIT]
    payment_plans = queries.payment_plan_list(company=company, customer=customer)
    timeline = [("reminder", r.run_date, r.created_at, r) for r in sent]
    timeline += [("promise", timezone.localdate(p.created_at), p.created_at, p) for p in promises]
    timeline += [
        ("payment_plan", p.start_date, p.created_at, p) for p in payment_plans[:TIMELINE_LIMIT]
    ]
    timeline.sort(key=lambda event: (event[1], event[2]), reverse=True)
    return {
        "settings": chosen,
        "plans": plans,
        "followed": followed_plan(customer, plans, chosen),
        "fallback": fallback_plan(customer, plans),
        "open_invoices": list(invoice_open_list(company=company, customer=customer)),
        "timeline": [{"kind": kind, "day": day, "row": row} for kind, day, _at, row in timeline],
        "instalment_rows": range(INSTALMENT_ROWS),
    }


def invoice_panel(company: Company, invoice: Invoice) -> dict:
    """The reminders that chased the invoice (with this invoice's line of each), its
    disputes, and the members who may follow one up."""
    chased = list(queries.reminder_list(company=company, invoice=invoice)[:TIMELINE_LIMIT])
    for reminder in chased:
        reminder.this_line = next(
            (line for line in reminder.lines.all() if line.invoice_id == invoice.pk), None
        )
    disputes = list(queries.dispute_list(company=company).filter(invoice=invoice))
    members = Membership.objects.filter(company=company).select_related("user")
    return {
        "chased": chased,
        "disputes": disputes,
        "open_dispute": next((d for d in disputes if d.resolved_on is None), None),
        "members": [m.user for m in members.order_by("user__email")],
    }
