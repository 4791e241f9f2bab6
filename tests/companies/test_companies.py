"""Companies: legal identity checked, default series, roles, API keys."""

import pytest

from solde.companies.services import (
    company_create,
    company_update,
    require,
    token_create,
    token_lookup,
    user_create,
)
from solde.core.errors import Conflict, PermissionDenied, ValidationError
from solde.core.roles import Action
from solde.invoicing.models import Series

pytestmark = pytest.mark.django_db


def test_identity_is_validated_and_normalised():
    company = company_create(
        slug="lumiere",
        name="Atelier Lumière",
        siret="732 829 320 00074",
        vat_number="FR 40 303265045",
        iban="fr76 3000 6000 0112 3456 7890 189",
    )
    assert (company.siren, company.siret, company.vat_number, company.iban) == (
        "732829320",
        "73282932000074",
        "FR40303265045",
        "FR7630006000011234567890189",
    )
    assert sorted(Series.objects.filter(company=company).values_list("pattern", flat=True)) == [
        "AV-{YYYY}-{SEQ:05}",
        "DE-{YYYY}-{SEQ:05}",
        "FA-{YYYY}-{SEQ:05}",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "123456789"),
        ("vat_number", "FR00123456789"),
        ("iban", "FR76 0000"),
        ("bic", "NOTABIC"),
        ("currency", "EURO"),
    ],
)
def test_wrong_identifiers_name_their_field(field, value):
    with pytest.raises(ValidationError) as caught:
        company_create(slug="x", name="X", **{field: value})
    assert caught.value.field == field


def test_slugs_are_unique(company):
    with pytest.raises(Conflict):
        company_create(slug="acme", name="Again")


def test_update_is_audited(company):
    company_update(company=company, payment_terms_days=45, actor="cli")
    from solde.audit.models import AuditEvent

    event = AuditEvent.objects.filter(company=company, action="company.update").get()
    assert event.after == {"payment_terms_days": 45} and event.actor_label == "cli"


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("owner", Action.MANAGE_COMPANY, True),
        ("accountant", Action.WRITE_OFF, True),
        ("accountant", Action.MANAGE_COMPANY, False),
        ("sales", Action.WRITE_INVOICES, True),
        ("sales", Action.RECORD_PAYMENTS, False),
        ("viewer", Action.READ, True),
        ("viewer", Action.WRITE_INVOICES, False),
    ],
)
def test_roles(company, role, action, allowed):
    user = user_create(email=f"{role}@acme.test", company=company, role=role)
    if allowed:
        require(user, company, action)
    else:
        with pytest.raises(PermissionDenied):
            require(user, company, action)


def test_an_outsider_has_no_role(company, outsider):
    with pytest.raises(PermissionDenied):
        require(outsider, company, Action.READ)


def test_api_keys_are_stored_hashed(company, owner):
    token, key = token_create(user=owner, company=company, scope="write")
    assert key not in token.digest and token_lookup(key) == token
    assert token_lookup(key + "x") is None
