"""The audit trail: who changed what, when, with the values before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from solde.companies.models import Company


class AuditEvent(models.Model):
    # Both indexed by (company, at): every read of the trail is one company's.
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)  # e.g. "cli", "import", an email
    action = models.CharField(max_length=60)  # "<entity>.<verb>", e.g. "invoice.issue"
    object_type = models.CharField(max_length=40)
    object_id = models.UUIDField(db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["company", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
