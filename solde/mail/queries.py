"""Reads of the outbox and of the wordings, always through the company."""

from __future__ import annotations

from django.db.models import QuerySet

from solde.companies.models import Company
from solde.companies.queries import by_ref
from solde.core.errors import ValidationError
from solde.mail import texts
from solde.mail.models import EmailTemplate, OutboundEmail

KINDS = set(texts.KINDS)


def email_list(
    *, company: Company, status: str = "", customer=None, invoice=None, quote=None
) -> QuerySet[OutboundEmail]:
    """Newest first; the attachments' bytes are not loaded."""
    rows = OutboundEmail.objects.for_company(company).select_related("customer", "invoice")
    if status:
        rows = rows.filter(status=status)
    for name, value in (("customer", customer), ("invoice", invoice), ("quote", quote)):
        if value is not None:
            rows = rows.filter(**{name: value})
    return rows


def email_get(*, company: Company, ref: str) -> OutboundEmail:
    """By UUID; another company's email is not found."""
    return by_ref(OutboundEmail.objects.for_company(company), ref, what="email")


def email_template_get(*, company: Company, kind: str, language: str) -> tuple[str, str]:
    """The (subject, body) used: the company's own wording, else the built-in one."""
    if kind not in KINDS:
        raise ValidationError(f"Unknown email kind {kind!r}.", field="kind")
    if language not in texts.LANGUAGES:
        raise ValidationError(f"No email wording in {language!r}.", field="language")
    own = (
        EmailTemplate.objects.for_company(company)
        .filter(kind=kind, language=language)
        .values_list("subject", "body")
        .first()
    )
    return own or texts.DEFAULTS[(kind, language)]
