"""A member of one company who puts another company's customer under their own company's
URL finds nothing: every customer page answers 404 (not 500), and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.builders import make_customer

pytestmark = pytest.mark.django_db

# URL name → (method, form) of every customer page addressing one customer.
PAGES = {
    "customer_detail": ("get", None),
    "customer_edit": ("get", None),
    "customer_statement": ("get", None),
    "customer_contact_add": ("post", {"email": "intrus@globex.test"}),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_companys_customer_is_not_found_under_ones_own_company(
    client, outsider, other_company, customer, name
):
    client.force_login(outsider)
    method, form = PAGES[name]
    theirs = reverse(name, args=[other_company.slug, customer.public_id])
    response = getattr(client, method)(theirs, form or {})
    assert response.status_code == 404
    assert customer.contacts.count() == 0


def test_ones_own_customer_still_opens(client, outsider, other_company):
    own = make_customer(other_company, "OWN", name="Own SARL")
    client.force_login(outsider)
    page = client.get(reverse("customer_detail", args=[other_company.slug, own.public_id]))
    assert page.status_code == 200 and "Own SARL" in page.content.decode()
