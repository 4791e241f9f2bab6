"""Reads of companies."""

from __future__ import annotations

from solde.companies.models import Company
from solde.core.errors import NotFound


def company_get(*, slug: str) -> Company:
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        raise NotFound(f"No company {slug!r}.", field="company")
    return company
