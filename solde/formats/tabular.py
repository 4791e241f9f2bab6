"""Reading customer and invoice spreadsheets (CSV or XLSX) exported by another tool.

French and English headers are both understood (accents, case, spaces, hyphens and
underscores do not matter); French number and date conventions too. The first problem
found stops the read with an InputError naming the file, the line and the column as
written in the file. Accepted columns: docs/import-formats.md.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency, currency_decimals

MAX_NUMBER_LENGTH = 35
DEFAULT_TERMS = timedelta(days=30)


@dataclass(frozen=True)
class CustomerRecord:
    line: int
    code: str
    name: str
    siren: str
    vat_number: str
    email: str
    kind: str
    address: str
    postal_code: str
    city: str
    country: str
    segment: str
    payment_terms_days: int | None
    iban: str


@dataclass(frozen=True)
class InvoiceRecord:
    line: int
    number: str
    customer_code: str
    customer_name: str
    siren: str
    issue_date: date
    due_date: date
    currency: str
    total_excl_tax: Decimal
    total_tax: Decimal
    total_incl_tax: Decimal
    amount_paid: Decimal
    payment_date: date | None
    kind: str


def _key(text: str) -> str:
    """A header reduced to lowercase ASCII letters and digits."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(alias): name for name, aliases in table.items() for alias in (name, *aliases)}


INVOICE_COLUMNS = _aliases(
    {
        "number": (
            "Numéro",
            "N°",
            "No",
            "Numéro de facture",
            "N° facture",
            "Facture",
            "invoice_number",
            "invoice number",
        ),
        "customer_name": ("Client", "Nom client", "Raison sociale", "customer", "customer name"),
        "customer_code": ("Code client", "Code", "customer code"),
        "siren": ("SIREN", "N° SIREN"),
        "issue_date": (
            "Date",
            "Date de facture",
            "Date facture",
            "Date d'émission",
            "invoice date",
            "date issued",
        ),
        "due_date": ("Échéance", "Date d'échéance", "Date échéance", "due date", "due"),
        "currency": ("Devise", "Monnaie"),
        "total_excl_tax": ("Montant HT", "Total HT", "HT", "net amount", "amount excl tax"),
        "total_tax": ("TVA", "Montant TVA", "Total TVA", "tax", "vat", "tax amount"),
        "total_incl_tax": ("Montant TTC", "Total TTC", "TTC", "total", "amount incl tax"),
        "amount_paid": ("Déjà payé", "Montant payé", "Payé", "Réglé", "paid", "amount paid"),
        "payment_date": ("Date de paiement", "Date paiement", "Date de règlement", "paid on"),
        "kind": ("Type", "Type de document", "document type"),
    }
)
CUSTOMER_COLUMNS = _aliases(
    {
        "code": ("Code client", "Code", "customer_code", "customer code"),
        "name": ("Nom", "Raison sociale", "Client", "Dénomination", "company name"),
        "siren": ("SIREN", "N° SIREN"),
        "vat_number": (
            "N° TVA",
            "TVA intracommunautaire",
            "Numéro de TVA",
            "N° TVA intracom",
            "vat",
            "vat number",
        ),
        "email": ("E-mail", "Email", "Courriel", "Mail"),
        "kind": ("Type", "Type de client"),
        "address": ("Adresse", "Adresse de facturation"),
        "postal_code": ("Code postal", "CP", "zip", "postcode"),
        "city": ("Ville", "Commune"),
        "country": ("Pays",),
        "segment": ("Segment", "Catégorie"),
        "payment_terms_days": ("Délai de paiement", "Délai", "payment terms", "terms days"),
        "iban": ("IBAN",),
    }
)
CREDIT_WORDS = {"avoir", "creditnote", "credit", "av"}
INVOICE_WORDS = {"facture", "invoice", "fa", ""}
PERSON_WORDS = {"particulier", "person", "personne", "individual"}
COMPANY_WORDS = {"societe", "entreprise", "company", "professionnel", "pro", ""}


# -- low level: rows, numbers, dates ------------------------------------------------------


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # French Excel's "CSV (séparateur: point-virgule)"


def _delimiter(header: str) -> str:
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    rows = [(number, [cell.strip() for cell in row]) for number, row in enumerate(reader, 1)]
    if not rows:
        raise InputError("the file is empty.", file=path.name)
    return rows[0][1], rows[1:]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Spreadsheet cells hold binary floats; a money cell typed as 1234.5 must come back
        # as "1234.5", not 1234.4999999: six decimals is past any amount's precision.
        return format(Decimal(str(round(value, 6))).normalize(), "f")
    return str(value).strip()


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"is not a readable XLSX file ({exc}).", file=path.name) from exc
    try:
        sheet = book.worksheets[0]
        rows = [
            (number, [_cell_text(v) for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
    finally:
        book.close()
    if not rows:
        raise InputError("the file is empty.", file=path.name)
    return rows[0][1], rows[1:]


def read_rows(path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (line number, cells) of each row, from CSV or XLSX."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    return _read_csv(path)


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|eur\b|EUR\b)")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_decimal(text: str, *, column: str, line: int, file: str) -> Decimal:
    """An amount as people type it: "1 234,56", "1.234,56", "1,234.56", "(12,50) €"."""
    raw = text
    text = _SPACES.sub("", _CURRENCY.sub("", text))
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = text.rpartition(decimal_mark)
        text = _ungroup(whole, thousands, raw, column, line, file) + "." + fraction
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif "," in text:
        text = _ungroup(text, ",", raw, column, line, file)
    if text.startswith("+"):
        text = text[1:]
    if not _NUMBER.match(text):
        raise InputError(f"{raw!r} is not an amount.", file=file, line=line, column=column)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern guards this
        raise InputError(f"{raw!r} is not an amount.", file=file, line=line, column=column) from exc
    return -value if negative else value


def _ungroup(whole: str, separator: str, raw: str, column: str, line: int, file: str) -> str:
    """Remove thousands separators, refusing groups that are not of three digits."""
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = digits.split(separator)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise InputError(f"{raw!r} is not an amount.", file=file, line=line, column=column)
    return sign + "".join(groups)


_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


def parse_date(text: str, *, column: str, line: int, file: str) -> date:
    """dd/mm/yyyy (or with - or .) or ISO yyyy-mm-dd; two-digit years are refused."""
    match = _DATE_DMY.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        match = _DATE_ISO.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError as exc:
        raise InputError(
            f"{text!r} is not a date that exists.", file=file, line=line, column=column
        ) from exc
    raise InputError(
        f"{text!r} is not a date (dd/mm/yyyy or yyyy-mm-dd).", file=file, line=line, column=column
    )


# -- mapping rows to fields ----------------------------------------------------------------


class _Sheet:
    """Rows of one file, read through a column mapping, with errors that point at cells."""

    def __init__(self, path, aliases: dict[str, str], required: tuple[str, ...]):
        self.file = Path(path).name
        headers, self.rows = read_rows(path)
        self.index: dict[str, int] = {}
        self.header: dict[str, str] = {}
        for position, title in enumerate(headers):
            name = aliases.get(_key(title))
            if name is None:
                continue
            if name in self.index:
                raise InputError(
                    f"columns {self.header[name]!r} and {title!r} both give {name}.",
                    file=self.file,
                    line=1,
                    column=title,
                )
            self.index[name], self.header[name] = position, title
        for name in required:
            if name not in self.index:
                self.missing(name)

    def missing(self, name: str):
        raise InputError(
            f"missing column {FRENCH_NAMES.get(name, name)!r} ({name}).",
            file=self.file,
            line=1,
            column=name,
        )

    def has(self, name: str) -> bool:
        return name in self.index

    def text(self, cells: list[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    def error(self, line: int, name: str, message: str) -> InputError:
        return InputError(message, file=self.file, line=line, column=self.header.get(name, name))

    def required(self, cells, line, name) -> str:
        value = self.text(cells, name)
        if not value:
            raise self.error(line, name, "this cell is empty.")
        return value

    def optional_amount(self, cells, line, name, currency: str) -> Decimal | None:
        """None when the column is absent or the cell empty."""
        return self.amount(cells, line, name, currency) if self.text(cells, name) else None

    def amount(self, cells, line, name, currency: str) -> Decimal:
        value = self.text(cells, name)
        if not value:
            raise self.error(line, name, "this cell is empty.")
        number = parse_decimal(value, column=self.header[name], line=line, file=self.file)
        places = currency_decimals(currency)
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise self.error(line, name, f"{value!r} has more than {places} decimals.")
        return number

    def day(self, cells, line, name) -> date | None:
        value = self.text(cells, name)
        if not value:
            return None
        return parse_date(value, column=self.header[name], line=line, file=self.file)

    def data_rows(self):
        for line, cells in self.rows:
            if any(cells):
                yield line, cells


# The French header named in "missing column" messages.
FRENCH_NAMES = {
    "number": "Numéro",
    "issue_date": "Date",
    "total_incl_tax": "Montant TTC",
    "customer_code": "Code client",
    "name": "Nom",
}


# -- invoices -------------------------------------------------------------------------------


def _invoice(sheet: _Sheet, line: int, cells: list[str]) -> InvoiceRecord:
    number = sheet.required(cells, line, "number")
    if len(number) > MAX_NUMBER_LENGTH:
        raise sheet.error(line, "number", f"{number!r} is over {MAX_NUMBER_LENGTH} characters.")
    try:
        currency = check_currency(sheet.text(cells, "currency") or "EUR")
    except ValidationError as exc:
        raise sheet.error(line, "currency", exc.message) from exc
    code, name = sheet.text(cells, "customer_code"), sheet.text(cells, "customer_name")
    siren = re.sub(r"\D", "", sheet.text(cells, "siren"))
    if not (code or name or siren):
        raise sheet.error(
            line,
            "customer_code" if sheet.has("customer_code") else "customer_name",
            "no customer code, name or SIREN on this row.",
        )
    issue = sheet.day(cells, line, "issue_date")
    if issue is None:
        raise sheet.error(line, "issue_date", "this cell is empty.")
    if sheet.has("due_date"):
        due = sheet.day(cells, line, "due_date")
        if due is None:
            raise sheet.error(line, "due_date", "this cell is empty.")
    else:
        due = issue + DEFAULT_TERMS
    excl = sheet.optional_amount(cells, line, "total_excl_tax", currency)
    tax = sheet.optional_amount(cells, line, "total_tax", currency)
    incl = sheet.amount(cells, line, "total_incl_tax", currency)
    kind_word = _key(sheet.text(cells, "kind"))
    if kind_word in CREDIT_WORDS:
        kind = "credit_note"
    elif kind_word in INVOICE_WORDS:
        kind = "credit_note" if not sheet.has("kind") and incl < 0 else "invoice"
    else:
        raise sheet.error(
            line, "kind", f"{sheet.text(cells, 'kind')!r} is neither a facture nor an avoir."
        )
    if excl is None and tax is None:
        excl, tax = incl, Decimal(0)
    elif excl is None:
        excl = incl - tax
    elif tax is None:
        tax = incl - excl
    elif excl + tax != incl:
        raise sheet.error(
            line, "total_incl_tax", f"{excl} + {tax} is not {incl}: the amounts do not add up."
        )
    if kind == "credit_note":
        excl, tax, incl = abs(excl), abs(tax), abs(incl)
    paid = sheet.optional_amount(cells, line, "amount_paid", currency) or Decimal(0)
    if not Decimal(0) <= paid <= incl:
        raise sheet.error(
            line, "amount_paid", f"the paid amount {paid} is not between 0 and the total {incl}."
        )
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


def read_invoices(path) -> list[InvoiceRecord]:
    sheet = _Sheet(path, INVOICE_COLUMNS, ("number", "issue_date", "total_incl_tax"))
    if not any(sheet.has(n) for n in ("customer_code", "customer_name", "siren")):
        sheet.missing("customer_code")
    records: list[InvoiceRecord] = []
    seen: dict[str, InvoiceRecord] = {}
    for line, cells in sheet.data_rows():
        record = _invoice(sheet, line, cells)
        first = seen.get(record.number)
        if first is None:
            seen[record.number] = record
            records.append(record)
        elif _without_line(first) != _without_line(record):
            raise sheet.error(
                line,
                "number",
                f"invoice {record.number} appears again (line "
                f"{first.line}) with other amounts or details.",
            )
    return records


def _without_line(record):
    return {k: v for k, v in record.__dict__.items() if k != "line"}


# -- customers ------------------------------------------------------------------------------


def _customer(sheet: _Sheet, line: int, cells: list[str]) -> CustomerRecord:
    kind_word = _key(sheet.text(cells, "kind"))
    if kind_word in PERSON_WORDS:
        kind = "person"
    elif kind_word in COMPANY_WORDS:
        kind = "company"
    else:
        raise sheet.error(
            line, "kind", f"{sheet.text(cells, 'kind')!r} is neither a société nor a particulier."
        )
    email = sheet.text(cells, "email")
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        raise sheet.error(line, "email", f"{email!r} is not an email address.")
    terms_text = sheet.text(cells, "payment_terms_days")
    terms = None
    if terms_text:
        digits = re.sub(r"\D", "", terms_text)
        if not digits:
            raise sheet.error(
                line, "payment_terms_days", f"{terms_text!r} is not a number of days."
            )
        terms = int(digits)
    return CustomerRecord(
        line=line,
        code=sheet.text(cells, "code"),
        name=sheet.required(cells, line, "name"),
        siren=re.sub(r"\D", "", sheet.text(cells, "siren")),
        vat_number=sheet.text(cells, "vat_number").replace(" ", "").upper(),
        email=email,
        kind=kind,
        address=sheet.text(cells, "address"),
        postal_code=sheet.text(cells, "postal_code"),
        city=sheet.text(cells, "city"),
        country=(sheet.text(cells, "country") or "FR").upper()[:2],
        segment=sheet.text(cells, "segment"),
        payment_terms_days=terms,
        iban=sheet.text(cells, "iban").replace(" ", "").upper(),
    )


def read_customers(path) -> list[CustomerRecord]:
    sheet = _Sheet(path, CUSTOMER_COLUMNS, ("name",))
    return [_customer(sheet, line, cells) for line, cells in sheet.data_rows()]
