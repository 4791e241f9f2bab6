"""Reading spreadsheet files (CSV or XLSX) into rows of text cells, and parsing the
numbers and dates people type in them, French conventions included.

Used by tabular.py (customers and invoices) and later by bank CSV statements.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from solde.core.errors import InputError

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
Rows = list[tuple[int, list[str]]]

# -- rows: CSV and XLSX ---------------------------------------------------------------------


def read_rows(path: Path | str) -> tuple[list[str], Rows]:
    """The header cells and each following row as (line number, stripped cells).

    XLSX (first sheet) by extension, CSV otherwise. The header is the first non-empty row.
    Line numbers are the file's own (CSV lines, spreadsheet rows), so that messages point
    where a person will look; empty rows are kept (as empty lists or empty cells).
    """
    headers, rows, _ = read_table(Path(path))
    return headers, rows


def read_table(path: Path) -> tuple[list[str], Rows, int]:
    suffix = path.suffix.lower()
    if suffix in {".xls", ".ods", ".numbers"}:
        raise InputError(
            f"{suffix} files are not read: save the sheet as .xlsx or CSV.", file=path.name
        )
    rows = _xlsx_rows(path) if suffix in XLSX_SUFFIXES else _csv_rows(path)
    for position, (line, cells) in enumerate(rows):
        if any(cells):
            return cells, rows[position + 1 :], line
    raise InputError("the file is empty.", file=path.name)


def decode_text(raw: bytes, file: str) -> str:
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")  # Excel's "Unicode text" export
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("cp1252")  # French Excel's "CSV (séparateur: point-virgule)"
    except UnicodeDecodeError as exc:
        raise InputError("is neither UTF-8 nor Windows-1252 text.", file=file) from exc


_SEP_HINT = re.compile(r"sep=(.)\r?\n")  # Excel's optional first line, e.g. "sep=;"
DELIMITERS = ";,\t"


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return counts


def sniff_delimiter(text: str) -> str:
    """The separator among ; , and tab: the Sniffer's choice, checked against the header.

    Data rows are full of decimal commas, which can mislead the Sniffer; header names
    almost never hold a separator, so the header's most frequent one wins when the
    Sniffer disagrees, and the Sniffer only settles ties.
    """
    sample = text[:65536].splitlines()
    header = next((line for line in sample if line.strip()), "")
    counts = _count_outside_quotes(header)
    best = max(DELIMITERS, key=counts.__getitem__)
    try:
        sniffed = csv.Sniffer().sniff("\n".join(sample[:50]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if not counts[best]:
        return ";"  # a one-column file: whatever its rows hold, nothing is to be split
    return sniffed if sniffed and counts[sniffed] == counts[best] else best


def _csv_rows(path: Path) -> Rows:
    text = decode_text(path.read_bytes(), path.name)
    hint = _SEP_HINT.match(text)
    offset = 1 if hint else 0
    delimiter = hint.group(1) if hint else sniff_delimiter(text)
    reader = csv.reader(
        io.StringIO(text[hint.end() :] if hint else text, newline=""), delimiter=delimiter
    )
    rows: Rows = []
    start = 1  # a quoted cell may span lines: a row is numbered by its first line
    try:
        for cells in reader:
            rows.append((start + offset, [cell.strip() for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(
            f"is not readable CSV ({exc}).", file=path.name, line=start + offset
        ) from exc
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # XLSX stores every number as a binary float: this is the one place floats are
        # taken, because the format has no decimal type. Rounding to 6 places (past any
        # currency's 3) recovers what was typed: 1234.5 -> "1234.5", not 1234.4999999.
        return format(Decimal(str(round(value, 6))).normalize(), "f")
    return str(value).strip()


def _xlsx_rows(path: Path) -> Rows:
    from openpyxl import load_workbook  # imported here: CSV reads need not pay for it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"is not a readable XLSX file ({exc}).", file=path.name) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some tools write a wrong <dimension>: trust the cells
        # iter_rows yields an empty row for each missing one, so counting gives row numbers.
        return [
            (number, [_cell_text(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
    finally:
        book.close()


# -- values: amounts and dates ----------------------------------------------------------------

_UNIFY = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2019": "'", "\u2212": "-"})
_PLAIN = re.compile(r"-?(?:\d+(?:[.,]\d+)?|[.,]\d+)")
_UNSIGNED = re.compile(r"\d+(?:[.,]\d+)?|[.,]\d+")
# Groups of three after a thousands separator, used the same way throughout ("\3").
_GROUPED = re.compile(r"(\d{1,3})((?:([ '.,])\d{3})(?:\3\d{3})*)(?:([.,])(\d+))?")
_CURRENCY = re.compile(r"^(?:€|eur)\s*|\s*(?:€|eur)$", re.IGNORECASE)


def parse_decimal(text: str, *, column: str, line: int, file: str) -> Decimal:
    """An amount as people type it: "1 234,56", "1.234,56", "1,234.56", "(12,50) €".

    A lone "," or "." followed by digits is the decimal mark, so "1,234" is 1.234 (and
    refused later for a 2-decimal currency) rather than silently 1234.
    """
    if _PLAIN.fullmatch(text):  # the common case, kept fast
        return Decimal(text.replace(",", "."))
    value = _amount(text)
    if value is None:
        raise InputError(f"{text!r} is not an amount.", file=file, line=line, column=column)
    return value


def _strip_currency(text: str) -> str:
    if text[:1].isdigit() and text[-1:].isdigit():
        return text  # nothing to strip: skip the pattern for most cells
    return _CURRENCY.sub("", text).strip()


def _amount(text: str) -> Decimal | None:
    rest = _strip_currency(text.translate(_UNIFY))
    negative = False
    if rest.startswith("(") and rest.endswith(")"):  # accountants' negative
        negative, rest = True, _strip_currency(rest[1:-1])
    if rest[:1] in ("-", "+"):
        if negative:
            return None  # "(-12)": two minus signs
        negative, rest = rest[0] == "-", _strip_currency(rest[1:])
    if _UNSIGNED.fullmatch(rest):
        digits = rest.replace(",", ".")
    else:
        match = _GROUPED.fullmatch(rest)
        if match is None or match[3] == match[4]:
            return None
        digits = match[1] + match[2].replace(match[3], "") + (f".{match[5]}" if match[4] else "")
    value = Decimal(digits)
    return -value if negative else value


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # exports sometimes append 00:00:00
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_SHORT_YEAR = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}")


def parse_date(text: str, *, column: str, line: int, file: str) -> date:
    """dd/mm/yyyy (or with - or .) or ISO yyyy-mm-dd; two-digit years are refused."""
    if match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _ISO.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        reason = (
            "has a two-digit year, which is ambiguous: write the year in full"
            if _SHORT_YEAR.fullmatch(text)
            else "is not a date (dd/mm/yyyy or yyyy-mm-dd expected)"
        )
        raise InputError(f"{text!r} {reason}.", file=file, line=line, column=column)
    try:
        if 1900 <= year <= 2199:  # anything else is a typo, such as 0026 for 2026
            return date(year, month, day)
    except ValueError:
        pass
    raise InputError(f"{text!r} is not a date that exists.", file=file, line=line, column=column)
