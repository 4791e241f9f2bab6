"""Payments and allocations: the one source of truth of every balance.

An invoice's balance at a date D = its total − the allocations active at D
(payments, credit notes applied, write-offs). An allocation is never erased:
undoing it sets `undone_on`, so balances at earlier dates stay as they were.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned, CompanyQuerySet, company_key_covered
from solde.customers.models import Customer
from solde.invoicing.models import AMOUNT, Invoice

ZERO = Decimal("0")


class Payment(CompanyOwned):
    company = company_key_covered()  # by the (company, customer, date) index
    METHOD_CHOICES = [
        (m, m) for m in ("transfer", "direct_debit", "card", "cheque", "cash", "other", "unknown")
    ]
    SOURCE_CHOICES = [(s, s) for s in ("manual", "api", "import", "bank", "demo")]

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField()
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, default="EUR")
    method = models.CharField(max_length=15, choices=METHOD_CHOICES, default="transfer")
    payer_name = models.CharField(max_length=200, blank=True)
    payer_iban = models.CharField(max_length=34, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES, default="manual")
    # Cache: amount − active allocations; a positive remainder is customer credit.
    unallocated = models.DecimalField(**AMOUNT)
    # A payment recorded by mistake or bounced: its allocations are undone that day.
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["company", "customer", "date"]),
            # Customer credit at a date reads the payments with something left, and the
            # few cancelled (queries.customer_credits).
            models.Index(fields=["company", "unallocated"]),
            models.Index(
                fields=["company", "cancelled_on"],
                condition=Q(cancelled_on__isnull=False),
                name="payment_cancelled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.currency}"


class AllocationQuerySet(CompanyQuerySet):
    def active_on(self, day) -> AllocationQuerySet:
        """Allocations in force at the end of `day`."""
        return self.filter(date__lte=day).filter(Q(undone_on__isnull=True) | Q(undone_on__gt=day))

    def active(self) -> AllocationQuerySet:
        return self.filter(undone_on__isnull=True)


class Allocation(CompanyOwned):
    PAYMENT, CREDIT_NOTE, WRITE_OFF = "payment", "credit_note", "write_off"
    KIND_CHOICES = [(k, k) for k in (PAYMENT, CREDIT_NOTE, WRITE_OFF)]
    HOW_CHOICES = [(h, h) for h in ("manual", "auto", "confirmed")]

    company = company_key_covered()  # by the (company, customer, date) index
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    # Indexed by (invoice, date).
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", db_index=False
    )
    # Denormalised from the invoice so customer balances aggregate on one table.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, default="EUR")
    date = models.DateField()
    how = models.CharField(max_length=10, choices=HOW_CHOICES, default="manual")
    reason = models.CharField(max_length=300, blank=True)  # write-offs: why
    bad_debt = models.BooleanField(default=False)  # write-off of an unrecoverable debt
    created_at = models.DateTimeField(auto_now_add=True)
    undone_on = models.DateField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undo_reason = models.CharField(max_length=300, blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive"),
            models.CheckConstraint(
                condition=(
                    Q(kind="payment", payment__isnull=False, credit_note__isnull=True)
                    | Q(kind="credit_note", payment__isnull=True, credit_note__isnull=False)
                    | Q(kind="write_off", payment__isnull=True, credit_note__isnull=True)
                ),
                name="allocation_source_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer", "date"]),
            models.Index(fields=["invoice", "date"]),
            models.Index(fields=["company", "date"]),  # allocations since a day
            # The few undone allocations, asked for by the reports (maybe_open_on).
            models.Index(
                fields=["company", "undone_on"],
                condition=Q(undone_on__isnull=False),
                name="allocation_undone_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} → {self.invoice}"
