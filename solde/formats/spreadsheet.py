"""Writing tables of figures to CSV and XLSX, as a French accountant opens them.

A `Table` holds typed cells (text, whole numbers, Decimal amounts, dates); the writers
decide how each type is spelled:

- CSV: `;` separator, UTF-8 with a BOM (so Excel guesses the encoding), CRLF line ends,
  amounts with a decimal comma and no thousands separator ("1234,50"), dates dd/mm/yyyy.
  This is what French Excel and LibreOffice read as numbers and dates, and what Solde's
  own importers read back (formats.sheets: separator sniffed, decimal comma, dd/mm/yyyy).
  A dot ("1234.50") would be safer for other programs but French Excel takes it for text
  or, worse, a date; the accountant is the reader. Several tables are separated by an
  empty line, each with its header.
- XLSX: numbers are numeric cells shown with the currency's decimals, dates are dates,
  the header is bold and frozen, columns are sized to their content, and a title above
  the header says what the table is. Totals are written as values, not formulas, so
  they read the same in any program and equal the report's own figures.

Text that a spreadsheet would run as a formula (starting with = + - @) is written as
text: in CSV with a leading apostrophe, in XLSX as a string cell (CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

Cell = str | int | Decimal | date | None
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 6, 60


@dataclass(frozen=True)
class Table:
    name: str  # the worksheet's name in a workbook (at most 31 characters are kept)
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: tuple[str, ...] = ()  # XLSX: lines above the header (company, report, date)
    notes: tuple[str, ...] = ()  # XLSX: lines below the table
    bold: frozenset[int] = field(default_factory=frozenset)  # indexes of rows in bold
    decimals: int = 2  # the currency's decimals, for amounts

    def padded(self) -> list[tuple[Cell, ...]]:
        """The rows, each as wide as the header: every CSV line has as many cells."""
        width = len(self.header)
        return [tuple(row) + (None,) * (width - len(row)) for row in self.rows]


# -- CSV ------------------------------------------------------------------------------------


def _csv_cell(value: Cell, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.{decimals}f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def to_csv(tables: Sequence[Table]) -> bytes:
    """The tables as one CSV file (UTF-8 with BOM, `;`, decimal comma)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([_csv_cell(h, table.decimals) for h in table.header])
        for row in table.padded():
            writer.writerow([_csv_cell(v, table.decimals) for v in row])
    return out.getvalue().encode("utf-8-sig")


# -- XLSX -----------------------------------------------------------------------------------


def _amount_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _shown_width(value: Cell, decimals: int) -> int:
    """About how many characters the cell shows, to size its column."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        digits = len(f"{abs(value):.0f}")
        return digits + digits // 3 + decimals + 2
    if isinstance(value, date):
        return 10
    return len(str(value))


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_NAME_BAD.sub("-", name).strip("'")[:31] or "Sheet"
    unique, n = base, 1
    while unique.lower() in taken:
        n += 1
        unique = f"{base[: 31 - len(str(n)) - 1]} {n}"
    taken.add(unique.lower())
    return unique


def _write_cell(sheet, row: int, column: int, value: Cell, decimals: int, bold: bool):
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, Decimal):
        cell.number_format = _amount_format(decimals)
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _write_table(sheet, table: Table) -> None:
    from openpyxl.styles import Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    for number, line in enumerate(table.title, start=1):
        cell = _write_cell(sheet, number, 1, line, table.decimals, bold=True)
        cell.font = Font(bold=True, size=14 if number == 1 else 11)
    header_row = len(table.title) + (2 if table.title else 1)
    under = Border(bottom=Side(style="medium"))
    fill = PatternFill("solid", fgColor="DCE3EC")
    for column, text in enumerate(table.header, start=1):
        cell = _write_cell(sheet, header_row, column, text, table.decimals, bold=True)
        cell.border, cell.fill = under, fill
    rows = table.padded()
    for index, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            bold = index in table.bold
            _write_cell(sheet, header_row + 1 + index, column, value, table.decimals, bold)
    after = header_row + len(rows) + 2
    for offset, note in enumerate(table.notes):
        _write_cell(sheet, after + offset, 1, note, table.decimals, bold=False)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    for column, text in enumerate(table.header, start=1):
        shown = [len(text)] + [_shown_width(r[column - 1], table.decimals) for r in rows]
        width = min(max(max(shown) + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width
    _print_setup(sheet)


def _print_setup(sheet) -> None:
    """Landscape, as wide as the page: the accountant prints it."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def to_xlsx(tables: Sequence[Table], *, title: str = "", author: str = "") -> bytes:
    """The tables as one workbook, one worksheet each, in order."""
    from openpyxl import Workbook  # imported here: CSV writes need not pay for it

    book = Workbook()
    book.remove(book.active)
    book.properties.title = title or None
    book.properties.creator = author or None
    taken: set[str] = set()
    for table in tables:
        _write_table(book.create_sheet(_sheet_name(table.name, taken)), table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
