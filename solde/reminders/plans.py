"""Use cases of reminder plans and their steps: the default plan, creating, renaming and
deleting plans, the segments each one takes, adding, changing and deleting steps.

Re-exported by solde.reminders.services, where callers find them. Which plan is the
company's default is a reminder setting: services.reminder_settings_set moves it.

Every write locks the company row first (then the plan), as reminder_settings_set does:
plan writes of one company run one after the other, so "a segment follows one plan only"
and "one name per plan" hold without a database constraint.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from solde.audit.services import audit_record
from solde.companies.models import Company
from solde.core.dunning import CHANNELS
from solde.core.errors import Conflict, ValidationError
from solde.reminders import texts
from solde.reminders.defaults import DEFAULT_PLAN_NAME, DEFAULT_STEPS
from solde.reminders.models import (
    TONES,
    CustomerReminders,
    Reminder,
    ReminderLine,
    ReminderPlan,
    ReminderStep,
)

SEGMENT_LENGTH = 50  # Customer.segment's max_length
STEP_COPIED = (
    "name",
    "offset_days",
    "channel",
    "tone",
    "attach_invoices",
    "attach_statement",
    "with_late_fees",
    "texts",
)


def _lock_company(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


def plan_default_ensure(*, company: Company) -> ReminderPlan:
    """The company's default plan, made from defaults.DEFAULT_STEPS the first time."""
    with transaction.atomic():
        _lock_company(company)
        plan = ReminderPlan.objects.for_company(company).filter(is_default=True).first()
        if plan is not None:
            return plan
        plan = ReminderPlan.objects.create(company=company, name=DEFAULT_PLAN_NAME, is_default=True)
        for name, offset, channel, tone, invoices, statement, fees, wording in DEFAULT_STEPS:
            ReminderStep.objects.create(
                plan=plan,
                name=name,
                offset_days=offset,
                channel=channel,
                tone=tone,
                attach_invoices=invoices,
                attach_statement=statement,
                with_late_fees=fees,
                texts=wording,
            )
        audit_record(company=company, actor=None, action="reminder_plan.create", obj=plan)
    return plan


# -- plans ------------------------------------------------------------------------------------


def _clean_name(company: Company, name: str, plan: ReminderPlan | None) -> str:
    clean = " ".join((name or "").split())[:100]
    if not clean:
        raise ValidationError(_("Name the plan."), field="name")
    others = ReminderPlan.objects.for_company(company).filter(name__iexact=clean)
    if plan is not None:
        others = others.exclude(pk=plan.pk)
    if others.exists():
        raise ValidationError(_("Another plan has that name."), field="name")
    return clean


def _clean_segments(company: Company, segments, plan: ReminderPlan | None) -> list[str]:
    """Customer segments, trimmed and once each; one that another plan already takes is
    refused (a customer of that segment would follow either)."""
    if isinstance(segments, str) or not all(isinstance(s, str) for s in segments or ()):
        raise ValidationError(_("Segments are a list of names."), field="segments")
    clean: list[str] = []
    for segment in segments or ():
        segment = segment.strip()
        if len(segment) > SEGMENT_LENGTH:
            raise ValidationError(
                _("A segment has at most %(n)s characters.") % {"n": SEGMENT_LENGTH},
                field="segments",
            )
        if segment and segment not in clean:
            clean.append(segment)
    others = ReminderPlan.objects.for_company(company).exclude(pk=getattr(plan, "pk", None))
    for other in others.only("name", "segments"):
        taken = [s for s in clean if s in (other.segments or ())]
        if taken:
            raise ValidationError(
                _("The segment %(segment)s already follows the plan %(plan)s.")
                % {"segment": taken[0], "plan": other.name},
                field="segments",
            )
    return clean


def plan_create(
    *,
    company: Company,
    name: str,
    segments=(),
    copy_from: ReminderPlan | None = None,
    actor=None,
) -> ReminderPlan:
    """A new plan for the customers of `segments` (and those given it), with a copy of
    the steps of `copy_from` (another plan of the company) or none. Locks the company."""
    if copy_from is not None and copy_from.company_id != company.pk:
        raise ValidationError(_("No such plan."), field="copy_from")
    with transaction.atomic():
        _lock_company(company)
        fields = {
            "name": _clean_name(company, name, None),
            "segments": _clean_segments(company, segments, None),
        }
        plan = ReminderPlan.objects.create(company=company, **fields)
        if copy_from is not None:
            ReminderStep.objects.bulk_create(
                ReminderStep(plan=plan, **{f: getattr(step, f) for f in STEP_COPIED})
                for step in ReminderStep.objects.filter(plan=copy_from)
            )
        audit_record(
            company=company,
            actor=actor,
            action="reminder_plan.create",
            obj=plan,
            after={**fields, "copied_from": copy_from.name if copy_from else None},
        )
    return plan


def plan_update(*, plan: ReminderPlan, name: str, segments, actor=None) -> ReminderPlan:
    """Rename a plan and choose its segments. Locks the company, then the plan."""
    with transaction.atomic():
        _lock_company(plan.company)
        row = ReminderPlan.objects.select_for_update().get(pk=plan.pk)
        before = {"name": row.name, "segments": row.segments}
        after = {
            "name": _clean_name(row.company, name, row),
            "segments": _clean_segments(row.company, segments, row),
        }
        if after != before:
            row.name, row.segments = after["name"], after["segments"]
            row.save(update_fields=["name", "segments"])
            audit_record(
                company=row.company,
                actor=actor,
                action="reminder_plan.update",
                obj=row,
                before=before,
                after=after,
            )
    return row


def _sent_through(steps) -> bool:
    """Whether reminders went out for these steps: they stay as the history of what was
    sent (ReminderStep is PROTECTed by Reminder and ReminderLine)."""
    return (
        Reminder.objects.filter(step__in=steps).exists()
        or ReminderLine.objects.filter(step__in=steps).exists()
    )


def plan_delete(*, plan: ReminderPlan, actor=None) -> None:
    """Delete a plan and its steps; its customers then follow their segment's plan or the
    default. Refused for the default plan and for a plan reminders were sent through.
    Locks the company, then the plan."""
    with transaction.atomic():
        _lock_company(plan.company)
        row = ReminderPlan.objects.select_for_update().get(pk=plan.pk)
        if row.is_default:
            raise Conflict(
                _("The default plan cannot be deleted: make another plan the default first.")
            )
        steps = ReminderStep.objects.filter(plan=row)
        refused = Conflict(
            _(
                "Reminders were sent through this plan's steps: it stays, as the history "
                "of what was sent. Move its customers and segments to another plan instead."
            )
        )
        if _sent_through(steps):
            raise refused
        followers = CustomerReminders.objects.filter(plan=row).count()
        audit_record(
            company=row.company,
            actor=actor,
            action="reminder_plan.delete",
            obj=row,
            before={"name": row.name, "segments": row.segments, "steps": steps.count()},
            after={"customers_back_to_default": followers},
        )
        try:
            row.delete()
        except ProtectedError as exc:  # a run sent through it since the check above
            raise refused from exc


# -- steps ------------------------------------------------------------------------------------


def _clean_texts(wording: dict) -> dict:
    clean = {}
    for language, text in (wording or {}).items():
        if language not in ("fr", "en"):
            raise ValidationError(_("No reminder wording in %r.") % language, field="texts")
        subject = " ".join((text.get("subject") or "").split())
        body = (text.get("body") or "").strip()
        if not subject or not body:
            raise ValidationError(_("A wording needs a subject and a body."), field="texts")
        for field, value in (("subject", subject), ("body", body)):
            unknown = texts.unknown_placeholders(value)
            if unknown:
                raise ValidationError(
                    _("Unknown placeholder {%(name)s}.") % {"name": unknown[0]}, field=field
                )
        clean[language] = {"subject": subject, "body": body + "\n"}
    if not clean:
        raise ValidationError(
            _("A step needs its wording in at least one language."), field="texts"
        )
    return clean


def step_save(
    *,
    plan: ReminderPlan,
    step: ReminderStep | None = None,
    name: str,
    offset_days: int,
    channel: str,
    tone: str,
    wording: dict,
    attach_invoices: bool = False,
    attach_statement: bool = False,
    with_late_fees: bool = False,
    actor=None,
) -> ReminderStep:
    """Add a step to a plan, or change one. Refuses an unknown channel or tone, a second
    step at the same offset and any placeholder reminders do not fill. Locks the company."""
    if channel not in CHANNELS:
        raise ValidationError(_("Unknown channel %r.") % channel, field="channel")
    if tone not in TONES:
        raise ValidationError(_("Unknown tone %r.") % tone, field="tone")
    if not (name or "").strip():
        raise ValidationError(_("Name the step."), field="name")
    if not -365 <= int(offset_days) <= 365:
        raise ValidationError(_("A step is at most a year from the due date."), field="offset_days")
    fields = {
        "name": name.strip()[:100],
        "offset_days": int(offset_days),
        "channel": channel,
        "tone": tone,
        "texts": _clean_texts(wording),
        "attach_invoices": attach_invoices,
        "attach_statement": attach_statement,
        "with_late_fees": with_late_fees,
    }
    with transaction.atomic():
        _lock_company(plan.company)
        clash = ReminderStep.objects.filter(plan=plan, offset_days=fields["offset_days"])
        if step is not None:
            clash = clash.exclude(pk=step.pk)
        if clash.exists():
            raise ValidationError(
                _("This plan already has a step on that day."), field="offset_days"
            )
        if step is None:
            step = ReminderStep.objects.create(plan=plan, **fields)
        else:
            ReminderStep.objects.filter(pk=step.pk).update(**fields)
            step.refresh_from_db()
        audit_record(
            company=plan.company,
            actor=actor,
            action="reminder_step.save",
            obj=plan,
            after={k: v for k, v in fields.items() if k != "texts"},
        )
    return step


def step_delete(*, step: ReminderStep, actor=None) -> None:
    """Delete a step no reminder was sent for (one that was stays, as the history of
    what was sent). Locks the company, then the step's plan."""
    with transaction.atomic():
        _lock_company(step.plan.company)
        plan = ReminderPlan.objects.select_for_update().get(pk=step.plan_id)
        row = ReminderStep.objects.filter(pk=step.pk, plan=plan).first()
        if row is None:
            return  # deleted meanwhile: what was asked holds
        refused = Conflict(
            _("Reminders were sent for this step: it stays, as the history of what was sent.")
        )
        if _sent_through([row]):
            raise refused
        audit_record(
            company=plan.company,
            actor=actor,
            action="reminder_step.delete",
            obj=plan,
            before={"name": row.name, "offset_days": row.offset_days, "channel": row.channel},
        )
        try:
            row.delete()
        except ProtectedError as exc:
            raise refused from exc
