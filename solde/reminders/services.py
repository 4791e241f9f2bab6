"""Use cases of reminders other than the run (solde.reminders.run): plans (written in
solde.reminders.plans, found here), what each customer follows, promises, payment
plans, disputes, tasks, the ECB rate table, the company's reminder settings.

Each is one transaction and audited; the run reads what these write.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from solde.audit.services import audit_record
from solde.companies.models import Company
from solde.core import clock
from solde.core.errors import Conflict, ValidationError
from solde.core.money import ZERO, to_decimal
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.invoicing.services import invoice_dispute, invoice_resolve_dispute
from solde.reminders.models import (
    CustomerReminders,
    Dispute,
    Instalment,
    PaymentPlan,
    PolicyRate,
    Promise,
    Reminder,
    ReminderPlan,
)
from solde.reminders.planning import OPEN, instalment_hold
from solde.reminders.plans import plan_create as plan_create
from solde.reminders.plans import plan_default_ensure as plan_default_ensure
from solde.reminders.plans import plan_delete as plan_delete
from solde.reminders.plans import plan_update as plan_update
from solde.reminders.plans import step_delete as step_delete
from solde.reminders.plans import step_save as step_save


def customer_reminders_set(
    *,
    customer: Customer,
    plan: ReminderPlan | None = None,
    excluded: bool | None = None,
    paused: bool | None = None,
    reason: str = "",
    follow_default: bool = False,
    actor=None,
) -> CustomerReminders:
    """Choose a customer's plan (None leaves it; `follow_default` takes it away, so the
    customer follows its segment's plan or the default again), exclude it from
    reminders, or pause and resume them. Locks the customer's reminder settings."""
    if plan is not None and follow_default:
        raise ValidationError(
            _("Choose a plan or the segment's or default plan, not both."), field="plan"
        )
    if plan is not None and plan.company_id != customer.company_id:
        raise ValidationError(_("No such plan."), field="plan")
    with transaction.atomic():
        row, _created = CustomerReminders.objects.select_for_update().get_or_create(
            customer=customer
        )
        before = {"plan": row.plan_id, "excluded": row.excluded, "paused": row.paused}
        if plan is not None or follow_default:
            row.plan = plan
        if excluded is not None:
            row.excluded = excluded
        if paused is not None:
            row.paused, row.pause_reason = paused, (reason.strip()[:300] if paused else "")
        row.save()
        audit_record(
            company=customer.company,
            actor=actor,
            action="customer.reminders",
            obj=customer,
            before=before,
            after={"plan": row.plan_id, "excluded": row.excluded, "paused": row.paused},
        )
    return row


def _customer_invoices(customer: Customer, invoices: list[Invoice]) -> list[Invoice]:
    if not invoices:
        raise ValidationError(_("Choose the invoices concerned."), field="invoices")
    if any(i.customer_id != customer.pk or i.company_id != customer.company_id for i in invoices):
        raise ValidationError(_("Every invoice must be this customer's."), field="invoices")
    if any(i.status not in OPEN for i in invoices):
        raise ValidationError(_("Only open invoices can be promised."), field="invoices")
    return invoices


def promise_record(
    *,
    customer: Customer,
    invoices: list[Invoice],
    promised_date: date,
    amount: Decimal | str | None = None,
    note: str = "",
    actor=None,
) -> Promise:
    """A promise to pay `invoices` by `promised_date`: their reminders wait until then;
    if the date passes unpaid, the promise is broken and the plan resumes with its next
    step."""
    invoices = _customer_invoices(customer, invoices)
    if promised_date < clock.today():
        raise ValidationError(_("A promise is for today or a later day."), field="promised_date")
    total = sum((i.balance for i in invoices), ZERO)
    amount = to_decimal(amount, field="amount") if amount not in (None, "") else total
    with transaction.atomic():
        promise = Promise.objects.create(
            company_id=customer.company_id,
            customer=customer,
            promised_date=promised_date,
            amount=amount,
            note=note.strip()[:300],
            created_by=getattr(actor, "pk", None) and actor,
        )
        promise.invoices.set(invoices)
        audit_record(
            company=customer.company,
            actor=actor,
            action="promise.record",
            obj=customer,
            after={
                "promised_date": promised_date.isoformat(),
                "amount": f"{amount:f}",
                "invoices": [i.number for i in invoices],
            },
        )
    return promise


def payment_plan_record(
    *,
    customer: Customer,
    invoices: list[Invoice],
    instalments: list[tuple[date, Decimal | str]],
    note: str = "",
    actor=None,
) -> PaymentPlan:
    """Instalments agreed for `invoices`: reminders wait while each instalment is paid by
    its date; the first one missed resumes the plan with its next step."""
    invoices = _customer_invoices(customer, invoices)
    if not instalments:
        raise ValidationError(_("A payment plan needs instalments."), field="instalments")
    parsed = sorted((day, to_decimal(amount, field="instalments")) for day, amount in instalments)
    if any(amount <= 0 for _, amount in parsed):
        raise ValidationError(_("Each instalment is a positive amount."), field="instalments")
    with transaction.atomic():
        plan = PaymentPlan.objects.create(
            company_id=customer.company_id,
            customer=customer,
            start_date=clock.today(),
            note=note.strip()[:300],
            created_by=getattr(actor, "pk", None) and actor,
        )
        plan.invoices.set(invoices)
        Instalment.objects.bulk_create(
            Instalment(plan=plan, due_date=day, amount=amount) for day, amount in parsed
        )
        audit_record(
            company=customer.company,
            actor=actor,
            action="payment_plan.record",
            obj=customer,
            after={
                "invoices": [i.number for i in invoices],
                "instalments": [[d.isoformat(), f"{a:f}"] for d, a in parsed],
            },
        )
    return plan


def holds_settle(*, company: Company, today: date | None = None) -> dict[str, int]:
    """Close the promises whose date has passed (kept when their invoices are paid,
    else broken) and the payment plans paid off or behind. Locks those rows."""
    today = today or clock.today()
    counts = {"kept": 0, "broken": 0, "completed": 0, "plans_broken": 0}
    with transaction.atomic():
        due = Promise.objects.for_company(company).filter(
            status=Promise.OPEN, promised_date__lt=today
        )
        for promise in due.select_for_update().prefetch_related("invoices"):
            paid = all(i.status not in OPEN for i in promise.invoices.all())
            promise.status = Promise.KEPT if paid else Promise.BROKEN
            promise.save(update_fields=["status"])
            counts["kept" if paid else "broken"] += 1
            _audit_status(promise, "promise")
        plans = PaymentPlan.objects.for_company(company).filter(status=PaymentPlan.ACTIVE)
        for plan in plans.select_for_update().prefetch_related("invoices", "instalments"):
            if all(i.status not in OPEN for i in plan.invoices.all()):
                plan.status, key = PaymentPlan.COMPLETED, "completed"
            elif instalment_hold(plan) < today:
                plan.status, key = PaymentPlan.BROKEN, "plans_broken"
            else:
                continue
            plan.save(update_fields=["status"])
            counts[key] += 1
            _audit_status(plan, "payment_plan")
    return counts


def _audit_status(row, kind: str) -> None:
    audit_record(
        company=row.company,
        actor=None,
        action=f"{kind}.{row.status}",
        obj=row.customer,
        after={"status": row.status},
    )


def dispute_open(*, invoice: Invoice, reason: str, owner=None, actor=None) -> Dispute:
    """Open a dispute on an issued invoice (its reminders stop) and say who follows it."""
    with transaction.atomic():
        invoice = invoice_dispute(invoice=invoice, reason=reason, actor=actor)
        if Dispute.objects.filter(invoice=invoice, resolved_on__isnull=True).exists():
            raise Conflict(_("This invoice already has an open dispute."))
        return Dispute.objects.create(
            company_id=invoice.company_id,
            invoice=invoice,
            reason=reason.strip()[:300],
            owner=owner,
            opened_on=clock.today(),
        )


def dispute_resolve(*, dispute: Dispute, resolution: str, actor=None) -> Dispute:
    """Close a dispute; the invoice's reminders resume from where they were."""
    if not (resolution or "").strip():
        raise ValidationError(_("Say how the dispute ended."), field="resolution")
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.resolved_on is not None:
            raise Conflict(_("This dispute is already resolved."))
        invoice_resolve_dispute(invoice=dispute.invoice, actor=actor)
        dispute.resolved_on, dispute.resolution = clock.today(), resolution.strip()[:300]
        dispute.save(update_fields=["resolved_on", "resolution"])
    return dispute


def task_done(*, reminder: Reminder, actor=None) -> Reminder:
    """Mark a task (or a reminder to send by hand) done. Locks its row."""
    with transaction.atomic():
        row = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if row.status != Reminder.OPEN:
            raise Conflict(_("This reminder is not waiting for a person."))
        row.status, row.done_at = Reminder.DONE, clock.now()
        row.save(update_fields=["status", "done_at"])
        audit_record(company=row.company, actor=actor, action="reminder.done", obj=row.customer)
    return row


def policy_rate_set(*, start: date, rate: Decimal | str) -> PolicyRate:
    """Add or correct an ECB main refinancing rate (percent) from `start`."""
    rate = to_decimal(rate, field="rate")
    if not Decimal("-5") <= rate <= Decimal("50"):
        raise ValidationError(_("%s is not a plausible ECB rate.") % rate, field="rate")
    row, _created = PolicyRate.objects.update_or_create(start=start, defaults={"rate": rate})
    return row


HOLIDAY_REGIONS = ("", "57", "67", "68")  # metropolitan France, Moselle, Bas-Rhin, Haut-Rhin
_SETTING_FLAGS = ("reminders_enabled", "reminders_on_working_days")
_SETTING_NUMBERS = {"reminder_hour": (0, 23), "reminder_min_gap_days": (0, 90)}


def _setting_number(name: str, value) -> int:
    low, high = _SETTING_NUMBERS[name]
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not text.isdigit() or not low <= int(text) <= high:
        raise ValidationError(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=name,
        )
    return int(text)


def reminder_settings_set(*, company: Company, actor=None, **fields) -> Company:
    """Change how a company's reminders run: reminders_enabled, reminder_hour,
    reminder_min_gap_days, reminders_on_working_days, holiday_region, and default_plan
    (one of its plans; None leaves it). Locks the company row, then its plans."""
    allowed = {*_SETTING_FLAGS, *_SETTING_NUMBERS, "holiday_region", "default_plan"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(f"Unknown reminder setting {unknown[0]!r}.", field=unknown[0])
    clean = {name: bool(fields[name]) for name in _SETTING_FLAGS if name in fields}
    for name in _SETTING_NUMBERS:
        if name in fields:
            clean[name] = _setting_number(name, fields[name])
    if "holiday_region" in fields:
        region = (fields["holiday_region"] or "").strip()
        if region not in HOLIDAY_REGIONS:
            raise ValidationError(
                _("Unknown holiday calendar %r.") % region, field="holiday_region"
            )
        clean["holiday_region"] = region
    plan = fields.get("default_plan")
    if plan is not None and plan.company_id != company.pk:
        raise ValidationError(_("No such plan."), field="default_plan")
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        before = {name: getattr(locked, name) for name in clean}
        for name, value in clean.items():
            setattr(locked, name, value)
        if clean:
            locked.save(update_fields=list(clean))
        after = dict(clean)
        if plan is not None:
            plans = ReminderPlan.objects.for_company(locked).select_for_update()
            current = plans.filter(is_default=True).first()
            if current is None or current.pk != plan.pk:
                # Clear first: one default per company is a (partial) unique constraint.
                plans.filter(is_default=True).update(is_default=False)
                plans.filter(pk=plan.pk).update(is_default=True)
                before["default_plan"] = current.name if current else None
                after["default_plan"] = plan.name
        changed = [name for name in after if before.get(name) != after[name]]
        if changed:
            audit_record(
                company=locked,
                actor=actor,
                action="company.reminder_settings",
                obj=locked,
                before={name: before.get(name) for name in changed},
                after={name: after[name] for name in changed},
            )
    return locked
