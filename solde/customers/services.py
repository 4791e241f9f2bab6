"""Use cases for customers."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from solde.audit.services import audit_record
from solde.companies.models import Company
from solde.core import identifiers
from solde.core.errors import Conflict, ValidationError
from solde.customers.models import Contact, Customer, CustomerIban

EDITABLE = {f.name for f in Customer._meta.fields} - {"id", "public_id", "company", "created_at"}


def _clean(fields: dict) -> dict:
    unknown = set(fields) - EDITABLE
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"Unknown customer field {name!r}.", field=name)
    clean = {
        key: ("" if value is None and key != "payment_terms_days" else value)
        for key, value in fields.items()
    }
    for name, check in (
        ("siren", identifiers.siren),
        ("siret", identifiers.siret),
        ("vat_number", identifiers.vat_number),
    ):
        if name in clean:
            clean[name] = check(clean[name])
    if clean.get("siret") and not clean.get("siren"):
        clean["siren"] = clean["siret"][:9]
    if "name" in clean and not str(clean["name"]).strip():
        raise ValidationError("A customer needs a name.", field="name")
    if clean.get("kind", "company") not in {"company", "person"}:
        raise ValidationError("A customer is a company or a person.", field="kind")
    if "email" in clean and clean["email"] and "@" not in clean["email"]:
        raise ValidationError(f"{clean['email']!r} is not an email address.", field="email")
    for key in ("country", "delivery_country"):
        if clean.get(key):
            clean[key] = str(clean[key]).upper()
    return clean


def customer_create(
    *,
    company: Company,
    name: str,
    actor=None,
    ibans: list[str] | None = None,
    contacts: list[dict] | None = None,
    **fields,
) -> Customer:
    """Create a customer (new rows, nothing locked)."""
    clean = _clean({"name": name, **fields})
    clean["name"] = clean["name"].strip()
    try:
        with transaction.atomic():
            customer = Customer.objects.create(company=company, **clean)
            for iban in ibans or []:
                customer_add_iban(customer=customer, iban=iban)
            for contact in contacts or []:
                Contact.objects.create(customer=customer, **contact)
            audit_record(
                company=company, actor=actor, action="customer.create", obj=customer, after=clean
            )
    except IntegrityError as exc:
        raise Conflict(
            f"A customer with code {clean.get('code')!r} already exists.", field="code"
        ) from exc
    return customer


def customer_update(*, customer: Customer, actor=None, **fields) -> Customer:
    """Change a customer's details. Locks the customer row.

    Issued invoices keep the buyer as it was at issue (their snapshot), so this
    never alters a legal document.
    """
    clean = _clean(fields)
    try:
        with transaction.atomic():
            locked = Customer.objects.select_for_update().get(pk=customer.pk)
            before = {key: getattr(locked, key) for key in clean}
            for key, value in clean.items():
                setattr(locked, key, value)
            locked.save()
            audit_record(
                company=locked.company,
                actor=actor,
                action="customer.update",
                obj=locked,
                before=before,
                after=clean,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"A customer with code {clean.get('code')!r} already exists.", field="code"
        ) from exc
    return locked


def customer_add_iban(*, customer: Customer, iban: str) -> CustomerIban:
    value = identifiers.iban(iban)
    row, _ = CustomerIban.objects.get_or_create(customer=customer, iban=value)
    return row


def contact_add(
    *,
    customer: Customer,
    email: str,
    name: str = "",
    role: str = "",
    receives_invoices: bool = True,
) -> Contact:
    if "@" not in (email or ""):
        raise ValidationError(f"{email!r} is not an email address.", field="email")
    return Contact.objects.create(
        customer=customer,
        email=email.strip(),
        name=name,
        role=role,
        receives_invoices=receives_invoices,
    )
