"""Customers: identity checked, codes unique per company, reads gated by company."""

import pytest

from solde.core.errors import Conflict, NotFound, ValidationError
from solde.customers.queries import customer_get, customer_list
from solde.customers.services import customer_add_iban, customer_create, customer_update
from solde.invoicing.queries import invoice_get
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def test_a_customer_with_contacts_and_ibans(company):
    customer = customer_create(
        company=company,
        code="MARTIN",
        name="Boulangerie Martin",
        siret="73282932000074",
        vat_number="FR40303265045",
        segment="PME",
        payment_terms_days=45,
        ibans=["FR76 3000 6000 0112 3456 7890 189"],
        contacts=[{"name": "Anne Martin", "email": "anne@martin.fr"}],
    )
    assert customer.siren == "732829320"
    assert list(customer.ibans.values_list("iban", flat=True)) == ["FR7630006000011234567890189"]
    assert customer.contacts.get().email == "anne@martin.fr"
    customer_add_iban(customer=customer, iban="FR7630006000011234567890189")
    assert customer.ibans.count() == 1


def test_codes_are_unique_within_a_company_only(company, other_company):
    make_customer(company, "C1")
    make_customer(other_company, "C1")
    with pytest.raises(Conflict):
        make_customer(company, "C1")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "111"),
        ("vat_number", "XX123"),
        ("kind", "robot"),
        ("email", "nope"),
        ("name", "  "),
    ],
)
def test_bad_fields_are_named(company, field, value):
    fields = {"name": "X", field: value}
    with pytest.raises(ValidationError) as caught:
        customer_create(company=company, code="X", **fields)
    assert caught.value.field == field


def test_another_companys_customers_and_invoices_are_not_found(company, other_company):
    theirs = make_customer(other_company, "THEIRS")
    invoice = make_invoice(other_company, theirs)
    with pytest.raises(NotFound):
        customer_get(company=company, ref="THEIRS")
    with pytest.raises(NotFound):
        customer_get(company=company, ref=str(theirs.public_id))
    with pytest.raises(NotFound):
        invoice_get(company=company, ref=invoice.number)
    assert not customer_list(company=company).filter(pk=theirs.pk).exists()


def test_search(company):
    make_customer(company, "DUP", name="Dupont SARL", siren="732829320")
    make_customer(company, "LER", name="Leroy SA")
    assert [c.code for c in customer_list(company=company, search="dupont")] == ["DUP"]
    assert [c.code for c in customer_list(company=company, search="732 829 320")] == ["DUP"]
    updated = customer_update(customer=customer_get(company=company, ref="LER"), city="Nantes")
    assert updated.city == "Nantes"
