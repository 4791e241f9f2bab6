"""Use cases for companies, users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import io
import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from lxml import etree

from solde.audit.services import audit_record
from solde.companies.models import ApiToken, Company, Membership
from solde.core import clock, identifiers
from solde.core.errors import Conflict, PermissionDenied, ValidationError
from solde.core.money import check_currency, to_decimal
from solde.core.roles import Action, Role, can

DEFAULT_SERIES = {
    "invoice": ("Factures", "FA-{YYYY}-{SEQ:05}"),
    "credit_note": ("Avoirs", "AV-{YYYY}-{SEQ:05}"),
    "quote": ("Devis", "DE-{YYYY}-{SEQ:05}"),
}


LOGO_MAX_BYTES = 1024 * 1024
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# What an SVG logo may point to: its own elements and inline bitmaps, nothing else.
_INLINE = ("#", "data:image/png;", "data:image/jpeg;")
_OUTSIDE_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


def _svg_problem(content: bytes) -> str | None:
    """Why an SVG logo is refused, or None. The PDF renderer draws it, so it may not
    reach outside itself: no DTD or entities, scripts, event handlers, foreign content
    or references to other files and URLs (only #fragments and inline data: images)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError:
        return "The SVG logo is not well-formed XML."
    if root.tag not in (f"{_SVG}svg", "svg"):
        return "The file is not an SVG image."
    if root.getroottree().docinfo.doctype:
        return "An SVG logo may not have a DOCTYPE."
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(element).localname
        if name in {"script", "foreignObject"}:
            return f"An SVG logo may not contain <{name}>."
        for attribute, value in element.attrib.items():
            if etree.QName(attribute).localname.lower().startswith("on"):
                return "An SVG logo may not contain event handlers."
            if attribute in ("href", _XLINK_HREF) and not value.startswith(_INLINE):
                return "An SVG logo may not refer to other files or addresses."
        texts = [*element.attrib.values(), *([element.text or ""] if name == "style" else [])]
        if any("@import" in text or _OUTSIDE_URL.search(text) for text in texts):
            return "An SVG logo may not refer to other files or addresses."
    return None


def _logo(upload) -> File | str:
    """A checked logo file named by its type, or "" (no logo) for an empty value.

    PNG and JPEG must open as images; SVG must pass _svg_problem. At most 1 MB.
    """
    if upload in (None, ""):
        return ""
    if getattr(upload, "size", 0) > LOGO_MAX_BYTES:
        raise ValidationError("The logo is over 1 MB.", field="logo")
    upload.seek(0)
    content = upload.read(LOGO_MAX_BYTES + 1)
    if len(content) > LOGO_MAX_BYTES:
        raise ValidationError("The logo is over 1 MB.", field="logo")
    if content.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

        try:
            with Image.open(io.BytesIO(content)) as image:
                kind = {"PNG": "png", "JPEG": "jpg"}.get(image.format or "")
                image.verify()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            SyntaxError,
            ValueError,
        ) as exc:
            raise ValidationError("The logo file is damaged.", field="logo") from exc
    elif content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        problem = _svg_problem(content)
        if problem:
            raise ValidationError(problem, field="logo")
        kind = "svg"
    else:
        kind = None
    if kind is None:
        raise ValidationError("A logo is a PNG, JPEG or SVG image.", field="logo")
    return ContentFile(content, name=f"logo.{kind}")


def _contact(clean: dict) -> dict:
    """Check the name, emails, brand colour and sender name that are present."""
    if "name" in clean and not (clean["name"] or "").strip():
        raise ValidationError("A company needs a name.", field="name")
    for name in ("email", "email_reply_to"):
        if clean.get(name):
            clean[name] = clean[name].strip()
            try:
                validate_email(clean[name])
            except DjangoValidationError as exc:
                raise ValidationError(
                    f"{clean[name]!r} is not an email address.", field=name
                ) from exc
    if clean.get("brand_colour"):
        if not _COLOUR.match(clean["brand_colour"].strip()):
            raise ValidationError(
                "A colour is written #RRGGBB, for example #1f4e79.", field="brand_colour"
            )
        clean["brand_colour"] = clean["brand_colour"].strip().lower()
    if any(char in (clean.get("email_sender_name") or "") for char in '\r\n<>"'):
        raise ValidationError(
            "A sender name is one line, without < > or quotes.", field="email_sender_name"
        )
    if "logo" in clean:
        clean["logo"] = _logo(clean["logo"])
    fields = {field.name: field for field in Company._meta.fields}
    for name, value in clean.items():
        limit = getattr(fields.get(name), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            raise ValidationError(f"At most {limit} characters.", field=name)
    return clean


# The weekly digest's schedule: the local weekday (0 = Monday) and hour it is sent.
_DIGEST_NUMBERS = {"digest_weekday": (0, 6), "digest_hour": (0, 23)}


def _digest_schedule(clean: dict) -> dict:
    """Check the digest's weekday and hour that are present (numbers or digit strings)."""
    for name, (low, high) in _DIGEST_NUMBERS.items():
        if name not in clean:
            continue
        value = clean[name]
        text = "" if value is None or isinstance(value, bool) else str(value).strip()
        if not text.isdigit() or not low <= int(text) <= high:
            raise ValidationError(
                gettext("Enter a whole number from %(low)s to %(high)s.")
                % {"low": low, "high": high},
                field=name,
            )
        clean[name] = int(text)
    if "digest_enabled" in clean:
        clean["digest_enabled"] = bool(clean["digest_enabled"])
    return clean


def _audited(values: dict) -> dict:
    """Values as the audit trail keeps them: files by their name."""
    return {key: value.name if isinstance(value, File) else value for key, value in values.items()}


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
    for name in ("share_capital", "late_penalty_rate", "recovery_indemnity", "write_off_tolerance"):
        if name not in clean:
            continue
        field = Company._meta.get_field(name)
        if clean[name] in (None, ""):
            if not field.null:
                raise ValidationError("This value is required.", field=name)
            clean[name] = None
            continue
        value = to_decimal(clean[name], field=name, decimals=field.decimal_places)
        if value < 0 or value >= 10 ** (field.max_digits - field.decimal_places):
            raise ValidationError(f"{value} is out of range.", field=name)
        clean[name] = value
    if "payment_terms_days" in clean and clean["payment_terms_days"] in (None, ""):
        raise ValidationError("This value is required.", field="payment_terms_days")
    days = clean.get("payment_terms_days")
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365
    ):
        raise ValidationError(
            "Payment terms are a whole number of days, 0 to 365.", field="payment_terms_days"
        )
    return _contact(_digest_schedule(clean))


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
                after={"slug": slug, "name": name, **_audited(clean)},
            )
    except IntegrityError as exc:
        raise Conflict(f"A company with slug {slug!r} already exists.", field="slug") from exc
    return company


def company_update(*, company: Company, actor=None, **fields) -> Company:
    """Change identity, terms, logo or email settings. Locks the company row.

    `logo` is a file (PNG, JPEG or SVG, at most 1 MB), or "" to remove it; the file is
    written to storage before the commit, so a failed save may leave it unused there.
    """
    allowed = {f.name for f in Company._meta.fields} - {"id", "public_id", "slug", "created_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            f"Unknown company field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0]
        )
    clean = _identity(fields)
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        before = _audited({key: getattr(locked, key) for key in clean})
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.save()
        after = _audited({key: getattr(locked, key) for key in clean})
        changed = [key for key in clean if before[key] != after[key]]
        if changed:
            audit_record(
                company=locked,
                actor=actor,
                action="company.update",
                obj=locked,
                before={key: before[key] for key in changed},
                after={key: after[key] for key in changed},
            )
    return locked


def _role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError as exc:
        raise ValidationError(f"Unknown role {role!r}.", field="role") from exc


def _keep_an_owner(company: Company, leaving: Membership | None) -> None:
    """Refuse a change that takes the owner role from the company's last owner.

    The caller holds the company row's lock, so two owners cannot demote or remove
    each other at the same time."""
    if leaving is None or leaving.role != Role.OWNER:
        return
    others = Membership.objects.filter(company=company, role=Role.OWNER).exclude(pk=leaving.pk)
    if not others.exists():
        raise Conflict(
            "This is the company's last owner: make another member owner first.", field="role"
        )


def user_create(
    *, email: str, company: Company, role: str, password: str | None = None, actor=None
):
    """Create the user if new and give them a role in the company (a member already
    has their role changed). Locks the company row while checking an owner is left."""
    role = _role(role)
    email = email.strip().lower()
    if "@" not in email:
        raise ValidationError(f"{email!r} is not an email address.", field="email")
    users = get_user_model()
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        current = Membership.objects.filter(company=company, user__username=email).first()
        if current is not None and role != Role.OWNER:
            _keep_an_owner(company, current)
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


def membership_update(*, membership: Membership, role: str, actor=None) -> Membership:
    """Change a member's role. Locks the company row, then the membership."""
    role = _role(role)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=membership.company_id)
        locked = Membership.objects.select_for_update(of=("self",)).select_related(
            "user", "company"
        )
        locked = locked.get(pk=membership.pk)
        before = locked.role
        if role != Role.OWNER:
            _keep_an_owner(locked.company, locked)
        locked.role = role
        locked.save(update_fields=["role"])
        audit_record(
            company=locked.company,
            actor=actor,
            action="membership.set",
            obj=locked.company,
            before={"email": locked.user.email, "role": before},
            after={"email": locked.user.email, "role": role},
        )
    return locked


def membership_remove(*, membership: Membership, actor=None) -> None:
    """Take a user out of the company and revoke their API keys in it (the user stays:
    they may belong to other companies). Refuses to remove the last owner. Locks the
    company row, then the membership."""
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=membership.company_id)
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "company")
            .filter(pk=membership.pk)
            .first()
        )
        if locked is None:
            raise Conflict("This person is no longer a member.")
        _keep_an_owner(locked.company, locked)
        revoked = ApiToken.objects.filter(
            company=locked.company, user=locked.user, revoked_at__isnull=True
        ).update(revoked_at=clock.now())
        audit_record(
            company=locked.company,
            actor=actor,
            action="membership.remove",
            obj=locked.company,
            before={"email": locked.user.email, "role": locked.role},
            after={"revoked_tokens": revoked},
        )
        locked.delete()


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
