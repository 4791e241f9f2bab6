"""Reads of customers, always through the company."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from solde.companies.models import Company
from solde.companies.queries import by_ref
from solde.customers.models import Customer


def customer_list(*, company: Company, search: str = "", segment: str = "") -> QuerySet[Customer]:
    rows = Customer.objects.for_company(company)
    if search:
        rows = rows.filter(
            Q(name__icontains=search) | Q(code__iexact=search) | Q(siren=search.replace(" ", ""))
        )
    if segment:
        rows = rows.filter(segment=segment)
    return rows


def customer_get(*, company: Company, ref: str) -> Customer:
    """By UUID or by external code; another company's customer is not found."""
    return by_ref(Customer.objects.for_company(company), ref, what="customer", other_field="code")
