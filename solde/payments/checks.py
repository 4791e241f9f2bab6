"""Rebuild the cached balances from the allocations and report any that differed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import DateField, DecimalField, Max, OuterRef, Subquery, Sum, Value
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


def _last_active_date() -> Subquery:
    dates = (
        Allocation.objects.active()
        .filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(d=Max("date"))
        .values("d")
    )
    return Subquery(dates, output_field=DateField())


def _paid_on(invoice) -> object:
    """What refresh_invoice stores: the last allocation's date once nothing is left."""
    return invoice.last_date if invoice.total - invoice.settled == ZERO else None


def check_caches(*, company: Company, fix: bool = False) -> list[str]:
    """Compare every cached balance with one recomputed by the database; fix if asked.

    Locks the rows it rebuilds.
    """
    problems: list[str] = []
    invoices = (
        Invoice.objects.for_company(company)
        .issued()
        .exclude(kind=Invoice.CREDIT_NOTE)
        .annotate(settled=_active_sum(invoice=OuterRef("pk")), last_date=_last_active_date())
    )
    rows = invoices.only("pk", "number", "total", "balance", "paid_on")
    wrong = [i for i in rows if i.total - i.settled != i.balance or i.paid_on != _paid_on(i)]
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
        if i.total - i.settled != i.balance
        else f"{i.number}: cached paid-in-full date {i.paid_on}, allocations say {_paid_on(i)}"
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
