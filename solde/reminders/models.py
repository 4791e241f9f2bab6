"""Reminder plans and their steps, what each customer follows, and what was sent.

A Reminder is one message (or one task for a person) of one run; its lines say which
invoices it chased and for which step. A line is unique per (invoice, step): that
constraint, not the code, is what makes "the same step is never sent twice for an
invoice" hold when two workers run at once or a killed run is started again.
Promises, payment plans and disputes hold an invoice's reminders (core.dunning).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned
from solde.customers.models import Customer
from solde.invoicing.models import AMOUNT, Invoice
from solde.mail.models import OutboundEmail

EMAIL, LETTER, TASK = "email", "letter", "task"
CHANNEL_CHOICES = [(EMAIL, EMAIL), (LETTER, LETTER), (TASK, TASK)]
TONES = ("courtesy", "friendly", "firm", "formal", "escalation")


class ReminderPlan(CompanyOwned):
    """Ordered steps; a customer follows its own plan, else its segment's, else the default."""

    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    # Customer segments (Customer.segment) that follow this plan.
    segments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default=True), name="reminder_plan_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReminderStep(models.Model):
    """One step: days from the due date (negative: before), a channel, a tone, and the
    subject and body per language ({"fr": {"subject": …, "body": …}, "en": …})."""

    plan = models.ForeignKey(ReminderPlan, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=100)
    offset_days = models.SmallIntegerField()
    channel = models.CharField(max_length=6, choices=CHANNEL_CHOICES, default=EMAIL)
    tone = models.CharField(max_length=10, choices=[(t, t) for t in TONES], default="friendly")
    attach_invoices = models.BooleanField(default=False)
    attach_statement = models.BooleanField(default=False)
    with_late_fees = models.BooleanField(default=False)
    texts = models.JSONField(default=dict)

    class Meta:
        ordering = ["plan", "offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "offset_days"], name="reminder_step_offset"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (J{self.offset_days:+d})"


class CustomerReminders(models.Model):
    """How one customer is chased, when it differs from its segment's or the default plan."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="reminders"
    )
    plan = models.ForeignKey(
        ReminderPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excluded = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    pause_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"reminders of customer {self.customer_id}"


class Reminder(CompanyOwned):
    """One message of a run (email, or letter sent as a PDF by email) or one task for a
    person; its text as it was sent."""

    QUEUED, OPEN, DONE = "queued", "open", "done"
    STATUS_CHOICES = [(s, s) for s in (QUEUED, OPEN, DONE)]

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(ReminderStep, on_delete=models.PROTECT, related_name="+")
    run_date = models.DateField()
    channel = models.CharField(max_length=6, choices=CHANNEL_CHOICES)
    language = models.CharField(max_length=2, default="fr")
    subject = models.CharField(max_length=1000, blank=True)
    body = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    total_due = models.DecimalField(**AMOUNT)
    late_fees = models.DecimalField(**AMOUNT)
    email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Tasks: open until a person marks them done.
    status = models.CharField(max_length=6, choices=STATUS_CHOICES, default=QUEUED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    # The invoice of the late fees it claimed (latefee_invoice.py); a deleted draft frees it.
    latefee_invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_date", "-id"]
        indexes = [
            models.Index(fields=["company", "customer", "run_date"]),
            models.Index(fields=["company", "run_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.run_date} {self.customer_id}"


class ReminderLine(models.Model):
    """One invoice chased by a reminder, for one step, with what was due then."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="lines")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(ReminderStep, on_delete=models.PROTECT, related_name="+")
    balance = models.DecimalField(**AMOUNT)
    days_overdue = models.IntegerField()
    interest = models.DecimalField(**AMOUNT)
    indemnity = models.DecimalField(**AMOUNT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="reminder_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"invoice {self.invoice_id}, step {self.step_id}"


class Promise(CompanyOwned):
    """A customer's promise to pay some invoices by a date: reminders wait until then."""

    OPEN, KEPT, BROKEN, CANCELLED = "open", "kept", "broken", "cancelled"
    STATUS_CHOICES = [(s, s) for s in (OPEN, KEPT, BROKEN, CANCELLED)]

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    invoices = models.ManyToManyField(Invoice, related_name="+")
    promised_date = models.DateField()
    amount = models.DecimalField(**AMOUNT)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=9, choices=STATUS_CHOICES, default=OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-promised_date", "-id"]


class PaymentPlan(CompanyOwned):
    """Instalments agreed for some invoices: reminders wait while each is paid on time."""

    ACTIVE, COMPLETED, BROKEN, CANCELLED = "active", "completed", "broken", "cancelled"
    STATUS_CHOICES = [(s, s) for s in (ACTIVE, COMPLETED, BROKEN, CANCELLED)]

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    invoices = models.ManyToManyField(Invoice, related_name="+")
    start_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=9, choices=STATUS_CHOICES, default=ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]


class Instalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField()
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.due_date}"


class ReminderRun(CompanyOwned):
    """The daily run of one company: the scheduler starts one only while none finished
    that day (a crashed one is started again; what it sent stays sent)."""

    run_date = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-run_date"]
        constraints = [
            models.UniqueConstraint(fields=["company", "run_date"], name="reminder_run_daily"),
        ]

    def __str__(self) -> str:
        return f"run of {self.run_date}"


class PolicyRate(models.Model):
    """An ECB main refinancing rate added after the release (`solde rates set`): the
    shipped table (core/data/ecb_mro_rates.csv) plus these give the legal late rate."""

    start = models.DateField(unique=True)
    rate = models.DecimalField(max_digits=6, decimal_places=3)

    def __str__(self) -> str:
        return f"{self.rate} % from {self.start}"


class Dispute(CompanyOwned):
    """A disputed invoice (Invoice.disputed holds its reminders), who follows it up, and
    how it ended."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(resolved_on__isnull=True), name="dispute_one_open"
            ),
        ]
