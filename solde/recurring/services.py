"""Use cases of recurring invoices: templates (create, update, pause, resume) and the run
that invoices the occurrences due and sends renewal notices ahead of them.

A run is safe to repeat and to race: each template is handled in its own transaction
under its row lock, and every occurrence dealt with is an `Occurrence` row, unique per
template and date, checked before anything is made. See docs.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.dates import format_date
from django.db import transaction
from django.db.models import Q

from solde.audit.services import audit_record
from solde.companies.models import Company
from solde.core import schedule
from solde.core.errors import SoldeError, ValidationError
from solde.core.money import ZERO, check_currency
from solde.customers.models import Customer
from solde.invoicing import documents
from solde.invoicing.services import invoice_create, invoice_issue
from solde.mail import compose
from solde.mail.services import invoice_send
from solde.recurring.models import Occurrence, RecurringInvoice, RecurringLine
from solde.recurring.notices import locked, notify_due

log = logging.getLogger(__name__)

MAX_NOTICE_DAYS = 365
RUN_ACTOR = "recurring"  # the audit trail's actor for what the daily run makes
FIELDS = {
    "name",
    "currency",
    "nature",
    "notes",
    "frequency",
    "day_of_month",
    "start_date",
    "end_date",
    "mode",
    "notice_days",
}
SCHEDULE_FIELDS = {"frequency", "day_of_month", "start_date", "end_date"}


# -- templates ----------------------------------------------------------------------------


def _number(value, *, field_name: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"{field_name}: enter a whole number.", field=field_name) from None
    if not low <= number <= high:
        raise ValidationError(
            f"{field_name}: between {low} and {high}.", field=field_name
        ) from None
    return number


def _clean(fields: dict) -> dict:
    """Checked template fields; the schedule is checked whole by core.schedule."""
    unknown = set(fields) - FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"Unknown recurring invoice field {name!r}.", field=name)
    if "name" in fields:
        fields["name"] = str(fields["name"] or "").strip()
        if not fields["name"] or len(fields["name"]) > 200:
            raise ValidationError("Name the subscription (at most 200 characters).", field="name")
    if "currency" in fields:
        fields["currency"] = check_currency(fields["currency"])
    if fields.get("nature", "services") not in dict(RecurringInvoice.NATURE_CHOICES):
        raise ValidationError("The nature is services, goods or mixed.", field="nature")
    if fields.get("mode", RecurringInvoice.DRAFT) not in dict(RecurringInvoice.MODE_CHOICES):
        raise ValidationError("The mode is issue_and_send or draft.", field="mode")
    if "day_of_month" in fields:
        fields["day_of_month"] = _number(
            fields["day_of_month"], field_name="day_of_month", low=1, high=31
        )
    if "notice_days" in fields:
        fields["notice_days"] = _number(
            fields["notice_days"] or 0, field_name="notice_days", low=0, high=MAX_NOTICE_DAYS
        )
    for name in ("start_date", "end_date"):
        if name in fields and fields[name] is not None and not isinstance(fields[name], date):
            raise ValidationError("Enter a date.", field=name)
    return fields


def _check(template: RecurringInvoice) -> None:
    """What holds for a whole template, whatever changed."""
    template.schedule()  # raises on a wrong frequency, day or end date
    if template.mode == RecurringInvoice.ISSUE_AND_SEND:
        try:
            compose.recipients(template.customer, None)
        except ValidationError as exc:
            raise ValidationError(
                f"{exc.message} Or choose the draft mode, to send each invoice yourself.",
                field="mode",
            ) from None


def _set_lines(template: RecurringInvoice, lines: list[dict] | None) -> None:
    """Replace (when given) the lines, set the totals, and save the template."""
    currency = template.currency
    if lines is not None:
        if not lines:
            raise ValidationError("A recurring invoice needs at least one line.", field="lines")
        rows = [
            RecurringLine(**documents.parse_line(line, i, currency)) for i, line in enumerate(lines)
        ]
    else:
        rows = list(template.lines.all())
    totals = documents.totals_of(rows, [], currency)
    if totals.tax_inclusive < ZERO:
        raise ValidationError("A recurring invoice total cannot be negative.", field="lines")
    for row, net in zip(rows, totals.line_nets, strict=True):
        row.net_amount = net
    template.total_excl_tax, template.total = totals.tax_exclusive, totals.tax_inclusive
    template.save()
    if lines is not None:
        template.lines.all().delete()
        for row in rows:
            row.template = template
        RecurringLine.objects.bulk_create(rows)
    else:
        RecurringLine.objects.bulk_update(rows, ["net_amount"])


def _first_open_date(template: RecurringInvoice, today: date) -> date | None:
    """The first occurrence on or after today (and the start) not invoiced yet: a
    template never invoices a period before it was made, resumed or rescheduled."""
    plan = template.schedule()
    day = schedule.first_on_or_after(plan, max(template.start_date, today))
    done = set()
    if template.pk:
        done = set(
            template.occurrences.exclude(invoice=None)
            .filter(date__gte=day or today)
            .values_list("date", flat=True)
        )
    while day is not None and day in done:
        day = schedule.next_after(plan, day)
    return day


def _audit_fields(template: RecurringInvoice) -> dict:
    return {
        "name": template.name,
        "customer": template.customer.code,
        "frequency": template.frequency,
        "day_of_month": template.day_of_month,
        "start_date": template.start_date,
        "end_date": template.end_date,
        "mode": template.mode,
        "notice_days": template.notice_days,
        "next_date": template.next_date,
        "total": template.total,
    }


def recurring_create(
    *,
    company: Company,
    customer: Customer,
    lines: list[dict],
    today: date,
    actor=None,
    **fields,
) -> RecurringInvoice:
    """A new, active template. Its first occurrence is the first on or after both its
    start date and `today`: periods before it was made are not invoiced."""
    if customer.company_id != company.id:
        raise ValidationError("This customer belongs to another company.", field="customer")
    fields = _clean({"currency": company.currency, **fields})
    if not fields.get("name"):
        raise ValidationError("Name the subscription.", field="name")
    if fields.get("start_date") is None:
        raise ValidationError("Give the start date.", field="start_date")
    with transaction.atomic():
        template = RecurringInvoice(company=company, customer=customer, **fields)
        _check(template)
        template.next_date = _first_open_date(template, today)
        if template.next_date is None:
            raise ValidationError(
                "The end date has passed: nothing would be invoiced.", field="end_date"
            )
        _set_lines(template, lines)
        audit_record(
            company=company,
            actor=actor,
            action="recurring_invoice.create",
            obj=template,
            after=_audit_fields(template),
        )
    return template


def _locked(template: RecurringInvoice) -> RecurringInvoice:
    return locked(template.pk)


def recurring_update(
    *,
    template: RecurringInvoice,
    today: date,
    lines: list[dict] | None = None,
    actor=None,
    **fields,
) -> RecurringInvoice:
    """Change a template; invoices already made stay as they are. A new schedule starts
    from the first occurrence on or after today not invoiced yet. Locks the template row
    (the run takes the same lock, so an edit and a run never interleave)."""
    fields = _clean(fields)
    with transaction.atomic():
        locked = _locked(template)
        before = _audit_fields(locked)
        for key, value in fields.items():
            setattr(locked, key, value)
        _check(locked)
        if any(before[name] != getattr(locked, name) for name in SCHEDULE_FIELDS):
            locked.next_date = _first_open_date(locked, today)
        _set_lines(locked, lines)
        audit_record(
            company=locked.company,
            actor=actor,
            action="recurring_invoice.update",
            obj=locked,
            before=before,
            after=_audit_fields(locked),
        )
    return locked


def recurring_pause(*, template: RecurringInvoice, actor=None) -> RecurringInvoice:
    """Stop invoicing (and notices) until resumed. Locks the template row."""
    return _set_status(template, RecurringInvoice.PAUSED, None, actor)


def recurring_resume(*, template: RecurringInvoice, today: date, actor=None) -> RecurringInvoice:
    """Invoice again from the first occurrence on or after today: the periods while it
    was paused are not owed. Locks the template row."""
    return _set_status(template, RecurringInvoice.ACTIVE, today, actor)


def _set_status(template, status: str, today: date | None, actor) -> RecurringInvoice:
    with transaction.atomic():
        locked = _locked(template)
        if locked.status == status:
            return locked
        before = {"status": locked.status, "next_date": locked.next_date}
        locked.status = status
        if today is not None:
            locked.next_date = _first_open_date(locked, today)
        locked.last_error = ""
        locked.save(update_fields=["status", "next_date", "last_error", "updated_at"])
        audit_record(
            company=locked.company,
            actor=actor,
            action=f"recurring_invoice.{'resume' if today else 'pause'}",
            obj=locked,
            before=before,
            after={"status": status, "next_date": locked.next_date},
        )
    return locked


# -- the run ------------------------------------------------------------------------------


@dataclass
class RunReport:
    invoices: list[int] = field(default_factory=list)  # ids, in the order made
    notices: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # template public_id -> why

    def as_dict(self) -> dict:
        return {
            "invoices": len(self.invoices),
            "notices": self.notices,
            "failures": len(self.failures),
        }


def recurring_run(*, company: Company | None = None, today: date, actor=RUN_ACTOR) -> RunReport:
    """Invoice every occurrence due by `today` of the active templates (of one company,
    or all), then send the renewal notices due. One transaction per template and step;
    a template that fails keeps its error in `last_error` and is tried again next run.
    `today` is the business date (clock.today(): invoices are never issued ahead of it)."""
    rows = RecurringInvoice.objects.filter(status=RecurringInvoice.ACTIVE).exclude(next_date=None)
    if company is not None:
        rows = rows.for_company(company)
    horizon = today + timedelta(days=MAX_NOTICE_DAYS)
    rows = rows.filter(Q(next_date__lte=today) | Q(notice_days__gt=0, next_date__lte=horizon))
    report = RunReport()
    for pk, public_id in rows.order_by("next_date", "pk").values_list("pk", "public_id"):
        errors = []
        for step in (_invoice_due, notify_due):
            try:
                step(pk, today, actor, report)
            except SoldeError as exc:
                errors.append(exc.message)
            except Exception as exc:  # one broken template must not stop the others
                log.exception("Recurring invoice %s: %s failed", public_id, step.__name__)
                errors.append(f"{type(exc).__name__}: {exc}")
        message = " ".join(errors)[:500]
        if message:
            report.failures[str(public_id)] = message
        RecurringInvoice.objects.filter(pk=pk).exclude(last_error=message).update(
            last_error=message
        )
    return report


def period_label(plan: schedule.Schedule, day: date, language: str) -> str:
    """The months an occurrence bills, as words: "décembre 2026", or a range."""
    locale = compose.BABEL_LOCALES[language]
    first, last = schedule.period_months(plan, day)
    words = [format_date(month, "LLLL y", locale=locale) for month in dict.fromkeys((first, last))]
    return " – ".join(words)


def _occurrence_lines(template: RecurringInvoice, day: date) -> list[dict]:
    language = compose.language_of(None, template.customer)
    suffix = f" — {period_label(template.schedule(), day, language)}"
    return [
        {name: getattr(line, name) for name in documents.LINE_FIELDS}
        | {"description": line.description[: 500 - len(suffix)] + suffix}
        for line in template.lines.all()
    ]


def _invoice_due(pk: int, today: date, actor, report: RunReport) -> None:
    """Invoice each occurrence from next_date up to today: a period missed while the
    worker was down is still owed. Issued ones are dated today, so that numbers stay in
    date order; the occurrence date is their date of service. Locks the template row."""
    with transaction.atomic():
        template = _locked(RecurringInvoice(pk=pk))
        if not template.is_active or template.next_date is None:
            return
        plan, day, made = template.schedule(), template.next_date, []
        while day is not None and day <= today:
            invoice = _invoice_one(template, day, today, actor)
            if invoice is not None:
                made.append(invoice)
            day = schedule.next_after(plan, day)
        if day == template.next_date:
            return
        template.next_date = day
        template.save(update_fields=["next_date", "updated_at"])
        audit_record(
            company=template.company,
            actor=actor,
            action="recurring_invoice.run",
            obj=template,
            after={"invoices": [str(i.public_id) for i in made], "next_date": day},
        )
    report.invoices += [invoice.pk for invoice in made]


def _invoice_one(template: RecurringInvoice, day: date, today: date, actor):
    """The invoice of one occurrence, unless its Occurrence row says it is made."""
    occurrence, _created = Occurrence.objects.get_or_create(
        template=template, date=day, defaults={"company": template.company}
    )
    if occurrence.invoice_id is not None:
        return None
    invoice = invoice_create(
        company=template.company,
        customer=template.customer,
        lines=_occurrence_lines(template, day),
        actor=actor,
        origin="recurring",
        currency=template.currency,
        nature=template.nature,
        notes=template.notes,
        sale_date=day,
    )
    if template.mode == RecurringInvoice.ISSUE_AND_SEND:
        invoice = invoice_issue(invoice=invoice, issue_date=today, actor=actor)
        invoice_send(invoice=invoice, actor=actor)
    occurrence.invoice = invoice
    occurrence.save(update_fields=["invoice"])
    return invoice
