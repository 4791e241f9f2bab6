"""A member of one company who puts another company's invoice under their own company's
URL finds nothing: every invoice page answers 404 (not 500), and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from solde.invoicing.models import Invoice
from tests.builders import make_invoice

pytestmark = pytest.mark.django_db

# URL name → (method, form, drafts only) of the invoice pages addressing one invoice.
PAGES = {
    "invoice_detail": ("get", {}, False),
    "invoice_pdf": ("get", {}, False),
    "invoice_edit": ("get", {}, True),
    "invoice_issue": ("post", {}, True),
    "invoice_delete": ("post", {}, True),
    "invoice_duplicate": ("post", {}, False),
    "invoice_credit_note": ("post", {}, False),
    "invoice_payment": ("post", {"amount": "1", "date": "2026-11-20"}, False),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_companys_invoice_is_not_found_under_ones_own_company(
    client, outsider, other_company, company, customer, name
):
    method, form, draft = PAGES[name]
    invoice = make_invoice(company, customer, issue=not draft)
    before = Invoice.objects.filter(company=company).count()
    client.force_login(outsider)
    theirs = reverse(name, args=[other_company.slug, invoice.public_id])
    assert getattr(client, method)(theirs, form).status_code == 404
    assert Invoice.objects.filter(company=company).count() == before
    invoice.refresh_from_db()
    assert invoice.is_draft is draft


def test_ones_own_invoice_still_opens(client, outsider, other_company):
    own = make_invoice(other_company)
    client.force_login(outsider)
    page = client.get(reverse("invoice_detail", args=[other_company.slug, own.public_id]))
    assert page.status_code == 200 and own.number in page.content.decode()
