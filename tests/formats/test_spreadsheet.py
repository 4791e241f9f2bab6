"""Tables written to CSV and XLSX as a French accountant opens them, and as Solde's own
importers read them back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from solde.formats.sheets import parse_date, parse_decimal
from solde.formats.spreadsheet import Table, to_csv, to_xlsx

D = Decimal

TABLE = Table(
    name="Balance âgée 2026-11-30",
    header=("Code", "Client", "Montant", "Échéance", "Jours"),
    rows=(
        ("ALPHA", "Alpha SA", D("1234.50"), date(2026, 11, 30), 3),
        ("", "=HYPERLINK(1)", D("-0.10"), None, None),
        ("", "Total", D("1234.40")),  # shorter than the header: padded
    ),
    title=("ACME SAS", "Balance âgée au 30/11/2026"),
    notes=("Non inclus : 70,00 USD",),
    bold=frozenset({2}),
)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_follows_french_conventions():
    content = to_csv([TABLE])
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert b"\r\n" in content
    assert _csv_rows(content) == [
        ["Code", "Client", "Montant", "Échéance", "Jours"],
        ["ALPHA", "Alpha SA", "1234,50", "30/11/2026", "3"],
        ["", "'=HYPERLINK(1)", "-0,10", "", ""],  # text, never a formula
        ["", "Total", "1234,40", "", ""],
    ]


def test_several_tables_are_separated_by_an_empty_line():
    other = Table(name="x", header=("A",), rows=(("b",),))
    assert _csv_rows(to_csv([TABLE, other]))[4:] == [[], ["A"], ["b"]]


def test_a_currency_without_decimals_is_written_without_them():
    table = Table(name="JPY", header=("Montant",), rows=((D("1500"),),), decimals=0)
    assert _csv_rows(to_csv([table])) == [["Montant"], ["1500"]]


@settings(deadline=None)  # the machine may be busy; the property is what matters
@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
)
def test_what_the_csv_says_solde_reads_back_exactly(amount, day):
    table = Table(name="t", header=("Montant", "Date"), rows=((amount, day),))
    _, (text, shown) = _csv_rows(to_csv([table]))
    where = {"column": "Montant", "line": 2, "file": "t.csv"}
    assert parse_decimal(text, **where) == amount
    assert parse_date(shown, **where) == day


def _sheet(content: bytes, name: str | None = None):
    book = load_workbook(io.BytesIO(content))
    return book[name] if name else book.worksheets[0]


def test_xlsx_cells_are_typed_numbers_and_dates_with_a_bold_frozen_header():
    sheet = _sheet(to_xlsx([TABLE], title="Balance âgée", author="ACME SAS"))
    assert sheet.title == "Balance âgée 2026-11-30"
    assert (sheet["A1"].value, sheet["A2"].value) == ("ACME SAS", "Balance âgée au 30/11/2026")
    assert sheet["A1"].font.bold
    assert [c.value for c in sheet[4]] == list(TABLE.header)  # after the title and a gap
    assert all(c.font.bold for c in sheet[4])
    assert sheet.freeze_panes == "A5"
    amount, day, days = sheet["C5"], sheet["D5"], sheet["E5"]
    assert (amount.data_type, D(str(amount.value)), amount.number_format) == (
        "n",
        D("1234.50"),
        "#,##0.00",
    )
    assert (day.value, day.number_format) == (datetime(2026, 11, 30), "DD/MM/YYYY")
    assert days.value == 3
    formula_like = sheet["B6"]
    assert (formula_like.value, formula_like.data_type) == ("=HYPERLINK(1)", "s")
    assert [c.value for c in sheet[7]][:3] == [None, "Total", 1234.4]
    assert sheet["B7"].font.bold and not sheet["B5"].font.bold
    assert sheet["A9"].value == "Non inclus : 70,00 USD"
    assert sheet.column_dimensions["B"].width >= len("=HYPERLINK(1)")
    assert sheet.page_setup.orientation == "landscape"


def test_sheet_names_are_made_valid_and_unique():
    tables = [Table(name="A/B: [x]", header=("A",), rows=()) for _ in range(2)]
    book = load_workbook(io.BytesIO(to_xlsx(tables)))
    assert book.sheetnames == ["A-B- -x-", "A-B- -x- 2"]


def test_workbook_properties_name_the_report_and_its_author():
    book = load_workbook(io.BytesIO(to_xlsx([TABLE], title="Balance âgée", author="ACME SAS")))
    assert (book.properties.title, book.properties.creator) == ("Balance âgée", "ACME SAS")
