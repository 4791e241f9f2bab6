"""Use cases of customer email: queue a message in the caller's transaction, deliver it
after commit.

Delivery is at-least-once, because we prefer never losing a message to never
repeating one. A row is written with the change that sends it (an invoice sent and its
email commit or roll back together); a job delivers it on commit, and a periodic sweep
delivers what that job missed (a crash between commit and enqueue, a failed attempt).
The only window for a duplicate is a crash after the server accepted the message and
before the row is marked sent: the row stays in 'sending', is re-queued after
STUCK_AFTER and sent again with the same Message-ID, which lets receivers drop it.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from solde.audit.services import audit_record
from solde.bulk import insert_rows
from solde.companies.models import Company
from solde.core import clock
from solde.core.errors import Conflict, ValidationError
from solde.customers.models import Customer
from solde.invoicing.models import Invoice, Quote
from solde.invoicing.pdf import invoice_pdf_bytes
from solde.invoicing.quote_pdf import render_quote_pdf
from solde.mail import compose, delivery, texts
from solde.mail.attachments import draw_pending
from solde.mail.models import (
    DIGEST,
    NOTICE,
    REMINDER,
    EmailTemplate,
    OutboundAttachment,
    OutboundEmail,
)
from solde.mail.queries import email_template_get

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=10)  # far above the SMTP timeout: the sender is gone
SWEEP_AFTER = timedelta(minutes=1)  # fresher rows are the on-commit job's
PDF = "application/pdf"
STATEMENT_FILE = {"fr": "releve", "en": "statement"}


def _schedule(email_id: int) -> None:
    from solde.mail.tasks import deliver_email

    deliver_email(email_id)


def _queue(
    *,
    company: Company,
    customer: Customer,
    kind: str,
    language: str,
    to: list[str],
    values: dict[str, str],
    attachments: list[tuple[str, bytes, str]],
    invoice: Invoice | None = None,
    quote: Quote | None = None,
) -> OutboundEmail:
    """Write the message with its attachments and schedule its delivery on commit."""
    subject, body = email_template_get(company=company, kind=kind, language=language)
    email = _write(
        company=company,
        kind=kind,
        language=language,
        to=to,
        subject=texts.render(subject, values),
        body=texts.render(body, values),
        customer=customer,
        invoice=invoice,
        quote=quote,
    )
    _attach(email, attachments)
    return email


def customer_message_send(
    *,
    company: Company,
    customer: Customer,
    kind: str,
    language: str,
    to: list[str],
    subject: str,
    body: str,
    attachments: list[tuple[str, bytes, str]] = (),
    invoice: Invoice | None = None,
) -> OutboundEmail:
    """Queue a message to a customer whose wording its own app wrote (a reminder, a
    renewal notice), with its attachments (name, bytes, MIME type). Call it inside the
    transaction of the change it belongs to: it is delivered only if that commits."""
    if not to:
        raise ValidationError(_("The customer has no email address."), field="to")
    email = _write(
        company=company,
        kind=kind,
        language=language,
        to=list(to),
        subject=subject,
        body=body,
        customer=customer,
        invoice=invoice,
    )
    _attach(email, attachments)
    return email


@dataclass(frozen=True)
class Draft:
    """One message of a batch (customer_messages_queue); attachments are drawn at
    delivery from their sources (mail.attachments): (filename, MIME type, source)."""

    customer_id: int
    language: str
    to: list[str]
    subject: str
    body: str
    sources: tuple[tuple[str, str, str], ...] = ()
    invoice_id: int | None = None


def customer_messages_queue(*, company: Company, drafts: list[Draft]) -> list[int]:
    """Queue many messages at once (a reminder run): plain INSERTs for the rows and one
    delivery job for all of them on commit. Same guarantees as customer_message_send;
    returns the new emails' ids in the drafts' order."""
    from_email, reply_to = compose.sender(company)
    domain = compose.message_domain(from_email)
    now = clock.now()
    rows = []
    for draft in drafts:
        public_id = uuid.uuid4()
        rows.append(
            {
                "company_id": company.pk,
                "public_id": public_id,
                "kind": REMINDER,
                "customer_id": draft.customer_id,
                "invoice_id": draft.invoice_id,
                "language": draft.language,
                "from_email": from_email,
                "reply_to": reply_to,
                "to": list(draft.to),
                "subject": texts.one_line(draft.subject)[:1000],
                "body": draft.body,
                "message_id": compose.message_id(public_id, from_email, domain),
                "next_attempt_at": now,
            }
        )
    ids = insert_rows(OutboundEmail, rows, returning=True)
    insert_rows(
        OutboundAttachment,
        [
            {"email_id": pk, "filename": name, "mime_type": mime, "content": b"", "source": src}
            for pk, draft in zip(ids, drafts, strict=True)
            for name, mime, src in draft.sources
        ],
    )
    if ids:
        transaction.on_commit(lambda: _schedule_many(ids), robust=True)
    return ids


def _schedule_many(email_ids: list[int]) -> None:
    from solde.mail.tasks import deliver_emails

    deliver_emails(email_ids)


def _attach(email: OutboundEmail, attachments) -> None:
    OutboundAttachment.objects.bulk_create(
        OutboundAttachment(
            email=email,
            filename=name,
            mime_type=mime,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        for name, content, mime in attachments
    )


def _write(*, company, kind, language, to, subject, body, **links) -> OutboundEmail:
    from_email, reply_to = compose.sender(company)
    public_id = uuid.uuid4()
    email = OutboundEmail.objects.create(
        public_id=public_id,
        company=company,
        kind=kind,
        language=language,
        from_email=from_email,
        reply_to=reply_to,
        to=to,
        subject=texts.one_line(subject)[:1000],
        body=body,
        message_id=compose.message_id(public_id, from_email),
        next_attempt_at=clock.now(),
        **links,
    )
    # robust: the row is committed whatever happens to the queue; the sweep catches up.
    transaction.on_commit(lambda: _schedule(email.pk), robust=True)
    return email


def _audit(*, actor, email: OutboundEmail, obj, action: str) -> None:
    audit_record(
        company=email.company,
        actor=actor,
        action=action,
        obj=obj,
        after={
            "email": email.public_id,
            "to": email.to,
            "subject": email.subject,
            "attachments": list(email.attachments.values_list("filename", flat=True)),
        },
    )


def invoice_send(
    *, invoice: Invoice, to: list[str] | None = None, actor=None, language: str | None = None
) -> OutboundEmail:
    """Queue an issued invoice, deposit or credit note, with its frozen PDF, to the
    customer's invoice contacts (or `to`). Locks the invoice row while its PDF is
    written, if the background job has not written it yet."""
    with transaction.atomic():
        invoice = Invoice.objects.select_related("company", "customer").get(pk=invoice.pk)
        if invoice.is_draft:
            raise Conflict("A draft invoice cannot be sent: issue it first.")
        pdf = invoice_pdf_bytes(invoice=invoice)
        customer = invoice.customer
        language = compose.language_of(language, customer)
        email = _queue(
            company=invoice.company,
            customer=customer,
            invoice=invoice,
            kind="credit_note" if invoice.kind == Invoice.CREDIT_NOTE else "invoice",
            language=language,
            to=compose.recipients(customer, to),
            values=compose.invoice_values(invoice, language),
            attachments=[(f"{invoice.number}.pdf", pdf, PDF)],
        )
        _audit(actor=actor, email=email, obj=invoice, action=f"{invoice.kind}.email")
    return email


def quote_send(
    *, quote: Quote, to: list[str] | None = None, actor=None, language: str | None = None
) -> OutboundEmail:
    """Queue a numbered quote, with its PDF (drawn now: quotes keep none), to the
    customer's invoice contacts (or `to`). Nothing is locked (a numbered quote never
    changes)."""
    with transaction.atomic():
        quote = Quote.objects.select_related("company", "customer").get(pk=quote.pk)
        if not quote.number:
            raise Conflict("A draft quote cannot be emailed: send (number) it first.")
        customer = quote.customer
        language = compose.language_of(language, customer)
        email = _queue(
            company=quote.company,
            customer=customer,
            quote=quote,
            kind="quote",
            language=language,
            to=compose.recipients(customer, to),
            values=compose.quote_values(quote, language),
            attachments=[(f"{quote.number}.pdf", render_quote_pdf(quote), PDF)],
        )
        _audit(actor=actor, email=email, obj=quote, action="quote.email")
    return email


def statement_send(
    *,
    customer: Customer,
    pdf: bytes,
    period_label: str,
    to: list[str] | None = None,
    actor=None,
    language: str | None = None,
) -> OutboundEmail:
    """Queue a statement of account already rendered as a PDF. Nothing is locked."""
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise ValidationError("The statement must be a PDF document.", field="pdf")
    period_label = (period_label or "").strip()
    if not period_label:
        raise ValidationError("Name the period of the statement.", field="period_label")
    with transaction.atomic():
        customer = Customer.objects.select_related("company").get(pk=customer.pk)
        language = compose.language_of(language, customer)
        parts = (STATEMENT_FILE[language], customer.code or str(customer.public_id))
        filename = slugify("-".join((*parts, period_label))) + ".pdf"
        email = _queue(
            company=customer.company,
            customer=customer,
            kind="statement",
            language=language,
            to=compose.recipients(customer, to),
            values=compose.statement_values(customer, period_label, language),
            attachments=[(filename, pdf, PDF)],
        )
        _audit(actor=actor, email=email, obj=customer, action="customer.statement_email")
    return email


def company_notice_send(
    *,
    company: Company,
    to: list[str],
    subject: str,
    body: str,
    kind: str = NOTICE,
    language: str | None = None,
) -> OutboundEmail:
    """Queue a message to the company's own people (a bank feed that stopped, a consent
    about to end; kind DIGEST: the weekly digest), through the same outbox as customers'
    emails, in `language` (else the active one). Call it inside the transaction of the
    change it tells about: it is delivered only if that commits."""
    if not to:
        raise ValidationError("A notice needs a recipient.", field="to")
    if kind not in (NOTICE, DIGEST):
        raise ValidationError(f"Unknown notice kind {kind!r}.", field="kind")
    language = (language or get_language() or "fr")[:2]
    return _write(
        company=company,
        kind=kind,
        language=language if language in texts.LANGUAGES else "fr",
        to=list(to),
        subject=subject,
        body=body,
    )


def email_template_clean(*, kind: str, language: str, subject: str, body: str) -> tuple[str, str]:
    """A wording as it would be stored: subject on one line, body trimmed; refuses an
    empty or overlong subject, an empty body and any placeholder the kind does not fill
    (compose.PLACEHOLDERS), naming the field at fault."""
    if kind not in compose.PLACEHOLDERS:
        raise ValidationError(_("Unknown email kind %r.") % kind, field="kind")
    if language not in texts.LANGUAGES:
        raise ValidationError(_("No email wording in %r.") % language, field="language")
    subject, body = texts.one_line(subject or ""), (body or "").strip()
    if not subject:
        raise ValidationError(_("The subject cannot be empty."), field="subject")
    if len(subject) > 300:
        raise ValidationError(_("The subject is limited to 300 characters."), field="subject")
    if not body:
        raise ValidationError(_("The body cannot be empty."), field="body")
    known = compose.PLACEHOLDERS[kind]
    for field, text in (("subject", subject), ("body", body)):
        unknown = [name for name in texts.placeholders_in(text) if name not in known]
        if unknown:
            raise ValidationError(
                _("Unknown placeholder {%(name)s}. This email knows: %(known)s.")
                % {"name": unknown[0], "known": ", ".join(f"{{{name}}}" for name in known)},
                field=field,
            )
    return subject, body


def email_template_set(
    *, company: Company, kind: str, language: str, subject: str, body: str, actor=None
) -> EmailTemplate:
    """Set the company's own wording for one kind and language (its placeholders, such
    as {number}, are replaced when sending). Checked by email_template_clean."""
    subject, body = email_template_clean(kind=kind, language=language, subject=subject, body=body)
    try:
        with transaction.atomic():
            template, _created = EmailTemplate.objects.update_or_create(
                company=company,
                kind=kind,
                language=language,
                defaults={"subject": subject, "body": body + "\n"},
            )
            audit_record(
                company=company,
                actor=actor,
                action="email_template.set",
                obj=template,
                after={"kind": kind, "language": language, "subject": subject},
            )
    except IntegrityError as exc:  # two people saving the first override at once
        raise Conflict(_("This wording was changed meanwhile; try again.")) from exc
    return template


def email_template_reset(*, company: Company, kind: str, language: str, actor=None) -> bool:
    """Back to the built-in wording: delete the company's own, if it has one (then True).
    Locks that row while it is deleted."""
    email_template_get(company=company, kind=kind, language=language)  # checks both
    with transaction.atomic():
        own = (
            EmailTemplate.objects.for_company(company)
            .select_for_update()
            .filter(kind=kind, language=language)
            .first()
        )
        if own is None:
            return False
        audit_record(
            company=company,
            actor=actor,
            action="email_template.reset",
            obj=own,
            before={"kind": kind, "language": language, "subject": own.subject},
        )
        own.delete()
    return True


def outbox_deliver(*, email_id: int) -> OutboundEmail:
    """Deliver one queued email; safe to run twice (a retried job, the sweep racing the
    on-commit job): only the caller whose UPDATE moves the row from queued to sending
    sends it, so a row already claimed, sent or failed is left alone.

    The claim counts the attempt and is written before the network is touched; a
    failure puts the row back in the queue with its error (failed after MAX_ATTEMPTS).
    """
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.QUEUED).update(
        status=OutboundEmail.SENDING, claimed_at=clock.now(), attempts=F("attempts") + 1
    )
    email = OutboundEmail.objects.select_related("company").get(pk=email_id)
    if claimed != 1:
        return email
    try:
        draw_pending(email)
        eml_path = delivery.deliver(email)
    except Exception as exc:  # any failure: the row must not wait in 'sending'
        return _record_failure(email, exc)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.SENT, sent_at=clock.now(), eml_path=eml_path, last_error=""
    )
    email.refresh_from_db()
    return email


def _record_failure(email: OutboundEmail, exc: Exception) -> OutboundEmail:
    final = email.attempts >= MAX_ATTEMPTS
    log.warning("Email %s, attempt %d: %s", email.public_id, email.attempts, exc)
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.SENDING).update(
        status=OutboundEmail.FAILED if final else OutboundEmail.QUEUED,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        # 2, 4, 8, 16 minutes: a server that is down gets time to come back.
        next_attempt_at=clock.now() + timedelta(minutes=2**email.attempts),
    )
    email.refresh_from_db()
    return email


def outbox_retry(*, email: OutboundEmail, actor=None) -> OutboundEmail:
    """Put a failed email back in the queue for one more attempt. Locks its row."""
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != OutboundEmail.FAILED:
            raise Conflict(f"This email is {locked.status}: only a failed one is retried.")
        locked.status = OutboundEmail.QUEUED
        locked.next_attempt_at = clock.now()
        locked.save(update_fields=["status", "next_attempt_at"])
        audit_record(
            company=locked.company,
            actor=actor,
            action="email.retry",
            obj=locked,
            before={"status": OutboundEmail.FAILED, "attempts": locked.attempts},
            after={"status": OutboundEmail.QUEUED},
        )
        transaction.on_commit(lambda: _schedule(locked.pk), robust=True)
    return locked


def outbox_sweep(*, limit: int = 200) -> dict[str, int]:
    """Re-queue rows stuck in 'sending' (their worker died), then deliver queued rows
    due for over SWEEP_AFTER. Each row is claimed by outbox_deliver, so two sweeps, or a
    sweep and the on-commit job, never send a row twice."""
    now = clock.now()
    stuck = OutboundEmail.objects.filter(
        status=OutboundEmail.SENDING, claimed_at__lt=now - STUCK_AFTER
    )
    interrupted = "Interrupted while sending (the worker stopped)."
    given_up = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=OutboundEmail.FAILED, last_error=interrupted
    )
    requeued = stuck.update(status=OutboundEmail.QUEUED, last_error=interrupted)
    due = (
        OutboundEmail.objects.filter(
            status=OutboundEmail.QUEUED, next_attempt_at__lte=now - SWEEP_AFTER
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    outcome = Counter(outbox_deliver(email_id=pk).status for pk in list(due))
    return {"requeued": requeued, "given_up": given_up, **outcome}
