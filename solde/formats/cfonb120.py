"""CFONB 120 statements ("relevé de compte sur support informatique"), from French banks.

A file is a run of fixed-width records of 120 characters: 01 the previous balance, 04 an
operation, 05 a complement of the operation just above (qualified: LIB label, NPY payer,
NBE beneficiary, RCN client reference…), 07 the new balance. Each statement is 01, its
04/05 records, then 07; a file may hold several accounts and days. Records come separated
by CRLF, LF or blank lines, or all on one line; editors that strip trailing spaces leave
shorter records, which are padded back (the blank zones are spaces anyway).

Amounts are 13 digits and a sign letter in the last position ("{" = +0, "A"…"I" = +1…+9,
"}" = −0, "J"…"R" = −1…−9), with the number of decimals the record states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency
from solde.formats.bankstatement import MAX_FILE_BYTES, Statement, StatementLine

FORMAT = "cfonb120"
WIDTH = 120
CODES = ("01", "04", "05", "07")  # previous balance, operation, its complement, new balance
_ORPHANS = {
    "04": "a 04 (operation) before any 01 (previous balance).",
    "07": "a 07 (new balance) without its 01 (previous balance).",
}

# Zones, 0-based, as the CFONB layout numbers them from 1 (bank code = positions 3-7).
_BANK, _BRANCH, _CURRENCY, _DECIMALS = slice(2, 7), slice(11, 16), slice(16, 19), slice(19, 20)
_ACCOUNT, _OPERATION_CODE, _DATE = slice(21, 32), slice(32, 34), slice(34, 40)
_VALUE_DATE, _LABEL, _ENTRY_NUMBER = slice(42, 48), slice(48, 79), slice(81, 88)
_AMOUNT, _REFERENCE = slice(90, 104), slice(104, 120)
_QUALIFIER, _COMPLEMENT = slice(45, 48), slice(48, 118)  # 05 records

_SIGNS = {c: (1, d) for d, c in enumerate("{ABCDEFGHI")} | {
    c: (-1, d) for d, c in enumerate("}JKLMNOPQR")
}
# 05 qualifiers that are not text for the remittance: names, identifiers, amounts.
_NAMES = {"NPY", "NBE", "NPO", "NBU"}
_NOT_TEXT = _NAMES | {"IPY", "IBE", "MMO", "FEE", "CBE", "BDB"}


@dataclass(frozen=True)
class _Record:
    text: str
    line: int
    number: int  # its rank in the file, for messages
    length: int  # as found, before padding


@dataclass
class _Open:
    """A statement between its 01 and its 07."""

    first: _Record
    opening: Decimal
    currency: str
    operations: list[tuple[_Record, list[_Record]]] = field(default_factory=list)


def sniff(head: bytes) -> bool:
    """Fixed-width CFONB records (a record code, a bank code), 120 wide; or 240 wide, which
    `read` then refuses with a message that says what the file is."""
    lines = [line for line in re.split(rb"\r\n|\n|\r", head) if line.strip()]
    if not lines or not re.match(rb"\d{7}", lines[0]):
        return False
    widths = {len(line) for line in lines[:-1]} or {len(lines[0])}  # the last may be cut
    return all(90 <= width <= WIDTH or width % WIDTH == 0 for width in widths)


def read(data: bytes, *, file: str = "statement") -> list[Statement]:
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"is over {MAX_FILE_BYTES // 2**20} MB: refused.", file=file)
    statements: list[Statement] = []
    current: _Open | None = None
    for record in _records(_decode(data), file):
        code = record.text[:2]
        if code == "05":
            if current is None or not current.operations:
                raise _error("a 05 (complement) without a 04 (operation) above.", record, file)
            current.operations[-1][1].append(record)
        elif code == "01":
            if current is not None:
                raise _error(
                    f"a new 01 (previous balance) before the 07 (new balance) of the statement "
                    f"opened at record {current.first.number}.",
                    record,
                    file,
                )
            _date(record, _DATE, "date", file)  # each record's faults are told in file order
            current = _Open(record, _amount(record, file), _currency(record, "EUR", file))
        elif current is None:
            raise _error(_ORPHANS[code], record, file)
        elif code == "04":
            _line(record, [], current.currency, file)
            current.operations.append((record, []))
        else:
            statements.append(_statement(current, record, file))
            current = None
    if current is not None:
        raise _error(
            "the statement opened here has no 07 (new balance): the file is incomplete.",
            current.first,
            file,
        )
    if not statements:
        raise InputError("holds no CFONB 120 statement.", file=file)
    return statements


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # what bank systems write; maps every byte


def _records(text: str, file: str) -> list[_Record]:
    records: list[_Record] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        if not line.strip():
            continue
        if len(line) <= WIDTH:
            pieces = [line]
        elif len(line) % WIDTH == 0 and all(
            line[i : i + 2] in CODES for i in range(0, len(line), WIDTH)
        ):
            pieces = [line[i : i + WIDTH] for i in range(0, len(line), WIDTH)]
        elif len(line) % 240 == 0:
            raise InputError(
                "is CFONB 240 (transfer orders), not a CFONB 120 statement.", file=file, line=number
            )
        else:
            raise InputError(
                f"record of {len(line)} characters; CFONB 120 records have 120.",
                file=file,
                line=number,
            )
        for piece in pieces:
            record = _Record(piece.ljust(WIDTH), number, len(records) + 1, len(piece))
            if piece[:2] not in CODES:
                raise _error(
                    f"record code {piece[:2]!r} is not 01, 04, 05 or 07.", record, file, "code"
                )
            records.append(record)
    return records


def _error(message: str, record: _Record, file: str, column: str | None = None) -> InputError:
    where = f"record {record.number}: " if record.number != record.line else ""
    if record.length < WIDTH and column:
        message = f"{message[:-1]} (the record has {record.length} characters, not {WIDTH})."
    return InputError(where + message, file=file, line=record.line, column=column)


def _statement(current: _Open, closing: _Record, file: str) -> Statement:
    first = current.first
    lines = tuple(
        _line(op, complements, current.currency, file) for op, complements in current.operations
    )
    closing_amount = _amount(closing, file)
    warnings = []
    total = current.opening + sum((line.amount for line in lines), Decimal(0))
    if total != closing_amount:
        warnings.append(
            f"previous balance {current.opening} + operations = {total}, but the new balance "
            f"is {closing_amount} (records {first.number} to {closing.number})."
        )
    if closing.text[_ACCOUNT] != first.text[_ACCOUNT]:
        warnings.append(
            f"the 07 of record {closing.number} is for account {closing.text[_ACCOUNT].strip()}, "
            f"the 01 for {first.text[_ACCOUNT].strip()}."
        )
    return Statement(
        account=_account(first.text[_BANK], first.text[_BRANCH], first.text[_ACCOUNT]),
        currency=current.currency,
        lines=lines,
        opening_balance=current.opening,
        opening_date=_date(first, _DATE, "date", file),
        closing_balance=closing_amount,
        closing_date=_date(closing, _DATE, "date", file),
        format=FORMAT,
        warnings=tuple(warnings),
    )


def _line(
    operation: _Record, complements: list[_Record], currency: str, file: str
) -> StatementLine:
    text = operation.text
    amount = _amount(operation, file)
    qualified = [(c.text[_QUALIFIER], " ".join(c.text[_COMPLEMENT].split())) for c in complements]
    names = {qualifier: value for qualifier, value in reversed(qualified) if qualifier in _NAMES}
    # The counterparty is the payer of money received, the beneficiary of money paid out.
    preferred = ("NPY", "NBE") if amount > 0 else ("NBE", "NPY")
    name = next((names[q] for q in preferred if names.get(q)), "")
    remittance = [" ".join(text[_LABEL].split())]
    remittance += [value for qualifier, value in qualified if qualifier not in _NOT_TEXT and value]
    # RCN holds the client's reference (35 characters) then the purpose; REF the bank's.
    references = {c.text[_QUALIFIER]: c.text[_COMPLEMENT] for c in reversed(complements)}
    structured = references.get("RCN", "")[:35].strip() or references.get("REF", "").strip()
    # bank_ref: the 16-character reference zone (positions 105-120), else the bank's entry
    # number (positions 82-88) when it is not left at zero.
    entry = text[_ENTRY_NUMBER].strip()
    bank_ref = text[_REFERENCE].strip() or (entry if entry.strip("0") else "")
    value_date = None  # mandatory in the layout, but left blank by some banks
    if text[_VALUE_DATE].strip(" 0"):
        value_date = _date(operation, _VALUE_DATE, "date de valeur", file)
    where = f"line {operation.line}"
    return StatementLine(
        booking_date=_date(operation, _DATE, "date comptable", file),
        amount=amount,
        currency=_currency(operation, currency, file),
        value_date=value_date,
        bank_ref=bank_ref,
        counterparty_name=name,
        remittance=" ".join(part for part in remittance if part),
        structured_ref=structured,
        bank_code=text[_OPERATION_CODE].strip(),
        source=where
        if operation.number == operation.line
        else f"{where}, record {operation.number}",
    )


def _amount(record: _Record, file: str) -> Decimal:
    zone = record.text[_AMOUNT]
    decimals = record.text[_DECIMALS]
    if decimals == " ":
        decimals = "2"  # older files leave it blank on 01/07: euros
    if not decimals.isdigit():
        raise _error(f"{decimals!r} is not a number of decimals.", record, file, "decimals")
    sign = _SIGNS.get(zone[-1])
    if sign is None or not zone[:-1].isdigit() or not zone[:-1].isascii():
        raise _error(f"{zone!r} is not an amount (13 digits and a sign).", record, file, "amount")
    value = Decimal(int(zone[:-1] + str(sign[1]))).scaleb(-int(decimals))
    return value if sign[0] > 0 else -value


def _currency(record: _Record, default: str, file: str) -> str:
    code = record.text[_CURRENCY]
    if not code.strip():
        return default  # blank on older 01/07 records
    try:
        return check_currency(code)
    except ValidationError as exc:
        raise _error(exc.message, record, file, "currency") from exc


def _date(record: _Record, zone: slice, name: str, file: str) -> date:
    text = record.text[zone]
    if text.isdigit() and text.isascii():
        year = int(text[4:])
        try:
            return date(2000 + year if year < 70 else 1900 + year, int(text[2:4]), int(text[:2]))
        except ValueError:
            pass
    raise _error(f"{text!r} is not a date (DDMMYY).", record, file, name)


def _account(bank: str, branch: str, number: str) -> str:
    """The IBAN computed from the RIB parts (FR, check digits, RIB with its key), if it can be."""
    rib = f"{bank.strip()} {branch.strip()} {number.strip()}".strip()
    if not re.fullmatch(r"\d{10}[0-9A-Z]{11}", bank + branch + number):
        return rib
    try:
        return IBAN.generate("FR", bank_code=bank + branch, account_code=number).compact
    except SchwiftyException:
        return rib
