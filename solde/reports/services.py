"""Use cases of the reports that change state: queueing the weekly digest."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from solde.companies.models import Company
from solde.companies.queries import owner_list
from solde.mail.models import DIGEST
from solde.mail.services import company_notice_send
from solde.reports.digest import digest_build, digest_figures
from solde.reports.digest_email import digest_email, digest_language
from solde.reports.models import DigestSent


def digest_send(
    *, company: Company, week_end: date, language: str | None = None
) -> tuple[DigestSent, bool]:
    """Queue the digest of the week ending on `week_end` in the outbox, one email per
    owner, unless it was queued before; returns the record and whether this call
    queued it. The record and the emails are one transaction: the unique
    (company, week_end) row is the lock, so of two workers (or a worker and
    `solde report digest --send`) only one writes; the other gets the first's record.
    A company without owners is recorded too, with no recipient.
    """
    sent = DigestSent.objects.filter(company=company, week_end=week_end).first()
    if sent is not None:
        return sent, False
    digest = digest_build(company=company, as_of=week_end)
    language = digest_language(language)
    subject, body = digest_email(digest, language)
    owners = [email for _user, email in owner_list(company_id=company.pk)]
    try:
        with transaction.atomic():
            record = DigestSent.objects.create(
                company=company,
                week_end=week_end,
                recipients=owners,
                figures=digest_figures(digest),
            )
            for address in owners:  # one each: owners do not see each other's address
                company_notice_send(
                    company=company,
                    to=[address],
                    subject=subject,
                    body=body,
                    kind=DIGEST,
                    language=language,
                )
    except IntegrityError:  # another worker wrote it in between
        return DigestSent.objects.get(company=company, week_end=week_end), False
    return record, True
