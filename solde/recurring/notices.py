"""Renewal notices: an email to the customer `notice_days` before each occurrence of a
recurring invoice, sent once (called by services.recurring_run)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from solde.audit.services import audit_record
from solde.core import schedule
from solde.mail import compose, texts
from solde.mail.models import RENEWAL
from solde.mail.queries import email_template_get
from solde.mail.services import customer_message_send
from solde.recurring.models import Occurrence, RecurringInvoice


def locked(pk: int) -> RecurringInvoice:
    """The template, its row locked until the transaction ends."""
    return (
        RecurringInvoice.objects.select_for_update()
        .select_related("company", "customer")
        .get(pk=pk)
    )


def notify_due(pk: int, today: date, actor, report) -> None:
    """Send the renewal notice of each coming occurrence within notice_days of today,
    once: the Occurrence row (made ahead, without its invoice) records it. A notice
    whose whole window passed while the worker was down is not sent late.
    Locks the template row."""
    with transaction.atomic():
        template = locked(pk)
        if not template.is_active or not template.notice_days or template.next_date is None:
            return
        plan, day = template.schedule(), template.next_date
        while day is not None and day - timedelta(days=template.notice_days) <= today:
            if day > today and _notify_one(template, day, today, actor):
                report.notices += 1
            day = schedule.next_after(plan, day)


def _notify_one(template: RecurringInvoice, day: date, today: date, actor) -> bool:
    occurrence, _created = Occurrence.objects.get_or_create(
        template=template, date=day, defaults={"company": template.company}
    )
    if occurrence.noticed_on is not None:
        return False
    customer = template.customer
    language = compose.language_of(None, customer)
    values = compose.renewal_values(template, day, language)
    subject, body = email_template_get(company=template.company, kind=RENEWAL, language=language)
    email = customer_message_send(
        company=template.company,
        customer=customer,
        kind=RENEWAL,
        language=language,
        to=compose.recipients(customer, None),
        subject=texts.render(subject, values),
        body=texts.render(body, values),
    )
    occurrence.noticed_on, occurrence.notice_email = today, email
    occurrence.save(update_fields=["noticed_on", "notice_email"])
    audit_record(
        company=template.company,
        actor=actor,
        action="recurring_invoice.notice",
        obj=template,
        after={"date": day, "email": email.public_id, "to": email.to},
    )
    return True
