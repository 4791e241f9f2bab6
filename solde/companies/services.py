"""Use cases for companies, users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from solde.audit.services import audit_record
from solde.companies.models import ApiToken, Company, Membership
from solde.core import identifiers
from solde.core.errors import Conflict, PermissionDenied, ValidationError
from solde.core.money import check_currency, to_decimal
from solde.core.roles import Action, Role, can

DEFAULT_SERIES = {
    "invoice": ("Factures", "FA-{YYYY}-{SEQ:05}"),
    "credit_note": ("Avoirs", "AV-{YYYY}-{SEQ:05}"),
    "quote": ("Devis", "DE-{YYYY}-{SEQ:05}"),
}


def _identity(fields: dict) -> dict:
    """Validate and normalise the legal identity fields that are present."""
    checks = {
        "siren": identifiers.siren,
        "siret": identifiers.siret,
        "vat_number": identifiers.vat_number,
        "iban": identifiers.iban,
        "bic": identifiers.bic,
    }
    clean = dict(fields)
    for name, check in checks.items():
        if name in clean and clean[name] is not None:
            clean[name] = check(clean[name])
    if clean.get("siret") and not clean.get("siren"):
        clean["siren"] = clean["siret"][:9]
    if clean.get("siret") and clean["siret"][:9] != clean.get("siren"):
        raise ValidationError("The SIRET does not start with the SIREN.", field="siret")
    if "currency" in clean:
        clean["currency"] = check_currency(clean["currency"])
    for name in ("share_capital", "late_penalty_rate", "write_off_tolerance"):
        if clean.get(name) not in (None, ""):
            clean[name] = to_decimal(clean[name], field=name)
    return clean


def company_create(*, slug: str, name: str, actor=None, **fields) -> Company:
    """Create a company with its default numbering series. Locks nothing (new rows)."""
    from solde.invoicing.models import Series

    if not slug or not slug.replace("-", "").replace("_", "").isalnum():
        raise ValidationError("A company slug is letters, digits, - and _.", field="slug")
    if not name.strip():
        raise ValidationError("A company needs a name.", field="name")
    clean = _identity(fields)
    try:
        with transaction.atomic():
            company = Company.objects.create(slug=slug, name=name.strip(), **clean)
            for kind, (series_name, pattern) in DEFAULT_SERIES.items():
                Series.objects.create(company=company, kind=kind, name=series_name, pattern=pattern)
            audit_record(
                company=company,
                actor=actor,
                action="company.create",
                obj=company,
                after={"slug": slug, "name": name, **clean},
            )
    except IntegrityError as exc:
        raise Conflict(f"A company with slug {slug!r} already exists.", field="slug") from exc
    return company


def company_update(*, company: Company, actor=None, **fields) -> Company:
    """Change identity or terms. Locks the company row."""
    allowed = {f.name for f in Company._meta.fields} - {"id", "public_id", "slug", "created_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            f"Unknown company field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0]
        )
    clean = _identity(fields)
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        before = {key: getattr(locked, key) for key in clean}
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.save()
        audit_record(
            company=locked,
            actor=actor,
            action="company.update",
            obj=locked,
            before=before,
            after=clean,
        )
    return locked


def user_create(
    *, email: str, company: Company, role: str, password: str | None = None, actor=None
):
    """Create the user if new and give them a role in the company."""
    try:
        role = Role(role).value
    except ValueError as exc:
        raise ValidationError(f"Unknown role {role!r}.", field="role") from exc
    email = email.strip().lower()
    if "@" not in email:
        raise ValidationError(f"{email!r} is not an email address.", field="email")
    users = get_user_model()
    with transaction.atomic():
        user, created = users.objects.get_or_create(username=email, defaults={"email": email})
        if password:
            user.set_password(password)
            user.save()
        elif created:
            user.set_unusable_password()
            user.save()
        membership, _ = Membership.objects.update_or_create(
            company=company, user=user, defaults={"role": role}
        )
        audit_record(
            company=company,
            actor=actor,
            action="membership.set",
            obj=company,
            after={"email": email, "role": role},
        )
    return user


def role_of(user, company: Company) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(company=company, user=user).values_list("role", flat=True).first()
    )


def require(user, company: Company, action: Action) -> None:
    """Raise PermissionDenied unless the user's role allows the action."""
    if not can(role_of(user, company), action):
        raise PermissionDenied(f"Your role does not allow: {action.value}.")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(
    *, user, company: Company, scope: str = "read", actor=None
) -> tuple[ApiToken, str]:
    """A new API key; the clear key is returned once and never stored."""
    if scope not in {"read", "write"}:
        raise ValidationError("A token scope is read or write.", field="scope")
    if role_of(user, company) is None:
        raise PermissionDenied(f"{user} is not a member of {company.slug}.")
    key = "sk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            company=company, user=user, digest=_digest(key), prefix=key[:10], scope=scope
        )
        audit_record(
            company=company,
            actor=actor,
            action="token.create",
            obj=company,
            after={"user": user.email, "scope": scope, "prefix": token.prefix},
        )
    return token, key


def token_lookup(key: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("company", "user")
        .filter(digest=_digest(key), revoked_at__isnull=True)
        .first()
    )
