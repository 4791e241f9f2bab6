"""Reading customer and invoice spreadsheets (CSV or XLSX) exported by another tool.

French and English headers are both understood (accents, case, spaces, hyphens and
underscores do not matter); French number and date conventions too. The first problem
found stops the read with an InputError naming the file, the line and the column as
written in the file. Accepted columns and values: docs/import-formats.md.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from solde.core import identifiers
from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency, currency_decimals, quantize
from solde.formats.sheets import (
    XLSX_SUFFIXES,
    parse_date,
    parse_decimal,
    read_rows,
    read_table,
)

__all__ = [
    "CustomerRecord",
    "InvoiceRecord",
    "parse_date",
    "parse_decimal",
    "read_customers",
    "read_invoices",
    "read_rows",
]

MAX_NUMBER_LENGTH = 35
DEFAULT_TERMS = timedelta(days=30)


@dataclass(frozen=True)
class CustomerRecord:
    line: int  # 1-based line in the file (the header is line 1)
    code: str  # external customer code, "" if absent
    name: str
    siren: str  # 9 digits, "" if absent
    vat_number: str
    email: str
    kind: str  # "company" or "person"
    address: str
    postal_code: str
    city: str
    country: str  # ISO 3166 alpha-2
    segment: str
    payment_terms_days: int | None  # None: the company's default terms
    iban: str


@dataclass(frozen=True)
class InvoiceRecord:
    line: int
    number: str
    customer_code: str
    customer_name: str
    siren: str
    issue_date: date
    due_date: date  # issue date + 30 days when the file has no due date column
    currency: str
    total_excl_tax: Decimal  # always >= 0, also for credit notes (see `kind`)
    total_tax: Decimal
    total_incl_tax: Decimal
    amount_paid: Decimal
    payment_date: date | None
    kind: str  # "invoice" or "credit_note"


# -- headers -------------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _key(text: str) -> str:
    """Text reduced to lowercase ASCII letters and digits: "Échéance" -> "echeance"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", plain.lower())


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for name, aliases in table.items():
        for alias in (name, *aliases):
            other = keys.setdefault(_key(alias), name)
            # One header must never mean two fields: fail at import, not on a user's file.
            assert other == name, f"header {alias!r} given to both {other} and {name}"
    return keys


# The first alias is the French name used in "missing column" messages.
INVOICE_HEADERS = {
    "number": ("Numéro", "N°", "No", "Numéro de facture", "N° facture", "Facture")
    + ("invoice", "invoice number", "invoice no"),
    "customer_name": ("Client", "Nom client", "Nom du client", "Raison sociale", "customer"),
    "customer_code": ("Code client", "Code", "N° client", "Numéro client", "customer code"),
    "siren": ("SIREN", "N° SIREN", "SIREN client"),
    "issue_date": ("Date", "Date de facture", "Date facture", "Date d'émission", "invoice date"),
    "due_date": ("Échéance", "Date d'échéance", "Date échéance", "due date", "due"),
    "currency": ("Devise", "Monnaie"),
    "total_excl_tax": ("Montant HT", "Total HT", "HT", "net amount", "amount excl tax"),
    "total_tax": ("TVA", "Montant TVA", "Total TVA", "tax", "vat", "tax amount"),
    "total_incl_tax": ("Montant TTC", "Total TTC", "TTC", "total", "amount incl tax"),
    "amount_paid": ("Déjà payé", "Montant payé", "Payé", "Réglé", "paid", "amount paid"),
    "payment_date": ("Date de paiement", "Date paiement", "Date de règlement", "paid on"),
    "kind": ("Type", "Type de document", "document type"),
}
CUSTOMER_HEADERS = {
    "name": ("Nom", "Raison sociale", "Client", "Dénomination", "company name"),
    "code": ("Code client", "Code", "N° client", "customer code"),
    "siren": ("SIREN", "N° SIREN"),
    "vat_number": ("N° TVA", "TVA intracommunautaire", "N° TVA intracommunautaire", "TVA")
    + ("Numéro de TVA", "N° TVA intracom", "TVA intracom", "vat", "vat id"),
    "email": ("E-mail", "Email", "Courriel", "Mail"),
    "kind": ("Type", "Type de client"),
    "address": ("Adresse", "Adresse de facturation"),
    "postal_code": ("Code postal", "CP", "zip", "zip code", "postcode"),
    "city": ("Ville", "Commune"),
    "country": ("Pays",),
    "segment": ("Segment", "Catégorie"),
    "payment_terms_days": ("Délai de paiement", "Délai", "payment terms", "terms days"),
    "iban": ("IBAN",),
}
INVOICE_COLUMNS = _aliases(INVOICE_HEADERS)
CUSTOMER_COLUMNS = _aliases(CUSTOMER_HEADERS)

# Values of the Type column, after _key(). "FA"/"AV" are French accounting journal codes,
# 380/381 the UNTDID 1001 codes used by e-invoicing tools.
INVOICE_WORDS = {"facture", "invoice", "fa", "380"}
CREDIT_WORDS = {"avoir", "facturedavoir", "creditnote", "credit", "notedecredit", "av", "381"}
COMPANY_WORDS = {"societe", "entreprise", "company", "business", "professionnel", "pro"}
PERSON_WORDS = {"particulier", "person", "personne", "individual", "consumer"}

# The database columns' sizes, checked here so a long cell is named with its line.
MAX_LENGTHS = {"code": 50, "customer_code": 50, "name": 200, "customer_name": 200}
MAX_LENGTHS |= {"address": 300, "postal_code": 20, "city": 100, "segment": 50, "email": 254}


# -- mapping rows to fields -------------------------------------------------------------------

_MAX_AMOUNT = Decimal("1e15")  # the database keeps 15 digits before the decimal point


class _Sheet:
    """Rows of one file read through a column mapping, with errors that point at cells."""

    def __init__(self, path: Path | str, columns: dict[str, str], names: dict[str, tuple]):
        path = Path(path)
        self.file = path.name
        self.names = names
        headers, self.rows, self.header_line = read_table(path)
        self.width = len(headers)
        # A CSV row longer than its header means a separator inside a value (a decimal
        # comma in a comma-separated file): every later cell would be misread.
        self.check_width = path.suffix.lower() not in XLSX_SUFFIXES
        self.index: dict[str, int] = {}
        self.header: dict[str, str] = {}
        for position, title in enumerate(headers):
            name = columns.get(_key(title))
            if name is None:
                continue  # unknown columns are someone else's business
            if name in self.index:
                raise InputError(
                    f"columns {self.header[name]!r} and {title!r} both give the {name}.",
                    file=self.file,
                    line=self.header_line,
                    column=title,
                )
            self.index[name], self.header[name] = position, title

    def require_column(self, *choices: str) -> None:
        if not any(name in self.index for name in choices):
            expected = " or ".join(repr(self.names[name][0]) for name in choices)
            raise InputError(
                f"missing column {expected} ({' or '.join(choices)}).",
                file=self.file,
                line=self.header_line,
                column=choices[0],
            )

    def has(self, name: str) -> bool:
        return name in self.index

    def error(self, line: int, name: str, message: str) -> InputError:
        return InputError(message, file=self.file, line=line, column=self.header.get(name, name))

    def data_rows(self):
        for line, cells in self.rows:
            if not any(cells):
                continue
            if self.check_width and len(cells) > self.width and any(cells[self.width :]):
                raise InputError(
                    f"this row has {len(cells)} cells but the header has {self.width}: is a "
                    "separator inside an unquoted value (such as a decimal comma)?",
                    file=self.file,
                    line=line,
                )
            yield line, cells

    def text(self, cells: list[str], line: int, name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        value = cells[position]
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            raise self.error(line, name, f"this cell is over {limit} characters.")
        return value

    def required(self, cells: list[str], line: int, name: str) -> str:
        value = self.text(cells, line, name)
        if not value:
            raise self.error(line, name, "this cell is empty.")
        return value

    def amount(self, cells: list[str], line: int, name: str, currency: str) -> Decimal | None:
        """None when the column is absent or the cell empty."""
        value = self.text(cells, line, name)
        if not value:
            return None
        number = parse_decimal(value, column=self.header[name], line=line, file=self.file)
        if abs(number) >= _MAX_AMOUNT:
            raise self.error(line, name, f"{value!r} is too large an amount.")
        exact = number.quantize(_minor_unit(currency))
        if exact != number:  # refused rather than rounded: the file says something else
            places = currency_decimals(currency)
            raise self.error(line, name, f"{value!r} has more than {places} decimals.")
        return exact

    def day(self, cells: list[str], line: int, name: str) -> date | None:
        value = self.text(cells, line, name)
        if not value:
            return None
        return parse_date(value, column=self.header[name], line=line, file=self.file)

    def siren(self, cells: list[str], line: int) -> str:
        siren, problem = _siren(self.text(cells, line, "siren"))
        if problem:
            raise self.error(line, "siren", problem)
        return siren


_ID_SEPARATORS = re.compile(r"[\s.\-]")


@cache
def _minor_unit(currency: str) -> Decimal:
    return quantize(Decimal(0), currency)  # Decimal("0.00") for EUR: core.money decides


@lru_cache(maxsize=4096)  # one customer's SIREN repeats on each of its invoices
def _siren(text: str) -> tuple[str, str]:
    """The SIREN and "", or "" and why the text is not one."""
    value = _ID_SEPARATORS.sub("", text)
    try:
        if len(value) == 14:  # a SIRET: its first nine digits are the SIREN
            return identifiers.siret(value)[:9], ""
        return identifiers.siren(value), ""
    except ValidationError as exc:
        return "", exc.message


# -- invoices ---------------------------------------------------------------------------------


def read_invoices(path: Path | str) -> list[InvoiceRecord]:
    """Invoice and credit note rows; an identical repeated row is kept once."""
    sheet = _Sheet(path, INVOICE_COLUMNS, INVOICE_HEADERS)
    for name in ("number", "issue_date", "total_incl_tax"):
        sheet.require_column(name)
    sheet.require_column("customer_code", "customer_name", "siren")
    records: list[InvoiceRecord] = []
    seen: dict[str, InvoiceRecord] = {}
    for line, cells in sheet.data_rows():
        record = _invoice(sheet, line, cells)
        first = seen.get(record.number)
        if first is None:
            seen[record.number] = record
            records.append(record)
        elif dataclasses.replace(record, line=first.line) != first:
            raise sheet.error(
                line,
                "number",
                f"duplicated number {record.number!r} with another amount or other details "
                f"than line {first.line}.",
            )
    return records


def _invoice(sheet: _Sheet, line: int, cells: list[str]) -> InvoiceRecord:
    number = sheet.required(cells, line, "number")
    if len(number) > MAX_NUMBER_LENGTH:
        raise sheet.error(line, "number", f"{number!r} is over {MAX_NUMBER_LENGTH} characters.")
    code = sheet.text(cells, line, "customer_code")
    name = sheet.text(cells, line, "customer_name")
    siren = sheet.siren(cells, line)
    if not (code or name or siren):
        column = next(n for n in ("customer_code", "customer_name", "siren") if sheet.has(n))
        raise sheet.error(line, column, "no customer code, name or SIREN on this row.")
    try:
        currency = check_currency(sheet.text(cells, line, "currency") or "EUR")
    except ValidationError as exc:
        raise sheet.error(line, "currency", exc.message) from exc

    issue = sheet.day(cells, line, "issue_date")
    if issue is None:
        raise sheet.error(line, "issue_date", "this cell is empty.")
    if sheet.has("due_date"):
        due = sheet.day(cells, line, "due_date")
        if due is None:
            raise sheet.error(line, "due_date", "this cell is empty.")
        if due < issue:
            raise sheet.error(line, "due_date", "the due date is before the issue date.")
    else:
        due = issue + DEFAULT_TERMS

    excl = sheet.amount(cells, line, "total_excl_tax", currency)
    tax = sheet.amount(cells, line, "total_tax", currency)
    incl = sheet.amount(cells, line, "total_incl_tax", currency)
    if incl is None:
        raise sheet.error(line, "total_incl_tax", "this cell is empty.")
    # Without HT and TVA the file only knows the total: it is recorded as HT, with no VAT.
    if excl is None and tax is None:
        excl, tax = incl, incl - incl
    elif excl is None:
        excl = incl - tax
    elif tax is None:
        tax = incl - excl
    elif excl + tax != incl:
        raise sheet.error(
            line,
            "total_incl_tax",
            f"the amounts do not add up: {excl} + {tax} = {excl + tax}, not {incl}.",
        )

    kind = _invoice_kind(sheet, cells, line, incl)
    paid = sheet.amount(cells, line, "amount_paid", currency)
    if paid is None:
        paid = incl - incl
    if kind == "credit_note":  # stored positive, whichever sign the file uses
        if incl < 0:
            excl, tax, incl = -excl, -tax, -incl
        paid = abs(paid)
    for field, value in (("total_excl_tax", excl), ("total_tax", tax)):
        if value < 0:
            raise sheet.error(line, field, f"{value} does not have the sign of the total.")
    if not 0 <= paid <= incl:
        raise sheet.error(line, "amount_paid", f"{paid} is not between 0 and the total {incl}.")

    return InvoiceRecord(
        line=line,
        number=number,
        customer_code=code,
        customer_name=name,
        siren=siren,
        issue_date=issue,
        due_date=due,
        currency=currency,
        total_excl_tax=excl,
        total_tax=tax,
        total_incl_tax=incl,
        amount_paid=paid,
        payment_date=sheet.day(cells, line, "payment_date"),
        kind=kind,
    )


def _invoice_kind(sheet: _Sheet, cells: list[str], line: int, total: Decimal) -> str:
    """The Type cell decides; without one (no column, or empty) the total's sign does."""
    word = _key(sheet.text(cells, line, "kind"))
    if word in CREDIT_WORDS:
        return "credit_note"
    if word in INVOICE_WORDS:
        if total < 0:
            raise sheet.error(
                line, "total_incl_tax", "a negative total on an invoice: is it an 'avoir'?"
            )
        return "invoice"
    if word:
        text = sheet.text(cells, line, "kind")
        raise sheet.error(line, "kind", f"{text!r} is neither 'facture' nor 'avoir'.")
    return "credit_note" if total < 0 else "invoice"


# -- customers --------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[^@\s;,<>]+")
_DAYS = re.compile(r"(\d{1,3})\s*(?:j|jours?|d|days?)?\.?", re.IGNORECASE)
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}


@cache
def _countries() -> dict[str, str]:
    """ISO codes and French and English country names (as _key) to the ISO code."""
    from babel import Locale

    found: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, label in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                found[_key(code)] = found[_key(label)] = code
    return found


def read_customers(path: Path | str) -> list[CustomerRecord]:
    sheet = _Sheet(path, CUSTOMER_COLUMNS, CUSTOMER_HEADERS)
    sheet.require_column("name")
    return [_customer(sheet, line, cells) for line, cells in sheet.data_rows()]


def _customer(sheet: _Sheet, line: int, cells: list[str]) -> CustomerRecord:
    text = sheet.text
    name = sheet.required(cells, line, "name")
    kind_text = text(cells, line, "kind")
    word = _key(kind_text)
    if word in PERSON_WORDS:
        kind = "person"
    elif word in COMPANY_WORDS or not word:
        kind = "company"
    else:
        raise sheet.error(line, "kind", f"{kind_text!r} is neither 'société' nor 'particulier'.")

    email = text(cells, line, "email")
    if email and not _EMAIL.fullmatch(email):
        raise sheet.error(line, "email", f"{email!r} is not an email address.")

    country_text = text(cells, line, "country")
    country = _countries().get(_key(country_text)) if country_text else "FR"
    if country is None:
        raise sheet.error(line, "country", f"{country_text!r} is not a country (such as FR).")
    postal_code = text(cells, line, "postal_code")
    if country == "FR" and len(postal_code) == 4 and postal_code.isdigit():
        postal_code = "0" + postal_code  # a number cell lost the zero of 01000

    terms_text = text(cells, line, "payment_terms_days")
    terms = None
    if terms_text:
        match = _DAYS.fullmatch(terms_text)
        if match is None or int(match[1]) > 365:
            raise sheet.error(
                line, "payment_terms_days", f"{terms_text!r} is not a number of days (30, 45 j)."
            )
        terms = int(match[1])

    vat_number = text(cells, line, "vat_number")
    iban = text(cells, line, "iban")
    try:
        vat_number = identifiers.vat_number(_ID_SEPARATORS.sub("", vat_number).upper())
    except ValidationError as exc:
        raise sheet.error(line, "vat_number", exc.message) from exc
    try:
        iban = identifiers.iban(iban)
    except ValidationError as exc:
        raise sheet.error(line, "iban", exc.message) from exc

    return CustomerRecord(
        line=line,
        code=text(cells, line, "code"),
        name=name,
        siren=sheet.siren(cells, line),
        vat_number=vat_number,
        email=email,
        kind=kind,
        address=text(cells, line, "address").replace("\r\n", "\n"),
        postal_code=postal_code,
        city=text(cells, line, "city"),
        country=country,
        segment=text(cells, line, "segment"),
        payment_terms_days=terms,
        iban=iban,
    )
