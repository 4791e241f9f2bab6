"""Bank statements exported as CSV, read through a column mapping.

A `CsvMapping` says which column holds what (columns by header name, or by position for
files without a header) and how values are written; it round-trips through JSON so a
mapping can be kept per bank account. `PRESETS` are the exports of the main French banks
and neobanks (docs/bank-csv.md says where each layout comes from). Without a mapping, the
header row is matched against the presets, then against common French and English names.
French conventions are the default: ";", decimal comma, dd/mm/yyyy, "1 234,56 €".
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal

from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency, currency_decimals
from solde.formats import sheets
from solde.formats.bankstatement import MAX_FILE_BYTES, Statement, StatementLine
from solde.formats.sheets import parse_date, parse_decimal

FORMAT = "csv"
Column = str | int  # a header name ("Débit|Debit": the first one present) or a 0-based position
_HEADER_SEARCH = 40  # rows in which the header is looked for, below a bank's own lines
_MAX_AMOUNT = Decimal("1e15")
_SEP_HINT = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)  # Excel's "sep=;" first line


@dataclass(frozen=True)
class CsvMapping:
    date: Column
    amount: Column | None = None  # signed; or debit and credit columns
    debit: Column | None = None  # money out, whatever its sign in the file
    credit: Column | None = None
    direction: Column | None = None  # a column whose value says debit ("D") or credit
    debit_marks: tuple[str, ...] = ("D", "DEBIT", "DBIT")
    value_date: Column | None = None
    date_format: str | None = None  # strptime format; None: dd/mm/yyyy or yyyy-mm-dd
    label: tuple[Column, ...] = ()  # joined with spaces into the remittance
    counterparty_name: Column | None = None
    counterparty_iban: Column | None = None
    reference: Column | None = None  # the bank's reference: bank_ref
    currency_column: Column | None = None
    currency: str = "EUR"  # the statement's, and of lines without a currency cell
    balance: Column | None = None  # the running balance after each line
    status: Column | None = None
    skip_statuses: tuple[str, ...] = ()  # rows whose status is one of these are not booked
    account: str = ""  # CSV exports seldom say which account they are
    delimiter: str | None = None  # None: sniffed
    encoding: str | None = None  # None: UTF-8 (with or without BOM), else Windows-1252
    decimal: str | None = None  # "," or "."; None: sniffed from the amounts
    skip_rows: int | None = None  # rows above the header; None: found by the column names
    skip_footer: int = 0
    has_header: bool = True
    invert_sign: bool = False  # credit-card exports count spending as positive

    def __post_init__(self):
        if (self.amount is None) == (self.debit is None and self.credit is None):
            raise ValidationError(
                "give either an amount column or debit/credit columns.", field="amount"
            )
        if self.direction is not None and self.amount is None:
            raise ValidationError("a direction column needs an amount column.", field="direction")
        if self.decimal not in (None, ",", "."):
            raise ValidationError(
                f"decimal must be ',' or '.', not {self.decimal!r}.", field="decimal"
            )
        if self.delimiter is not None and len(self.delimiter) != 1:
            message = f"delimiter must be one character, not {self.delimiter!r}."
            raise ValidationError(message, field="delimiter")
        if (self.skip_rows or 0) < 0 or self.skip_footer < 0:
            raise ValidationError(
                "skip_rows and skip_footer cannot be negative.", field="skip_rows"
            )
        if not self.has_header and any(isinstance(c, str) for c in self._columns()):
            message = "without a header, columns are given by position (0, 1…)."
            raise ValidationError(message, field="has_header")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError as exc:
                message = f"unknown encoding {self.encoding!r}."
                raise ValidationError(message, field="encoding") from exc
        check_currency(self.currency)

    def _columns(self) -> list[Column]:
        named = (getattr(self, name) for name in _COLUMN_FIELDS)
        return [column for column in (*named, *self.label) if column is not None]

    def to_dict(self) -> dict:
        return {key: list(v) if isinstance(v, tuple) else v for key, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> CsvMapping:
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(data) - known):
            raise ValidationError(f"unknown mapping keys: {', '.join(unknown)}.")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        try:
            return cls(**values)
        except TypeError as exc:
            raise ValidationError(f"invalid mapping ({exc}).") from exc


_COLUMN_FIELDS = tuple(f.name for f in fields(CsvMapping) if f.type in ("Column", "Column | None"))

PRESETS: dict[str, CsvMapping] = {
    "bnp_paribas": CsvMapping(
        date="Date operation",
        label=("Libelle operation",),
        amount="Montant operation en euro|Montant operation",
        decimal=",",
    ),
    "societe_generale": CsvMapping(
        date="Date de l'opération",
        label=("Libellé", "Détail de l'écriture"),
        amount="Montant de l'opération",
        currency_column="Devise",
        decimal=",",
    ),
    "credit_agricole": CsvMapping(
        date="Date", label=("Libellé",), debit="Débit euros", credit="Crédit euros", decimal=","
    ),
    "lcl": CsvMapping(date=0, amount=1, label=(2, 3, 4), has_header=False, decimal=","),
    "caisse_epargne_banque_populaire": CsvMapping(
        date="Date de comptabilisation",
        value_date="Date de valeur",
        label=("Libelle operation", "Informations complementaires"),
        reference="Reference",
        debit="Debit",
        credit="Credit",
        decimal=",",
    ),
    "la_banque_postale": CsvMapping(
        date="Date", label=("Libellé",), amount="Montant(EUROS)", decimal=","
    ),
    "credit_mutuel_cic": CsvMapping(
        date="Date",
        value_date="Date de valeur",
        label=("Libellé",),
        debit="Débit",
        credit="Crédit",
        balance="Solde",
        decimal=",",
    ),
    "credit_mutuel_cic_montant": CsvMapping(
        date="Date",
        value_date="Date de valeur",
        label=("Libellé",),
        amount="Montant",
        balance="Solde",
        decimal=",",
    ),
    "boursorama": CsvMapping(
        date="dateOp",
        value_date="dateVal",
        label=("label",),
        counterparty_name="supplierFound",
        amount="amount",
        decimal=",",
    ),
    "qonto": CsvMapping(
        date="Settlement date (UTC)|Settlement date (local)|Operation date (UTC)",
        label=("Counterparty name", "Reference"),
        counterparty_name="Counterparty name",
        reference="Transaction ID",
        amount="Total amount (incl. VAT)",
        currency_column="Currency",
        status="Status",
        skip_statuses=("pending", "declined", "canceled", "cancelled", "reversed"),
        decimal=".",
    ),
    "shine": CsvMapping(
        date="Date d'opération",
        value_date="Date de la valeur",
        label=("Libellé",),
        counterparty_name="Nom de la contrepartie",
        reference="Transaction ID",
        debit="Débit",
        credit="Crédit",
        decimal=",",
    ),
    "revolut_business": CsvMapping(
        date="Date completed (UTC)",
        label=("Description", "Reference"),
        counterparty_name="Payer",
        counterparty_iban="Beneficiary IBAN",
        reference="ID",
        amount="Total amount|Amount",
        currency_column="Payment currency",
        status="State",
        skip_statuses=("pending", "declined", "reverted", "failed", "cancelled"),
        decimal=".",
    ),
    "n26": CsvMapping(
        date="Booking Date|Date",
        label=("Payment Reference",),
        counterparty_name="Partner Name|Payee",
        counterparty_iban="Partner Iban|Account number",
        amount="Amount (EUR)",
        decimal=".",
    ),
}

# Header names of a generic export, as keys (see _key), per field.
_ALIASES = {
    "date": "date dateoperation datedoperation datedeloperation dateop datecomptable "
    "datedecomptabilisation bookingdate transactiondate operationdate",
    "value_date": "datevaleur datedevaleur dateval valuedate",
    "amount": "montant amount montanteur montanteuros montantdeloperation montantoperation",
    "debit": "debit debiteur debiteuros montantdebit",
    "credit": "credit crediteur crediteuros montantcredit",
    "label": "libelle libelleoperation description label intitule details detail motif",
    "counterparty_name": "contrepartie nomdelacontrepartie counterparty counterpartyname "
    "beneficiaire tiers payee partnername",
    "counterparty_iban": "iban ibancontrepartie counterpartyiban partneriban",
    "reference": "reference ref numerodoperation transactionid",
    "currency_column": "devise currency monnaie",
    "balance": "solde balance",
}
_ALIAS_KEYS = {name: set(words.split()) for name, words in _ALIASES.items()}


def _key(text: str) -> str:
    """A header reduced to lowercase ASCII letters and digits: "Débit €" -> "debit"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _head_text(head: bytes) -> str:
    """The first bytes as text, as read() would decode them (a cut last character aside)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the 4 KB window
            return head[: exc.start].decode("utf-8-sig", "replace")
    return head.decode("cp1252", "replace")


def sniff(head: bytes) -> bool:
    text = _SEP_HINT.sub("", _head_text(head), count=1)
    lines = [line for line in text.splitlines() if line.strip()][:15]
    for delimiter in sheets.DELIMITERS:
        for line in lines:
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if len(cells) >= 2 and _layout(cells) is not None:
                return True
    return False


def read(
    data: bytes, *, file: str = "statement", mapping: CsvMapping | None = None
) -> list[Statement]:
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"is over {MAX_FILE_BYTES // 2**20} MB: refused.", file=file)
    text, offset, hint = _text(data, mapping, file)
    if not text.strip():
        return [_empty(mapping)]
    told = mapping.delimiter if mapping and mapping.delimiter else hint
    delimiters = [told] if told else []
    if mapping is None:
        mapping, rows, header = _recognise(text, offset, delimiters, file)
    else:
        rows, header = _mapped(text, offset, mapping, delimiters, file)
    if header is None:  # no header row: data from the first row not skipped
        body = rows[mapping.skip_rows or 0 :] if not mapping.has_header else []
    else:
        body = rows[header + 1 :]
    body = [(line, cells) for line, cells in body if any(c.strip() for c in cells)]
    body = body[: len(body) - mapping.skip_footer]
    if not body:
        return [_empty(mapping)]
    return _Reader(mapping, rows[header][1] if header is not None else [], file).read(body)


# sheets.py keeps these two private; wrapped here until it makes them public.
def _text(data: bytes, mapping: CsvMapping | None, file: str) -> tuple[str, int, str | None]:
    if mapping and mapping.encoding:
        try:
            text = data.decode(mapping.encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"is not {mapping.encoding} text ({exc}).", file=file) from exc
    else:
        text = sheets.decode_text(data, file)
    text = text.removeprefix("\ufeff")
    hint = _SEP_HINT.match(text)
    return (text[hint.end() :], 1, hint[1]) if hint else (text, 0, None)


def _rows(text: str, delimiter: str, offset: int, file: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1  # a quoted cell may span lines: a row is numbered by its first line
    try:
        for cells in reader:
            rows.append((start + offset, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"is not readable CSV ({exc}).", file=file, line=start + offset) from exc
    return rows


def _delimiters(text: str) -> list[str]:
    return list(dict.fromkeys((sheets.sniff_delimiter(text), *sheets.DELIMITERS)))


def _recognise(text: str, offset: int, delimiters: list[str], file: str):
    missing = "no known column layout, a column mapping is needed"
    rows, index = _header_row(text, offset, delimiters, file, _layout, missing)
    return _layout(rows[index][1]), rows, index


def _header_row(text, offset: int, delimiters: list[str], file: str, fits, missing: str):
    """The rows and the index of the first row that `fits`, trying each delimiter."""
    tried = [_rows(text, delimiter, offset, file) for delimiter in delimiters or _delimiters(text)]
    for rows in tried:
        for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH]):
            if fits(cells):
                return rows, index
    first = next((cells for _, cells in tried[0] if any(c.strip() for c in cells)), [])
    found = ", ".join([repr(c.strip()) for c in first if c.strip()][:12]) or "none"
    raise InputError(f"{missing} (columns found: {found}).", file=file)


def _keys(cells: list[str]) -> dict[str, int]:
    return {_key(cell): i for i, cell in enumerate(cells) if cell.strip()}


def _layout(cells: list[str]) -> CsvMapping | None:
    """The preset whose columns are all in this header row, else a generic mapping."""
    presets = sorted(PRESETS.values(), key=lambda m: -len(m._columns()))
    for preset in presets:
        if preset.has_header and _fits(preset, cells):
            return preset
    found = {
        name: [cell for cell in cells if _key(cell) in words] for name, words in _ALIAS_KEYS.items()
    }
    if not found["date"] or not (found["amount"] or found["debit"] or found["credit"]):
        return None
    single = {name: found[name][0] if found[name] else None for name in found if name != "label"}
    if single["amount"]:
        single["debit"] = single["credit"] = None
    return CsvMapping(**single, label=tuple(found["label"]), decimal=None)


def _index(column: Column, keys: dict[str, int]) -> int | None:
    if isinstance(column, int):
        return column
    return next((keys[k] for alt in column.split("|") if (k := _key(alt)) in keys), None)


def _mapped(text: str, offset: int, mapping: CsvMapping, delimiters: list[str], file: str):
    """The rows and the header's index, trying the delimiters until the header fits."""
    if not mapping.has_header or mapping.skip_rows is not None:
        skipped = "\n".join(text.splitlines()[mapping.skip_rows or 0 :])
        rows = _rows(
            text, delimiters[0] if delimiters else sheets.sniff_delimiter(skipped), offset, file
        )
        if not mapping.has_header:
            return rows, None
        return rows, mapping.skip_rows if mapping.skip_rows < len(rows) else None
    names = ", ".join(repr(c) for c in mapping._columns())
    missing = f"the mapping's columns ({names}) are not all in one header row"
    return _header_row(text, offset, delimiters, file, lambda cells: _fits(mapping, cells), missing)


def _fits(mapping: CsvMapping, cells: list[str]) -> bool:
    keys = _keys(cells)
    return all(_index(column, keys) is not None for column in mapping._columns())


def _empty(mapping: CsvMapping | None) -> Statement:
    if mapping is None:
        return Statement(account="", currency="EUR", format=FORMAT)
    return Statement(account=mapping.account, currency=mapping.currency, format=FORMAT)


class _Reader:
    """The data rows of one file, read with one mapping."""

    def __init__(self, mapping: CsvMapping, header: list[str], file: str):
        self.mapping, self.header, self.file = mapping, header, file
        keys = _keys(header)
        self.labels = [_index(c, keys) for c in mapping.label]
        self.index: dict[str, int] = {}
        for name in _COLUMN_FIELDS:
            if (column := getattr(mapping, name)) is not None:
                if (found := _index(column, keys)) is None:
                    raise InputError(f"no column {column!r} in the header.", file=file)
                self.index[name] = found
        self.debit_marks = {mark.upper() for mark in mapping.debit_marks}
        self.decimal = mapping.decimal

    def error(self, message: str, number: int, field_name: str | None = None) -> InputError:
        column = self.name(field_name) if field_name in self.index else None
        return InputError(message, file=self.file, line=number, column=column)

    def name(self, field_name: str) -> str:
        i = self.index[field_name]
        return self.header[i].strip() if i < len(self.header) else f"column {i + 1}"

    def cell(self, cells: list[str], field_name: str) -> str:
        i = self.index.get(field_name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def read(self, body: list[tuple[int, list[str]]]) -> list[Statement]:
        if self.decimal is None:
            money = ("amount", "debit", "credit", "balance")
            self.decimal = _decimal_mark([self.cell(c, f) for _, c in body for f in money])
        skipped = {status.lower() for status in self.mapping.skip_statuses}
        by_currency: dict[str, list[tuple[StatementLine, Decimal | None]]] = {}
        for number, cells in body:
            if "status" in self.index and self.cell(cells, "status").lower() in skipped:
                continue
            line = self.line(number, cells)
            balance = self.money(cells, "balance", number, line.currency)
            by_currency.setdefault(line.currency, []).append((line, balance))
        if not by_currency:
            return [_empty(self.mapping)]
        return [self.statement(currency, rows) for currency, rows in by_currency.items()]

    def line(self, number: int, cells: list[str]) -> StatementLine:
        currency = self.cell(cells, "currency_column").upper() or self.mapping.currency
        try:
            currency = check_currency(currency)
        except ValidationError as exc:
            raise self.error(exc.message, number, "currency_column") from exc
        if "amount" in self.index:
            amount = self.money(cells, "amount", number, currency)
            if amount is None:
                raise self.error("no amount.", number, "amount")
            if "direction" in self.index:
                debit = self.cell(cells, "direction").upper() in self.debit_marks
                amount = -abs(amount) if debit else abs(amount)
        else:
            debit = self.money(cells, "debit", number, currency)
            credit = self.money(cells, "credit", number, currency)
            if debit is None and credit is None:
                raise self.error("no amount, neither debit nor credit.", number)
            amount = abs(credit or Decimal(0)) - abs(debit or Decimal(0))
        label = " ".join(cells[i] for i in self.labels if i is not None and i < len(cells))
        value_date = self.cell(cells, "value_date")
        return StatementLine(
            booking_date=self.date(cells, "date", number),
            amount=-amount if self.mapping.invert_sign else amount,
            currency=currency,
            value_date=self.date(cells, "value_date", number) if value_date else None,
            bank_ref=self.cell(cells, "reference"),
            counterparty_name=" ".join(self.cell(cells, "counterparty_name").split()),
            counterparty_iban=self.cell(cells, "counterparty_iban").replace(" ", "").upper(),
            remittance=" ".join(label.split()),
            source=f"line {number}",
        )

    def date(self, cells: list[str], field_name: str, number: int) -> date:
        text, column = self.cell(cells, field_name), self.name(field_name)
        if not text:
            raise self.error("no date.", number, field_name)
        if self.mapping.date_format is None:
            return parse_date(text, column=column, line=number, file=self.file)
        try:
            parsed = time.strptime(text, self.mapping.date_format)
        except ValueError as exc:
            message = f"{text!r} is not a date as {self.mapping.date_format!r}."
            raise self.error(message, number, field_name) from exc
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)

    def money(self, cells: list[str], field_name: str, number: int, currency: str):
        """The cell's amount with the currency's decimals, or None when the cell is empty."""
        text = self.cell(cells, field_name)
        if not text:
            return None
        plain = re.sub(r"^(?:[A-Z]{3}|[$£])\s*|\s*(?:[A-Z]{3}|[$£])$", "", text)
        if self.decimal:  # the other mark can only be a thousands separator
            plain = plain.replace("." if self.decimal == "," else ",", "")
        value = parse_decimal(plain, column=self.name(field_name), line=number, file=self.file)
        places = currency_decimals(currency)
        if abs(value) >= _MAX_AMOUNT:
            raise self.error(f"{text!r} is too large.", number, field_name)
        if -value.as_tuple().exponent > places:
            raise self.error(f"{text!r} has more decimals than {currency} has.", number, field_name)
        return value.quantize(Decimal(1).scaleb(-places))

    def statement(self, currency: str, rows: list[tuple[StatementLine, Decimal | None]]):
        lines = tuple(line for line, _ in rows)
        opening = closing = opening_date = closing_date = None
        warnings: list[str] = []
        if "balance" in self.index and all(balance is not None for _, balance in rows):
            if lines[0].booking_date > lines[-1].booking_date:
                rows = rows[::-1]  # newest first, as many banks list them
            (first, first_balance), (last, closing) = rows[0], rows[-1]
            opening = first_balance - first.amount
            opening_date, closing_date = first.booking_date, last.booking_date
            for (_, before), (line, after) in zip(rows, rows[1:], strict=False):
                if before + line.amount != after:
                    warnings.append(
                        f"the balance of {line.source} is {after}, not {before + line.amount}."
                    )
                    break
        return Statement(
            account=self.mapping.account,
            currency=currency,
            lines=lines,
            opening_balance=opening,
            opening_date=opening_date,
            closing_balance=closing,
            closing_date=closing_date,
            format=FORMAT,
            warnings=tuple(warnings),
        )


def _decimal_mark(values: list[str]) -> str | None:
    """ "," or "." when the amounts agree on it (a mark followed by one or two digits)."""
    marks = {m[1] for v in values if (m := re.search(r"\d([.,])\d{1,2}\D*$", v))}
    return marks.pop() if len(marks) == 1 else None
