"""What the planner (core.dunning) is fed from the database: each customer's steps and
state, each open invoice with its holds and the steps already sent.

Reads only, in a few set queries whatever the number of customers (a run may cover
tens of thousands); `customer_ids` narrows every read to some customers, for the
re-read inside a sending transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Max, Sum

from solde.companies.models import Company
from solde.core.dunning import Item, Party, Step
from solde.core.money import ZERO
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.reminders.models import (
    EMAIL,
    LETTER,
    Dispute,
    PaymentPlan,
    Promise,
    Reminder,
    ReminderLine,
    ReminderPlan,
    ReminderStep,
)

OPEN = (Invoice.OPEN, Invoice.PARTIALLY_PAID)
IN_CHUNK = 5000  # ids per IN (...) list


@dataclass(frozen=True)
class Plans:
    """The company's plans as the planner sees them, and which one a customer follows."""

    steps: dict[int, tuple[Step, ...]]  # plan id → its steps
    default: int | None
    by_segment: dict[str, int]
    rows: dict[int, ReminderStep]  # step id → row (wording, channel, attachments)

    def steps_for(self, plan_id: int | None, segment: str) -> tuple[Step, ...]:
        chosen = plan_id or self.by_segment.get(segment) or self.default
        return self.steps.get(chosen, ()) if chosen else ()


def plans_load(company: Company) -> Plans:
    steps, rows, by_segment, default = defaultdict(list), {}, {}, None
    for plan in ReminderPlan.objects.for_company(company).order_by("pk"):
        if plan.is_default:
            default = plan.pk
        for segment in plan.segments or ():
            by_segment.setdefault(segment, plan.pk)
    for row in ReminderStep.objects.filter(plan__company=company).order_by("offset_days"):
        rows[row.pk] = row
        steps[row.plan_id].append(
            Step(key=str(row.pk), offset=row.offset_days, channel=row.channel)
        )
    return Plans({k: tuple(v) for k, v in steps.items()}, default, by_segment, rows)


def _narrow(queryset, field: str, customer_ids: Collection[int] | None):
    return queryset if customer_ids is None else queryset.filter(**{f"{field}__in": customer_ids})


def parties_load(
    company: Company, plans: Plans, customer_ids: Collection[int] | None = None
) -> list[Party]:
    messages = _narrow(
        Reminder.objects.for_company(company).filter(channel__in=(EMAIL, LETTER)),
        "customer_id",
        customer_ids,
    )
    last = dict(
        messages.values("customer_id")
        .annotate(last=Max("run_date"))
        .values_list("customer_id", "last")
    )
    customers = _narrow(Customer.objects.for_company(company), "pk", customer_ids)
    rows = customers.values_list(
        "pk", "segment", "reminders__plan_id", "reminders__excluded", "reminders__paused"
    )
    return [
        Party(
            customer_id=pk,
            steps=() if excluded else plans.steps_for(plan_id, segment),
            paused=bool(paused),
            last_message=last.get(pk),
        )
        for pk, segment, plan_id, excluded, paused in rows
    ]


def open_invoices(company: Company, customer_ids: Collection[int] | None = None):
    """The invoices a reminder may chase: issued, receivable, with something left to pay."""
    invoices = Invoice.objects.for_company(company).filter(
        kind__in=(Invoice.INVOICE, Invoice.DEPOSIT),
        status__in=OPEN,
        balance__gt=0,
        due_date__isnull=False,
    )
    return _narrow(invoices, "customer_id", customer_ids)


@dataclass(frozen=True, slots=True)
class Detail:
    """What a message says of an invoice, read with it."""

    number: str
    issue_date: date | None
    due_date: date
    balance: Decimal
    currency: str


def items_load(
    company: Company, today: date, customer_ids: Collection[int] | None = None
) -> tuple[list[Item], dict[int, Detail]]:
    """The open invoices as the planner sees them, and their details by id."""
    rows = open_invoices(company, customer_ids).values_list(
        "pk", "customer_id", "due_date", "balance", "disputed", "number", "issue_date", "currency"
    )
    rows = list(rows)
    ids = [row[0] for row in rows]
    sent = defaultdict(set)
    for start in range(0, len(ids), IN_CHUNK):
        lines = ReminderLine.objects.filter(invoice_id__in=ids[start : start + IN_CHUNK])
        for invoice_id, step_id in lines.values_list("invoice_id", "step_id"):
            sent[invoice_id].add(str(step_id))
    holds = holds_load(company, today, customer_ids)
    items, details = [], {}
    for pk, customer_id, due_date, balance, disputed, number, issued, currency in rows:
        items.append(
            Item(
                invoice_id=pk,
                customer_id=customer_id,
                due_date=due_date,
                balance=balance,
                disputed=disputed,
                hold_until=holds.get(pk),
                sent=frozenset(sent.get(pk, ())),
            )
        )
        details[pk] = Detail(number, issued, due_date, balance, currency)
    return items, details


def holds_load(
    company: Company, today: date, customer_ids: Collection[int] | None = None
) -> dict[int, date]:
    """Invoice id → the last day its reminders wait: the latest promise made for it (kept
    or not: once its date has passed, the plan resumes with the next step), the day
    before a dispute about it was resolved (the plan resumes where it was, not with the
    firmest step due meanwhile), or the next instalment of an active payment plan not
    covered by what was paid since it began."""
    holds: dict[int, date] = {}
    promises = _narrow(
        Promise.objects.for_company(company).exclude(status=Promise.CANCELLED),
        "customer_id",
        customer_ids,
    )
    through = Promise.invoices.through.objects.filter(promise__in=promises)
    for invoice_id, promised in through.values_list("invoice_id", "promise__promised_date"):
        holds[invoice_id] = max(promised, holds.get(invoice_id, promised))
    resolved = _narrow(
        Dispute.objects.for_company(company).filter(resolved_on__isnull=False),
        "invoice__customer_id",
        customer_ids,
    )
    for invoice_id, resolved_on in resolved.values_list("invoice_id", "resolved_on"):
        until = resolved_on - timedelta(days=1)
        holds[invoice_id] = max(until, holds.get(invoice_id, until))
    plans = _narrow(
        PaymentPlan.objects.for_company(company).filter(status=PaymentPlan.ACTIVE),
        "customer_id",
        customer_ids,
    ).prefetch_related("instalments", "invoices")
    for plan in plans:
        until = instalment_hold(plan)
        for invoice in plan.invoices.all():
            holds[invoice.pk] = max(until, holds.get(invoice.pk, until))
    return holds


def paid_since(plan: PaymentPlan) -> Decimal:
    paid = (
        Allocation.objects.active()
        .filter(invoice__in=plan.invoices.all(), date__gte=plan.start_date)
        .exclude(kind=Allocation.WRITE_OFF)
        .aggregate(total=Sum("amount"))["total"]
    )
    return paid or ZERO


def instalment_hold(plan: PaymentPlan) -> date:
    """The due date of the first instalment that what was paid does not cover yet (the
    last one's when all are covered)."""
    instalments = list(plan.instalments.all())
    paid, owed = paid_since(plan), ZERO
    for instalment in instalments:
        owed += instalment.amount
        if owed > paid:
            return instalment.due_date
    return instalments[-1].due_date if instalments else plan.start_date


def outstanding_since_due(details: dict[int, Detail]) -> dict[int, list[tuple[date, Decimal]]]:
    """Each invoice's balance as a step function from its due date (for late fees): today's
    balance plus what was settled after the due date, going down at each settlement."""
    later = defaultdict(list)
    ids = sorted(details)
    for start in range(0, len(ids), IN_CHUNK):
        rows = (
            Allocation.objects.active()
            .filter(invoice_id__in=ids[start : start + IN_CHUNK])
            .filter(date__gt=F("invoice__due_date"))
            .values_list("invoice_id", "date", "amount")
        )
        for invoice_id, day, amount in rows:
            later[invoice_id].append((day, amount))
    out = {}
    for pk, detail in details.items():
        settled = sorted(later.get(pk, ()))
        balance = detail.balance + sum((amount for _, amount in settled), ZERO)
        steps = [(detail.due_date, balance)]
        for day, amount in settled:
            balance -= amount
            steps.append((day, balance))
        out[pk] = steps
    return out
