"""Reads of customers, always through the company."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from solde.companies.models import Company
from solde.core.errors import NotFound
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
    rows = Customer.objects.for_company(company)
    try:
        found = rows.filter(public_id=uuid.UUID(str(ref))).first()
    except ValueError:
        found = rows.filter(code=ref).first()
    if found is None:
        raise NotFound(f"No customer {ref!r}.", field="customer")
    return found
