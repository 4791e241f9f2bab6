"""Test data made through the services, as a user would make it."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from solde.companies.services import company_create, user_create
from solde.customers.services import customer_create
from solde.invoicing.services import invoice_create, invoice_issue

_seq = itertools.count(1)


def make_company(slug: str | None = None, **fields):
    slug = slug or f"co{next(_seq)}"
    fields.setdefault("name", f"Company {slug}")
    fields.setdefault("siren", "732829320")
    return company_create(slug=slug, **fields)


# A French SAS with every identity a legal invoice names (PDF and e-invoice tests, e2e).
SELLER_IDENTITY = {
    "name": "Atelier Lumière SAS",
    "legal_form": "SAS",
    "siret": "73282932000074",
    "vat_number": "FR44732829320",
    "address": "12 rue de la République",
    "postal_code": "69002",
    "city": "Lyon",
    "iban": "FR7630006000011234567890189",
}


def make_seller(slug: str = "lumiere", **fields):
    return make_company(slug, **{**SELLER_IDENTITY, **fields})


def make_user(company, role: str = "owner", email: str | None = None, password: str | None = None):
    email = email or f"user{next(_seq)}@example.com"
    return user_create(email=email, company=company, role=role, password=password)


def make_customer(company, code: str | None = None, **fields):
    code = code or f"C{next(_seq):04d}"
    fields.setdefault("name", f"Customer {code}")
    return customer_create(company=company, code=code, **fields)


def line(price="100", qty="1", rate="20", description="Service", **extra) -> dict:
    return {
        "description": description,
        "quantity": qty,
        "unit_price": price,
        "vat_rate": rate,
        **extra,
    }


def make_invoice(
    company, customer=None, lines=None, issue: bool = True, issue_date: date | None = None, **fields
):
    customer = customer or make_customer(company)
    invoice = invoice_create(company=company, customer=customer, lines=lines or [line()], **fields)
    if issue:
        invoice = invoice_issue(invoice=invoice, issue_date=issue_date)
    return invoice


def amount(text: str) -> Decimal:
    return Decimal(text)
