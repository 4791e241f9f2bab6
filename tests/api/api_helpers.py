"""Clients with real API keys, and objects made through the API as an integrator makes them."""

from __future__ import annotations

from rest_framework.test import APIClient

from solde.companies.services import token_create

PROBLEM = "application/problem+json"

# Two VAT rates: 3 × 450 at 20 % and 2 × 24.50 at 5.5 % = 1350 + 270 + 49 + 2.70 = 1671.70.
LINES = [
    {"description": "Conseil", "quantity": "3", "unit_price": "450", "vat_rate": "20"},
    {"description": "Livre", "quantity": 2, "unit_price": 24.5, "vat_rate": "5.5"},
]


def client_for(user, company, scope: str = "write") -> APIClient:
    _, key = token_create(user=user, company=company, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def post(api, url: str, body: dict | None = None, status: int = 200) -> dict:
    return ok(api.post(url, body or {}, format="json"), status)


def new_customer(api, code: str = "DUPONT", name: str = "Dupont SARL", **extra) -> dict:
    body = {"code": code, "name": name, "siren": "732829320", **extra}
    return post(api, "/api/v1/customers/", body, 201)


def new_invoice(api, customer: str = "DUPONT", issue: bool = True, lines=None, **extra) -> dict:
    body = {
        "customer": customer,
        "lines": lines or LINES,
        "issue": issue,
        "issue_date": "2026-11-02",
        **extra,
    }
    return post(api, "/api/v1/invoices/", body, 201)


def pay(api, amount: str, day: str, *invoices: str, **extra) -> dict:
    body = {"amount": amount, "date": day, "invoices": list(invoices), **extra}
    return post(api, "/api/v1/payments/", body, 201)
