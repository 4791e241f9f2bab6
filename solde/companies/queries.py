"""Reads of companies."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from solde.companies.models import Company, Membership
from solde.core.errors import NotFound
from solde.core.roles import Role


def company_get(*, slug: str) -> Company:
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        raise NotFound(f"No company {slug!r}.", field="company")
    return company


def by_ref(rows: QuerySet, ref: str, *, what: str, other_field: str | None = None):
    """One row of a company-scoped queryset by UUID, or else by another unique field
    (a customer's code, an invoice's number). Anything else is not found."""
    try:
        found = rows.filter(public_id=uuid.UUID(str(ref))).first()
    except ValueError:
        found = rows.filter(**{other_field: ref}).first() if other_field else None
    if found is None:
        raise NotFound(f"No {what} {ref!r}.", field=what)
    return found


def owner_list(*, company_id: int) -> list[tuple[int, str]]:
    """(user id, email) of the company's owners, by email: who is told when something
    needs a person (a bank feed that stopped, a reminder task)."""
    rows = Membership.objects.filter(company_id=company_id, role=Role.OWNER)
    return list(rows.order_by("user__email").values_list("user_id", "user__email"))
