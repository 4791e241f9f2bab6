"""Bank accounts, imported statements and their lines, and what people taught the matcher.

A statement line is never deleted nor changed in what the bank said; only its matching
state moves (unmatched → suggested → matched or ignored, and back on undo). A line that
pays invoices points to the payment it became: the allocations hang from that payment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned, company_key_covered
from solde.customers.models import Customer
from solde.payments.models import Payment


class BankAccount(CompanyOwned):
    # As the statement files name it: the IBAN when they give one, else the bank's account id.
    number = models.CharField(max_length=64)
    iban = models.CharField(max_length=34, blank=True)
    name = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    # CSV column mapping saved for this account (formats.bankcsv.CsvMapping.to_dict()).
    csv_mapping = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="bank_account_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.iban or self.number


class BankStatement(CompanyOwned):
    """One statement of one account, as one file brought it (a file may bring several)."""

    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="statements")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10)
    statement_id = models.CharField(max_length=100, blank=True)
    opening_balance = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    opening_date = models.DateField(null=True, blank=True)
    closing_balance = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    lines_read = models.PositiveIntegerField(default=0)
    lines_added = models.PositiveIntegerField(default=0)
    # Why the balances do not follow on from the previous statement ("" when they do).
    balance_break = models.CharField(max_length=300, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account} {self.closing_date or self.opening_date or ''} ({self.file_name})"


class BankLine(CompanyOwned):
    UNMATCHED, SUGGESTED, MATCHED, IGNORED, DEBIT = (
        "unmatched",
        "suggested",
        "matched",
        "ignored",
        "debit",
    )
    STATUS_CHOICES = [(s, s) for s in (UNMATCHED, SUGGESTED, MATCHED, IGNORED, DEBIT)]
    # What still waits for the matcher or a person.
    OPEN_STATUSES = (UNMATCHED, SUGGESTED)

    company = company_key_covered()  # by the (company, status, booking_date) index
    # Indexed by the (account, dedup_key) unique constraint.
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    # What the bank said, kept as it came.
    booking_date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=3)  # signed: + received
    currency = models.CharField(max_length=3)
    bank_ref = models.CharField(max_length=120, blank=True)
    end_to_end_id = models.CharField(max_length=120, blank=True)
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    remittance = models.TextField(blank=True)
    structured_ref = models.CharField(max_length=140, blank=True)
    bank_code = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=120, blank=True)
    # The key that makes a line of an overlapping statement a duplicate (see services).
    dedup_key = models.CharField(max_length=64)
    # Matching state.
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=UNMATCHED)
    how = models.CharField(max_length=10, blank=True)  # auto | confirmed | manual, once matched
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    # The matcher's proposals, best first: [{"customer", "allocations", "score", "reasons"…}].
    proposals = models.JSONField(default=list, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_lines"
    )
    ignore_reason = models.CharField(max_length=200, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "dedup_key"], name="bank_line_unique"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "booking_date"]),
            models.Index(fields=["company", "booking_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.currency} {self.counterparty_name}"


class PayerRule(CompanyOwned):
    """Something a person taught the matcher about a payer, by confirming or rejecting.

    A payer (an IBAN or a normalised name) is known to be a customer, or (customer empty,
    `never_customer`) known never to pay an invoice: tax refunds, own accounts, a landlord.
    """

    IBAN, NAME = "iban", "name"
    KIND_CHOICES = [(IBAN, IBAN), (NAME, NAME)]

    kind = models.CharField(max_length=4, choices=KIND_CHOICES)
    value = models.CharField(max_length=200)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    never_customer = models.BooleanField(default=False)
    learned_from = models.ForeignKey(
        BankLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "value"], name="payer_rule_unique"),
            models.CheckConstraint(
                condition=Q(customer__isnull=False, never_customer=False)
                | Q(customer__isnull=True, never_customer=True),
                name="payer_rule_customer_or_never",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} → {self.customer_id or 'never a customer'}"


class ReferenceHabit(CompanyOwned):
    """A token a customer writes on its transfers (its own order prefix, its customer code)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=60)
    seen = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "customer", "token"], name="reference_habit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.token}"


class BankFeed(CompanyOwned):
    """A bank account's connection to a PSD2 aggregator, pulled on a schedule.

    Consents expire (90 days in Europe): the company is warned before, and told loudly
    when a feed has brought nothing for days, since silent stops are the failure users
    of other tools complain about most.
    """

    ACTIVE, EXPIRED, FAILING, REVOKED = "active", "expired", "failing", "revoked"
    STATUS_CHOICES = [(s, s) for s in (ACTIVE, EXPIRED, FAILING, REVOKED)]

    account = models.OneToOneField(BankAccount, on_delete=models.CASCADE, related_name="feed")
    provider = models.CharField(max_length=30)  # e.g. "gocardless"
    institution_id = models.CharField(max_length=100, blank=True)
    requisition_id = models.CharField(max_length=100, blank=True)
    external_account_id = models.CharField(max_length=100, blank=True)
    consent_expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default=ACTIVE)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_new_line_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    # The days a warning was last sent, so each is sent once, not at every pull.
    expiry_warned_on = models.DateField(null=True, blank=True)
    silence_warned_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.provider} → {self.account}"
