"""Recurring invoices: templates that invoice themselves, and what each occurrence made.

A template holds the customer, the lines and the schedule; `next_date` is the next
occurrence still to invoice (None once the schedule has ended). Each occurrence dealt
with leaves one `Occurrence` row, unique per template and date: it is the record that an
invoice (or a renewal notice ahead of it) exists, so that no run ever makes it twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned
from solde.core.schedule import FREQUENCIES, Schedule
from solde.customers.models import Customer
from solde.invoicing.models import AMOUNT, Invoice, LineFields
from solde.mail.models import OutboundEmail


class RecurringInvoice(CompanyOwned):
    ISSUE_AND_SEND, DRAFT = "issue_and_send", "draft"
    MODE_CHOICES = [(ISSUE_AND_SEND, ISSUE_AND_SEND), (DRAFT, DRAFT)]
    ACTIVE, PAUSED = "active", "paused"
    STATUS_CHOICES = [(ACTIVE, ACTIVE), (PAUSED, PAUSED)]
    FREQUENCY_CHOICES = [(f, f) for f in FREQUENCIES]
    NATURE_CHOICES = Invoice.NATURE_CHOICES

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="EUR")
    nature = models.CharField(max_length=10, choices=NATURE_CHOICES, default="services")
    notes = models.TextField(blank=True)  # copied to every invoice
    frequency = models.CharField(max_length=9, choices=FREQUENCY_CHOICES, default="monthly")
    day_of_month = models.PositiveSmallIntegerField(default=1)  # 31: the month's last day
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=14, choices=MODE_CHOICES, default=ISSUE_AND_SEND)
    notice_days = models.PositiveSmallIntegerField(default=0)  # 0: no renewal notice
    status = models.CharField(max_length=6, choices=STATUS_CHOICES, default=ACTIVE)
    next_date = models.DateField(null=True, blank=True)
    # Caches of the lines' totals, for lists and notices; the invoice computes its own.
    total_excl_tax = models.DecimalField(**AMOUNT)
    total = models.DecimalField(**AMOUNT)
    # Why the last run could not invoice or notify (blank when it could).
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=31),
                name="recurring_day_of_month_1_31",
            ),
        ]
        indexes = [
            # The daily run, over every company: active templates due by today.
            models.Index(fields=["status", "next_date"]),
            models.Index(fields=["company", "next_date"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE

    def schedule(self) -> Schedule:
        return Schedule(self.frequency, self.day_of_month, self.start_date, self.end_date)


class RecurringLine(LineFields):
    template = models.ForeignKey(RecurringInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineFields.Meta):
        pass

    def __str__(self) -> str:
        return self.description


class Occurrence(CompanyOwned):
    """One occurrence of a template: its invoice once made, its renewal notice once sent.
    A notice comes first, so the row may exist with no invoice yet."""

    template = models.ForeignKey(
        RecurringInvoice, on_delete=models.PROTECT, related_name="occurrences"
    )
    date = models.DateField()
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    noticed_on = models.DateField(null=True, blank=True)
    notice_email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "date"], name="occurrence_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.date}"
