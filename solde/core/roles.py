"""Roles and what each may do: one table, read by the services, the API and the pages."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ACCOUNTANT = "accountant"
    SALES = "sales"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"
    MANAGE_CUSTOMERS = "manage_customers"
    WRITE_INVOICES = "write_invoices"  # drafts, quotes, issuing
    ISSUE_CREDIT_NOTES = "issue_credit_notes"
    RECORD_PAYMENTS = "record_payments"  # payments, allocations, undo
    WRITE_OFF = "write_off"
    IMPORT = "import"
    MANAGE_COMPANY = "manage_company"  # identity, users, tokens


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.ACCOUNTANT: frozenset(Action) - {Action.MANAGE_COMPANY},
    Role.SALES: frozenset({Action.READ, Action.MANAGE_CUSTOMERS, Action.WRITE_INVOICES}),
    Role.VIEWER: frozenset({Action.READ}),
}


def can(role: str | Role | None, action: Action) -> bool:
    if role is None:
        return False
    try:
        return action in _ALLOWED[Role(role)]
    except ValueError:
        return False
