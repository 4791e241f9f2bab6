"""Checking and normalising company and bank identifiers (SIREN, SIRET, VAT, IBAN, BIC)."""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from solde.core.errors import ValidationError


def _checked(value: str, validate, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return validate(value)
    except StdnumError as exc:
        raise ValidationError(f"{value!r} is not a valid {label} ({exc}).", field=field) from exc


def siren(value: str, field: str = "siren") -> str:
    return _checked(value, fr_siren.validate, field, "SIREN")


def siret(value: str, field: str = "siret") -> str:
    return _checked(value, fr_siret.validate, field, "SIRET")


def vat_number(value: str, field: str = "vat_number") -> str:
    return _checked(value, vatin.validate, field, "intra-EU VAT number")


def iban(value: str, field: str = "iban") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationError(f"{value!r} is not a valid IBAN ({exc}).", field=field) from exc


def bic(value: str, field: str = "bic") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return BIC(value).compact
    except SchwiftyException as exc:
        raise ValidationError(f"{value!r} is not a valid BIC ({exc}).", field=field) from exc
