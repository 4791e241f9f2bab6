"""Reads of bank accounts, lines and the allocations they made, shared by pages, API and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from solde.banking.models import BankAccount, BankLine
from solde.companies.models import Company
from solde.companies.queries import by_ref
from solde.payments.models import Allocation


def bank_account_list(*, company: Company) -> QuerySet[BankAccount]:
    return BankAccount.objects.for_company(company)


def bank_account_get(*, company: Company, ref: str) -> BankAccount:
    """By UUID, or by the number (IBAN) the statements give."""
    return by_ref(
        bank_account_list(company=company),
        ref.replace(" ", "").upper() if len(ref) != 36 else ref,
        what="bank account",
        other_field="number",
    )


def bank_line_list(*, company: Company, status: str | None = None) -> QuerySet[BankLine]:
    rows = BankLine.objects.for_company(company).select_related("account")
    return rows.filter(status=status) if status else rows


def bank_line_get(*, company: Company, ref: str) -> BankLine:
    return by_ref(bank_line_list(company=company), ref, what="bank line")


def review_queue(*, company: Company) -> QuerySet[BankLine]:
    """Credit lines waiting for a person: suggestions first, then unmatched, oldest first."""
    return (
        bank_line_list(company=company)
        .filter(status__in=BankLine.OPEN_STATUSES)
        .order_by("-status", "booking_date", "pk")
    )


@dataclass(frozen=True, slots=True)
class ExportedAllocation:
    bank_ref: str  # the statement line's reference, else the payment's or credit note's
    invoice: str
    amount: Decimal
    currency: str
    date: date
    how: str
    kind: str


def allocation_export(*, company: Company) -> list[ExportedAllocation]:
    """Every allocation in force, oldest first, with the bank reference it came from."""
    line_ref = BankLine.objects.filter(payment=OuterRef("payment_id")).values("bank_ref")[:1]
    rows = (
        Allocation.objects.for_company(company)
        .active()
        .annotate(line_ref=Subquery(line_ref))
        .order_by("date", "id")
        .values_list(
            "line_ref",
            "payment__reference",
            "credit_note__number",
            "invoice__number",
            "amount",
            "currency",
            "date",
            "how",
            "kind",
        )
    )
    return [
        ExportedAllocation(
            bank_ref=line_ref or reference or note or "",
            invoice=number,
            amount=amount,
            currency=currency,
            date=day,
            how=how,
            kind=kind,
        )
        for line_ref, reference, note, number, amount, currency, day, how, kind in rows.iterator(
            chunk_size=5000
        )
    ]
