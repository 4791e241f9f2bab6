"""Companies (the tenant), memberships with roles, and the base of every company-owned row."""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from solde.core.roles import Role

DEFAULT_BRAND_COLOUR = "#1f4e79"
# Logo file extensions (as the service names stored files) and their media types.
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}


class Company(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=50, blank=True)
    share_capital = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    siren = models.CharField(max_length=9, blank=True)
    siret = models.CharField(max_length=14, blank=True)
    vat_number = models.CharField(max_length=20, blank=True)
    rcs_city = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="FR")
    email = models.EmailField(blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    # None: the legal default (ECB rate + 10 points, Code de commerce L441-10).
    late_penalty_rate = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    recovery_indemnity = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("40"))
    early_payment_discount = models.CharField(max_length=200, blank=True)
    vat_on_debits = models.BooleanField(default=False)
    # Largest difference a person may write off as a settlement gap.
    write_off_tolerance = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("1.00")
    )
    # Bank matching: a proposal scoring at least this (0–100) is applied without a person.
    match_threshold = models.PositiveSmallIntegerField(default=90)
    # Reminders (relances): the daily run at this local hour, once enabled; no two
    # messages to one customer within the gap; none on weekends and French public
    # holidays (of this department's calendar, e.g. "57" for Moselle) unless told.
    reminders_enabled = models.BooleanField(default=False)
    reminder_hour = models.PositiveSmallIntegerField(default=9)
    reminder_min_gap_days = models.PositiveSmallIntegerField(default=5)
    reminders_on_working_days = models.BooleanField(default=True)
    holiday_region = models.CharField(max_length=3, blank=True)
    # The weekly digest to owners (solde.reports.digest): on by default, on this local
    # weekday (0 = Monday) from this hour, about the seven days before that day.
    digest_enabled = models.BooleanField(default=True)
    digest_weekday = models.PositiveSmallIntegerField(default=0)
    digest_hour = models.PositiveSmallIntegerField(default=8)
    # Shown on invoice PDFs; checked by services.company_update (PNG, JPEG or SVG, 1 MB).
    logo = models.FileField(upload_to="logos/", blank=True)
    brand_colour = models.CharField(max_length=7, blank=True)  # "#RRGGBB"; blank: default
    # Emails to customers: the From display name and the Reply-To address.
    email_sender_name = models.CharField(max_length=100, blank=True)
    email_reply_to = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name

    def logo_data_uri(self) -> str:
        """The logo inlined as a data: URI (for PDFs and previews), or "" without one."""
        if not self.logo:
            return ""
        kind = LOGO_TYPES.get(self.logo.name.rsplit(".", 1)[-1].lower(), "")
        if not kind:
            return ""
        try:
            with self.logo.open("rb") as handle:
                content = handle.read()
        except OSError:
            return ""  # a lost file must not stop invoices from being drawn
        return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


class Membership(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=[(r.value, r.value) for r in Role])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"


class CompanyQuerySet(models.QuerySet):
    def for_company(self, company: Company) -> CompanyQuerySet:
        return self.filter(company=company)


def company_key_covered():
    """The `company` key of a table whose composite indexes all start with the company:
    its own one-column index would only slow the writes (bank runs write tens of
    thousands of rows)."""
    return models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", db_index=False)


class CompanyOwned(models.Model):
    """Every company-owned row: its company, and a UUID for URLs and the API."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        abstract = True


class ApiToken(models.Model):
    """An API key for one user in one company. Only its SHA-256 is stored."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # shown in lists to tell keys apart
    scope = models.CharField(max_length=5, choices=[("read", "read"), ("write", "write")])
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.scope})"
