"""What the reports remember: the weekly digests already sent."""

from __future__ import annotations

from django.db import models

from solde.companies.models import CompanyOwned


class DigestSent(CompanyOwned):
    """The weekly digest of one company for the week ending on `week_end`, queued once:
    the unique constraint, not the code, is what stops a second worker (or a second
    `solde report digest --send`) from emailing the owners twice."""

    week_end = models.DateField()
    # Who it went to and the figures it gave, as the record of what was sent.
    recipients = models.JSONField(default=list)
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_end"]
        constraints = [
            models.UniqueConstraint(fields=["company", "week_end"], name="digest_sent_once"),
        ]

    def __str__(self) -> str:
        return f"digest of the week ending {self.week_end}"
