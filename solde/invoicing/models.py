"""Invoices (with deposits and credit notes), quotes, their lines, and numbering series.

An issued document never changes: `Invoice.save`, line saves and queryset updates
refuse any change to content once issued (corrections are credit notes). Only the
caches (`balance`, `status`) and the dispute flag move after issue.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned, CompanyQuerySet
from solde.core.errors import Conflict
from solde.customers.models import Customer

ZERO = Decimal("0")
AMOUNT = {"max_digits": 18, "decimal_places": 3, "default": ZERO}


class Series(CompanyOwned):
    """A numbering series: pattern such as FA-{YYYY}-{SEQ:05}, one per kind by default."""

    KIND_CHOICES = [("invoice", "invoice"), ("credit_note", "credit_note"), ("quote", "quote")]

    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    name = models.CharField(max_length=50)
    pattern = models.CharField(max_length=60)
    is_default = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "series"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind"], condition=Q(is_default=True), name="series_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pattern})"


class SeriesCounter(models.Model):
    """The last number taken in a series for a period; locked while a number is taken."""

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="counters")
    period = models.CharField(max_length=7, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "period"], name="series_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.period or '-'}: {self.last_seq}"


class LineFields(models.Model):
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    unit = models.CharField(max_length=3, default="C62")  # UN/ECE rec. 20 code
    unit_price = models.DecimalField(max_digits=24, decimal_places=6)
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, default=ZERO)
    discount_amount = models.DecimalField(**AMOUNT)
    vat_category = models.CharField(max_length=2, default="S")
    vat_rate = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("20"))
    exemption_reason = models.CharField(max_length=200, blank=True)
    net_amount = models.DecimalField(**AMOUNT)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class DocumentFields(CompanyOwned):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=35, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    issue_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    total_excl_tax = models.DecimalField(**AMOUNT)
    total_tax = models.DecimalField(**AMOUNT)
    total = models.DecimalField(**AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class InvoiceQuerySet(CompanyQuerySet):
    def issued(self) -> InvoiceQuerySet:
        return self.filter(state=Invoice.ISSUED)

    def receivable(self) -> InvoiceQuerySet:
        """Issued documents a customer owes: invoices and deposits, not credit notes."""
        return self.issued().exclude(kind=Invoice.CREDIT_NOTE)

    def update(self, **kwargs):
        changed = set(kwargs) - Invoice.MUTABLE_AFTER_ISSUE
        if changed and self.filter(state=Invoice.ISSUED).exists():
            raise Conflict(f"An issued invoice cannot change ({', '.join(sorted(changed))}).")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(state=Invoice.ISSUED).exists():
            raise Conflict("An issued invoice cannot be deleted.")
        return super().delete()


class Invoice(DocumentFields):
    INVOICE, DEPOSIT, CREDIT_NOTE = "invoice", "deposit", "credit_note"
    KIND_CHOICES = [(INVOICE, INVOICE), (DEPOSIT, DEPOSIT), (CREDIT_NOTE, CREDIT_NOTE)]
    DRAFT, ISSUED = "draft", "issued"
    STATE_CHOICES = [(DRAFT, DRAFT), (ISSUED, ISSUED)]
    # Payment status, a cache of the allocations (see payments.services).
    OPEN, PARTIALLY_PAID, PAID = "open", "partially_paid", "paid"
    WRITTEN_OFF, CANCELLED = "written_off", "cancelled"
    STATUS_CHOICES = [(s, s) for s in (DRAFT, OPEN, PARTIALLY_PAID, PAID, WRITTEN_OFF, CANCELLED)]
    NATURE_CHOICES = [("services", "services"), ("goods", "goods"), ("mixed", "mixed")]

    # The PDF is written once after issue (then never again: see pdf.invoice_pdf_freeze).
    MUTABLE_AFTER_ISSUE = frozenset(
        {"balance", "status", "disputed", "dispute_reason", "paid_on", "pdf", "pdf_sha256"}
    )

    kind = models.CharField(max_length=12, choices=KIND_CHOICES, default=INVOICE)
    state = models.CharField(max_length=6, choices=STATE_CHOICES, default=DRAFT)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    sale_date = models.DateField(null=True, blank=True)  # date of sale or service
    nature = models.CharField(max_length=10, choices=NATURE_CHOICES, default="services")
    payment_terms = models.CharField(max_length=300, blank=True)
    buyer_reference = models.CharField(max_length=100, blank=True)
    purchase_order = models.CharField(max_length=100, blank=True)
    # The invoice a credit note corrects.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    quote = models.ForeignKey(
        "Quote", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    origin = models.CharField(max_length=10, default="manual")  # manual | import | api | demo
    # Parties as they were at issue: the legal document keeps them even if records change.
    seller_snapshot = models.JSONField(null=True, blank=True)
    buyer_snapshot = models.JSONField(null=True, blank=True)
    prepaid = models.DecimalField(**AMOUNT)
    issued_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=15, choices=STATUS_CHOICES, default=DRAFT)
    balance = models.DecimalField(**AMOUNT)
    paid_on = models.DateField(null=True, blank=True)
    disputed = models.BooleanField(default=False)
    pdf = models.FileField(upload_to="invoices/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    dispute_reason = models.CharField(max_length=300, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], condition=~Q(number=""), name="invoice_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer", "state"]),
            models.Index(fields=["company", "status", "due_date"]),
            models.Index(fields=["company", "issue_date"]),
            # The reports skip what was paid in full by the day asked (maybe_open_on).
            models.Index(fields=["company", "paid_on"]),
            # The list pages sort by these over a million rows: each needs its index.
            models.Index(fields=["company", "due_date"]),
            models.Index(fields=["company", "balance"]),
            models.Index(fields=["company", "total"]),
            models.Index(fields=["company", "number"]),
        ]

    def _guard_issued(self, update_fields) -> None:
        """Refuse writing content fields over a row that is issued in the database."""
        if self.pk is None:
            return
        names = {f.attname for f in self._meta.concrete_fields} - self.get_deferred_fields()
        if update_fields is not None:
            names &= {self._meta.get_field(n).attname for n in update_fields}
        names -= self.MUTABLE_AFTER_ISSUE
        if not names:
            return
        stored = type(self).objects.filter(pk=self.pk).values("state", *names).first()
        if stored is None or stored.pop("state") != self.ISSUED:
            return
        changed = sorted(n for n, v in stored.items() if getattr(self, n) != v)
        if changed:
            raise Conflict(
                f"Invoice {self.number} is issued and cannot change ({', '.join(changed)})."
            )

    def save(self, *args, **kwargs):
        self._guard_issued(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state == self.ISSUED:
            raise Conflict(f"Invoice {self.number} is issued and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == self.DRAFT

    def __str__(self) -> str:
        return self.number or f"draft {self.public_id}"


def _refuse_if_issued(invoice_id) -> None:
    state = Invoice.objects.filter(pk=invoice_id).values_list("state", flat=True).first()
    if state == Invoice.ISSUED:
        raise Conflict("Lines of an issued invoice cannot change.")


class LineQuerySet(models.QuerySet):
    def _guard(self):
        if self.filter(invoice__state=Invoice.ISSUED).exists():
            raise Conflict("Lines of an issued invoice cannot change.")

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class InvoiceLine(LineFields):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    # The deposit invoice this line deducts (negative line on a final invoice).
    deducts = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="deducted_by"
    )

    objects = LineQuerySet.as_manager()

    class Meta(LineFields.Meta):
        pass

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        _refuse_if_issued(self.invoice_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_issued(self.invoice_id)
        return super().delete(*args, **kwargs)


class AllowanceChargeQuerySet(LineQuerySet):
    pass


class InvoiceAllowanceCharge(models.Model):
    """A document-level discount (allowance) or charge, with its VAT category and rate."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allowance_charges")
    is_charge = models.BooleanField(default=False)
    amount = models.DecimalField(**AMOUNT)
    reason = models.CharField(max_length=200, blank=True)
    vat_category = models.CharField(max_length=2, default="S")
    vat_rate = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("20"))

    objects = AllowanceChargeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{'charge' if self.is_charge else 'allowance'} {self.amount}"

    def save(self, *args, **kwargs):
        _refuse_if_issued(self.invoice_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_issued(self.invoice_id)
        return super().delete(*args, **kwargs)


class VatBreakdown(models.Model):
    """The VAT per category and rate of an issued document, as computed at issue."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_breakdown")
    category = models.CharField(max_length=2)
    rate = models.DecimalField(max_digits=6, decimal_places=3)
    taxable = models.DecimalField(max_digits=18, decimal_places=3)
    tax = models.DecimalField(max_digits=18, decimal_places=3)

    class Meta:
        ordering = ["category", "rate"]

    def __str__(self) -> str:
        return f"{self.category} {self.rate} %: {self.tax}"


class Quote(DocumentFields):
    DRAFT, SENT, ACCEPTED, DECLINED = "draft", "sent", "accepted", "declined"
    STATUS_CHOICES = [(s, s) for s in (DRAFT, SENT, ACCEPTED, DECLINED)]

    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], condition=~Q(number=""), name="quote_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draft quote {self.public_id}"


class QuoteLine(LineFields):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineFields.Meta):
        pass

    def __str__(self) -> str:
        return self.description
