"""Rebuild the cached balances from the allocations and report any that differed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from solde.companies.models import Company
from solde.core.money import ZERO
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment
from solde.payments.services import refresh_invoice, refresh_payment

_AMOUNT = DecimalField(max_digits=18, decimal_places=3)


def _active_sum(**outer) -> Coalesce:
    sums = (
        Allocation.objects.active()
        .filter(**outer)
        .order_by()
        .values(*outer)
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(sums, output_field=_AMOUNT), Value(ZERO), output_field=_AMOUNT)


def check_caches(*, company: Company, fix: bool = False) -> list[str]:
    """Compare every cached balance with one recomputed by the database; fix if asked.

    Locks the rows it rebuilds.
    """
    problems: list[str] = []
    invoices = (
        Invoice.objects.for_company(company)
        .issued()
        .exclude(kind=Invoice.CREDIT_NOTE)
        .annotate(settled=_active_sum(invoice=OuterRef("pk")))
    )
    wrong = [
        i
        for i in invoices.only("pk", "number", "total", "balance")
        if i.total - i.settled != i.balance
    ]
    notes = (
        Invoice.objects.for_company(company)
        .issued()
        .filter(kind=Invoice.CREDIT_NOTE)
        .annotate(settled=_active_sum(credit_note=OuterRef("pk")))
    )
    wrong += [
        n
        for n in notes.only("pk", "number", "total", "balance")
        if n.total - n.settled != n.balance
    ]
    problems += [
        f"{i.number}: cached balance {i.balance}, allocations say {i.total - i.settled}"
        for i in wrong
    ]
    payments = (
        Payment.objects.for_company(company)
        .filter(cancelled_on__isnull=True)
        .annotate(used=_active_sum(payment=OuterRef("pk")))
    )
    wrong_payments = [p for p in payments if p.amount - p.used != p.unallocated]
    problems += [
        f"payment {p.public_id}: cached unallocated {p.unallocated}, "
        f"allocations say {p.amount - p.used}"
        for p in wrong_payments
    ]
    if fix:
        with transaction.atomic():
            for invoice in Invoice.objects.select_for_update().filter(pk__in=[i.pk for i in wrong]):
                refresh_invoice(invoice)
            for payment in Payment.objects.select_for_update().filter(
                pk__in=[p.pk for p in wrong_payments]
            ):
                refresh_payment(payment)
    return problems
