"""Emails to customers: the outbox that delivers them and the companies' own wordings.

An OutboundEmail is written in the transaction of the action that sends it, with
everything needed to deliver it (recipients, text, attachment bytes), so a message
queued is never lost and never depends on data that may change before delivery.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned

KIND_CHOICES = [(k, k) for k in ("invoice", "credit_note", "quote", "statement")]
# Written by their own apps with their own wording: reminders (relances), renewal notices
# of recurring invoices.
REMINDER, RENEWAL = "reminder", "renewal"
# Messages to the company's own people (bank feed warnings…; the weekly digest of the
# receivables, solde.reports.digest): written, not templated.
NOTICE, DIGEST = "notice", "digest"
LANGUAGE_CHOICES = [("fr", "fr"), ("en", "en")]


class EmailTemplate(CompanyOwned):
    """A company's subject and body for one kind of email in one language; without one,
    the built-in wording of solde.mail.texts applies."""

    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "language"], name="email_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.language}"


class OutboundEmail(CompanyOwned):
    """One message to deliver: queued → sending → sent, or back to queued after a failure
    until MAX_ATTEMPTS, then failed (see services.outbox_deliver)."""

    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
    STATUS_CHOICES = [(s, s) for s in (QUEUED, SENDING, SENT, FAILED)]

    kind = models.CharField(
        max_length=12,
        choices=[
            *KIND_CHOICES,
            (NOTICE, NOTICE),
            (REMINDER, REMINDER),
            (RENEWAL, RENEWAL),
            (DIGEST, DIGEST),
        ],
    )
    # What was sent; kept (emptied) if the object is ever deleted, as the record of a send.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quote = models.ForeignKey(
        "invoicing.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES)
    from_email = models.CharField(max_length=300)
    reply_to = models.JSONField(default=list)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=1000)
    body = models.TextField()
    # Set at queue time and sent on every attempt, so receivers can drop a duplicate.
    message_id = models.CharField(max_length=300, unique=True)

    status = models.CharField(max_length=7, choices=STATUS_CHOICES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Where the message went: the .eml file written when no SMTP server is configured.
    eml_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="outbound_email_pending",
            ),
            models.Index(fields=["company", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.status})"


class OutboundAttachment(models.Model):
    """The attachment's bytes, stored in the row: they commit or roll back with the
    email, where a file in storage could outlive a rolled-back send."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mime_type = models.CharField(max_length=100)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # A document drawn at delivery rather than at queue time (a reminder letter, an
    # invoice PDF already frozen): "<kind>:<id>" for mail.attachments. Once drawn, its
    # bytes and SHA-256 are stored here like any other, as the record of what was sent.
    source = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
