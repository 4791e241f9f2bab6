"""Reading spreadsheets of customers and invoices: conventions, headers, errors."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from solde.core.errors import InputError
from solde.formats import tabular
from solde.formats.tabular import (
    parse_date,
    parse_decimal,
    read_customers,
    read_invoices,
    read_rows,
)

D = Decimal
SAMPLES = Path(__file__).parent / "samples"
DOC = Path(__file__).parents[2] / "docs" / "import-formats.md"


def _file(tmp_path, text, encoding="utf-8", name="f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path, rows, name="f.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# -- amounts -----------------------------------------------------------------------------------

AMOUNTS = [
    ("1234.56", "1234.56"),
    ("1234,56", "1234.56"),
    ("1 234,56", "1234.56"),
    ("1\u00a0234,56", "1234.56"),
    ("1\u202f234,5", "1234.5"),
    ("1 234 567,89", "1234567.89"),
    ("1.234,56", "1234.56"),
    ("1.234.567,89", "1234567.89"),
    ("1,234.56", "1234.56"),
    ("1,234,567", "1234567"),
    ("1'234.56", "1234.56"),
    ("1\u2019234.56", "1234.56"),
    ("1 234", "1234"),
    ("-12,50", "-12.50"),
    ("\u221212,50", "-12.50"),
    ("(12,50)", "-12.50"),
    ("(1 234,56) €", "-1234.56"),
    ("12,50 €", "12.50"),
    ("12.50€", "12.50"),
    ("€12.50", "12.50"),
    ("-€12.50", "-12.50"),
    ("- 12,50 EUR", "-12.50"),
    ("EUR 7", "7"),
    ("7 eur", "7"),
    ("+3", "3"),
    ("0,5", "0.5"),
    (",5", "0.5"),
    ("1,234", "1.234"),  # a lone separator is the decimal mark: refused later for EUR
]


@pytest.mark.parametrize(("text", "value"), AMOUNTS)
def test_amounts_as_people_type_them(text, value):
    assert parse_decimal(text, column="c", line=2, file="f.csv") == D(value)


NOT_AMOUNTS = [
    "12,5x",
    "abc",
    "",
    "€",
    "1..2",
    "--1",
    "(-12)",
    "1 2 3,4,5",
    "12 34,5",  # groups of three only
    "1,234,5",
    "1.234.56",
    "1e5",
    "12,50 USD",
    "12-",
]


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_text_in_an_amount_is_refused(text):
    with pytest.raises(InputError, match="is not an amount") as caught:
        parse_decimal(text, column="Montant HT", line=7, file="f.csv")
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "f.csv",
        7,
        "Montant HT",
    )


@given(st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=2))
def test_french_formatting_parses_back(value):
    for group in (" ", "\u00a0", "\u202f"):
        whole, cents = f"{abs(value):,.2f}".split(".")
        text = ("-" if value < 0 else "") + whole.replace(",", group) + "," + cents
        assert parse_decimal(text, column="c", line=1, file="f") == value


@given(st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=2))
def test_german_and_english_formatting_parse_back(value):
    english = f"{value:,.2f}"
    german = english.translate(str.maketrans(",.", ".,"))
    for text in (english, german):
        assert parse_decimal(text, column="c", line=1, file="f") == value


# -- dates -------------------------------------------------------------------------------------

DATES = [
    ("03/01/2026", date(2026, 1, 3)),
    ("3/1/2026", date(2026, 1, 3)),
    ("3-1-2026", date(2026, 1, 3)),
    ("03.01.2026", date(2026, 1, 3)),
    ("2026-01-03", date(2026, 1, 3)),
    ("2026-01-03T00:00:00", date(2026, 1, 3)),
    ("03/01/2026 14:30", date(2026, 1, 3)),
    ("29/02/2028", date(2028, 2, 29)),
]


@pytest.mark.parametrize(("text", "value"), DATES)
def test_dates(text, value):
    assert parse_date(text, column="Date", line=2, file="f.csv") == value


WRONG_DATES = [
    ("31/02/2026", "is not a date that exists"),
    ("29/02/2026", "is not a date that exists"),
    ("01/13/2026", "is not a date that exists"),
    ("01/01/0026", "is not a date that exists"),
    ("03/01/26", "two-digit year"),
    ("03-01-26", "two-digit year"),
    ("03/01-2026", "is not a date"),
    ("2026/01/03", "is not a date"),
    ("demain", "is not a date"),
    ("2026-01-03 garbage", "is not a date"),
]


@pytest.mark.parametrize(("text", "reason"), WRONG_DATES)
def test_wrong_dates_are_refused(text, reason):
    with pytest.raises(InputError, match=reason) as caught:
        parse_date(text, column="Date", line=9, file="f.csv")
    assert (caught.value.file, caught.value.line, caught.value.column) == ("f.csv", 9, "Date")


# -- rows: encodings, separators, line numbers -------------------------------------------------

TABLE = [["Nom", "Ville"], ["Café Noël", "Orléans"], ["Dupont, Jean", "Lyon"]]
ENCODED = [
    ("semicolon, UTF-8", "Nom;Ville\nCafé Noël;Orléans\nDupont, Jean;Lyon\n", "utf-8"),
    ("semicolon, cp1252", "Nom;Ville\r\nCafé Noël;Orléans\r\nDupont, Jean;Lyon\r\n", "cp1252"),
    ("comma, BOM", '\ufeffNom,Ville\nCafé Noël,Orléans\n"Dupont, Jean",Lyon\n', "utf-8"),
    ("tab, UTF-16", "\ufeffNom\tVille\nCafé Noël\tOrléans\nDupont, Jean\tLyon\n", "utf-16-le"),
    ("Excel sep= line", 'sep=,\nNom,Ville\nCafé Noël,Orléans\n"Dupont, Jean",Lyon\n', "utf-8"),
]


@pytest.mark.parametrize(
    ("text", "encoding"), [c[1:] for c in ENCODED], ids=[c[0] for c in ENCODED]
)
def test_encodings_and_separators(tmp_path, text, encoding):
    headers, rows = read_rows(_file(tmp_path, text, encoding))
    assert [headers] + [cells for _, cells in rows] == TABLE


def test_the_header_decides_when_decimal_commas_crowd_the_rows(tmp_path):
    text = "a;b;c\n" + "1,5;2,5;3,5\n" * 5
    headers, rows = read_rows(_file(tmp_path, text))
    assert (headers, rows[0][1]) == (["a", "b", "c"], ["1,5", "2,5", "3,5"])


def test_csv_line_numbers_count_blank_lines_and_multiline_cells(tmp_path):
    text = '\nNom;Adresse\nA;"1 rue X\nBât. B"\n\nB;2 rue Y\n'
    headers, rows = read_rows(_file(tmp_path, text))
    assert headers == ["Nom", "Adresse"]
    assert [(line, cells[0]) for line, cells in rows if cells] == [(3, "A"), (6, "B")]


def test_xlsx_cells_and_row_numbers(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Montant", "Date", "Texte"])
    sheet["A3"], sheet["B3"], sheet["C3"] = 1234.5, datetime(2026, 4, 5, 10, 30), " x "
    sheet["A5"], sheet["B5"] = 0.1 + 0.2, date(2026, 4, 6)
    sheet["A6"] = 1000
    path = tmp_path / "f.xlsx"
    book.save(path)
    headers, rows = read_rows(path)
    assert headers == ["Montant", "Date", "Texte"]
    assert [(line, cells) for line, cells in rows if any(cells)] == [
        (3, ["1234.5", "2026-04-05", "x"]),
        (5, ["0.3", "2026-04-06"]),
        (6, ["1000"]),
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"\n\n", "empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save the sheet as .xlsx"),
        ("broken.xlsx", b"not a zip", "not a readable XLSX"),
    ],
)
def test_unreadable_files(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason) as caught:
        read_rows(path)
    assert caught.value.file == name


# -- headers -----------------------------------------------------------------------------------

HEADERS = [
    ("Échéance", "due_date"),
    ("ECHEANCE", "due_date"),
    ("date_d'echeance", "due_date"),
    ("Date-de-paiement", "payment_date"),
    ("montant ttc", "total_incl_tax"),
    ("TOTAL_INCL_TAX", "total_incl_tax"),
    ("N° facture", "number"),
    ("Nº", "number"),
    ("Déjà payé", "amount_paid"),
    ("deja_paye", "amount_paid"),
    ("Montant payé", "amount_paid"),
    ("Date de facture", "issue_date"),
    ("Date facture", "issue_date"),
    ("Montant TVA", "total_tax"),
    ("Code client", "customer_code"),
    ("Client", "customer_name"),
]


@pytest.mark.parametrize(("header", "field"), HEADERS)
def test_headers_ignore_case_accents_and_punctuation(header, field):
    assert tabular.INVOICE_COLUMNS[tabular._key(header)] == field


@pytest.mark.parametrize(
    "table", [tabular.INVOICE_HEADERS, tabular.CUSTOMER_HEADERS], ids=["invoices", "customers"]
)
def test_every_header_is_documented(table):
    doc = DOC.read_text()
    for field, aliases in table.items():
        for alias in (field, *aliases):
            assert alias in doc, f"{alias!r} ({field}) is not in {DOC.name}"


# -- invoices ----------------------------------------------------------------------------------


def test_french_sample_in_cp1252():
    records = read_invoices(SAMPLES / "invoices_fr.csv")
    assert [(r.line, r.number, r.kind, r.total_incl_tax, r.amount_paid) for r in records] == [
        (2, "FA-2026-0001", "invoice", D("1500.00"), D("1500.00")),
        (3, "FA-2026-0002", "invoice", D("14976.60"), D("5000.00")),
        (4, "FA-2026-0003", "invoice", D("103.50"), D("0")),
        (5, "AV-2026-0001", "credit_note", D("150.00"), D("0")),
        (6, "FA-2026-0004", "invoice", D("3840.00"), D("0")),
        (8, "FA-2026-0005", "invoice", D("1176.00"), D("1176.00")),
    ]
    second = records[1]
    assert second.customer_name == "Transports Mercier & Fils; Lyon"
    assert (second.siren, second.issue_date, second.due_date, second.payment_date) == (
        "512345687",
        date(2026, 1, 12),
        date(2026, 3, 11),
        date(2026, 2, 15),
    )
    assert records[0].customer_name == "Boulangerie Lefèvre"
    assert str(second.total_excl_tax) == "12480.50"  # quantized to the currency


def test_english_csv_with_bom_and_commas(tmp_path):
    text = (
        "\ufeffnumber,customer_code,issue_date,due_date,currency,total_excl_tax,total_tax,"
        "total_incl_tax,amount_paid,payment_date\n"
        'INV-9,C9,2026-02-01,2026-03-01,usd,"1,000.00",0,"1,000.00",1000,2026-02-20\n'
    )
    (record,) = read_invoices(_file(tmp_path, text))
    assert (record.currency, record.total_incl_tax, record.amount_paid, record.payment_date) == (
        "USD",
        D("1000.00"),
        D("1000"),
        date(2026, 2, 20),
    )


def test_tab_separated_with_defaults(tmp_path):
    text = "N°\tCode client\tDate\tTTC\n7\tC1\t01/02/2026\t120\n"
    (record,) = read_invoices(_file(tmp_path, text, name="f.txt"))
    assert record == tabular.InvoiceRecord(
        line=2,
        number="7",
        customer_code="C1",
        customer_name="",
        siren="",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 3),  # no due date column: issue + 30 days
        currency="EUR",
        total_excl_tax=D("120"),  # no HT nor TVA: HT = TTC, TVA = 0
        total_tax=D("0"),
        total_incl_tax=D("120"),
        amount_paid=D("0"),
        payment_date=None,
        kind="invoice",
    )


@pytest.mark.parametrize(
    ("columns", "cells", "totals"),
    [
        ("HT;TVA;TTC", "100;20;120", ("100", "20", "120")),
        ("HT;TTC", "100;120", ("100", "20", "120")),
        ("TVA;TTC", "20;120", ("100", "20", "120")),
        ("TTC", "120", ("120", "0", "120")),
        ("HT;TVA;TTC", "100;0;100", ("100", "0", "100")),
    ],
)
def test_missing_totals_are_computed(tmp_path, columns, cells, totals):
    text = f"Numéro;Client;Date;{columns}\nF1;X;01/02/2026;{cells}\n"
    (record,) = read_invoices(_file(tmp_path, text))
    assert (record.total_excl_tax, record.total_tax, record.total_incl_tax) == tuple(
        D(t) for t in totals
    )


CREDIT_NOTES = [
    # (Type column and cell, HT;TVA;TTC;Payé, kind, HT, TVA, TTC, paid)
    (";Type", "-100;-20;-120;0;Avoir", "credit_note", "100", "20", "120", "0"),
    (";Type", "100;20;120;0;avoir", "credit_note", "100", "20", "120", "0"),
    (";Type", "100;20;120;0;Credit note", "credit_note", "100", "20", "120", "0"),
    (";Type", "-100;-20;-120;-120;AV", "credit_note", "100", "20", "120", "120"),
    (";Type", "100;20;120;50;Facture", "invoice", "100", "20", "120", "50"),
    (";Type", "-100;-20;-120;0;", "credit_note", "100", "20", "120", "0"),  # empty Type: sign
    ("", "-100;-20;-120;0", "credit_note", "100", "20", "120", "0"),  # no Type column: sign
    ("", "(100,00);(20,00);(120,00);", "credit_note", "100", "20", "120", "0"),
    ("", "100;20;120;120", "invoice", "100", "20", "120", "120"),
]


@pytest.mark.parametrize(("type_column", "cells", "kind", "ht", "tva", "ttc", "paid"), CREDIT_NOTES)
def test_credit_notes_by_type_or_by_sign(tmp_path, type_column, cells, kind, ht, tva, ttc, paid):
    text = f"Numéro;Client;Date;HT;TVA;TTC;Payé{type_column}\nA1;X;01/02/2026;{cells}\n"
    (record,) = read_invoices(_file(tmp_path, text))
    assert (record.kind, record.total_excl_tax, record.total_tax) == (kind, D(ht), D(tva))
    assert (record.total_incl_tax, record.amount_paid) == (D(ttc), D(paid))


def test_xlsx_invoices(tmp_path):
    path = _xlsx(
        tmp_path,
        [
            ["Numéro", "Code client", "Date", "Échéance", "Montant HT", "TVA", "Montant TTC"],
            ["F-10", "C1", date(2026, 4, 5), datetime(2026, 5, 5), 1234.5, 246.9, 1481.4],
            [None] * 7,
            [1011, "C2", "06/04/2026", "2026-05-06", "1 000,00", "200,00", "1 200,00"],
            ["F-12", "C3", date(2026, 4, 7), date(2026, 5, 7), 0.1, 0.02, 0.12],
        ],
    )
    first, second, third = read_invoices(path)
    assert (first.line, first.issue_date, first.due_date) == (2, date(2026, 4, 5), date(2026, 5, 5))
    assert (first.total_excl_tax, first.total_tax, first.total_incl_tax) == (
        D("1234.50"),
        D("246.90"),
        D("1481.40"),
    )
    assert (second.line, second.number, second.total_incl_tax) == (4, "1011", D("1200.00"))
    assert third.total_incl_tax == D("0.12")


def test_identical_duplicate_rows_are_kept_once(tmp_path):
    text = HEADER + "F1;X;01/01/2026;1;0;1\n\n;;;;;\nF1;X;01/01/2026;1,00;0;1\n"
    assert [(r.line, r.number) for r in read_invoices(_file(tmp_path, text))] == [(2, "F1")]


HEADER = "Numéro;Client;Date;Montant HT;TVA;Montant TTC\n"
ROW = "F1;X;01/01/2026;100;20;120\n"
INVOICE_ERRORS = [
    # (case, file, line, column, words in the message)
    ("missing column", "Numéro;Client;Date\nF1;X;01/01/2026\n", 1, "total_incl_tax", "Montant TTC"),
    ("no customer column", "Numéro;Date;TTC\n", 1, "customer_code", "Code client"),
    ("two columns for one field", "Numéro;N°;Client;Date;TTC\n", 1, "N°", "'Numéro' and 'N°'"),
    ("wrong date", HEADER + ROW + "F2;X;32/01/2026;1;0;1\n", 3, "Date", "'32/01/2026'"),
    ("invalid date", HEADER + "F1;X;31/02/2026;1;0;1\n", 2, "Date", "not a date that exists"),
    ("two-digit year", HEADER + "F1;X;01/02/26;1;0;1\n", 2, "Date", "two-digit year"),
    (
        "text in an amount",
        HEADER + ROW + "F2;X;01/01/2026;1;0;12,5x\n",
        3,
        "Montant TTC",
        "'12,5x' is not an amount",
    ),
    (
        "HT + TVA != TTC",
        HEADER + "F1;X;01/01/2026;100;20;121\n",
        2,
        "Montant TTC",
        "100.00 + 20.00 = 120.00, not 121.00",
    ),
    (
        "duplicated number, other amount",
        HEADER + ROW + ROW.replace("120", "121").replace(";20;", ";21;"),
        3,
        "Numéro",
        "duplicated number 'F1' with another amount",
    ),
    ("empty number", HEADER + ";X;01/01/2026;1;0;1\n", 2, "Numéro", "empty"),
    ("empty total", HEADER + "F1;X;01/01/2026;;;\n", 2, "Montant TTC", "empty"),
    ("no customer on the row", HEADER + "F1;;01/01/2026;1;0;1\n", 2, "Client", "no customer"),
    (
        "sub-cent amount",
        HEADER + "F1;X;01/01/2026;1,001;0;1,001\n",
        2,
        "Montant HT",
        "more than 2 decimals",
    ),
    (
        "1,234 read as 1.234",
        HEADER + "F1;X;01/01/2026;1,234;0;1,234\n",
        2,
        "Montant HT",
        "more than 2 decimals",
    ),
    ("number too long", HEADER + "F" * 36 + ";X;01/01/2026;1;0;1\n", 2, "Numéro", "over 35"),
    (
        "paid more than the total",
        "Numéro;Client;Date;TTC;Payé\nF1;X;01/01/2026;10;11\n",
        2,
        "Payé",
        "between 0 and",
    ),
    (
        "negative paid",
        "Numéro;Client;Date;TTC;Payé\nF1;X;01/01/2026;10;-1\n",
        2,
        "Payé",
        "between 0 and",
    ),
    (
        "negative invoice",
        "Numéro;Client;Date;TTC;Type\nF1;X;01/01/2026;-10;Facture\n",
        2,
        "TTC",
        "avoir",
    ),
    (
        "unknown type",
        "Numéro;Client;Date;TTC;Type\nF1;X;01/01/2026;10;Devis\n",
        2,
        "Type",
        "'Devis'",
    ),
    ("mixed signs", HEADER + "F1;X;01/01/2026;-100;20;-80\n", 2, "TVA", "sign"),
    (
        "unknown currency",
        "Numéro;Client;Date;TTC;Devise\nF1;X;01/01/2026;10;EUROS\n",
        2,
        "Devise",
        "currency",
    ),
    (
        "yen with decimals",
        "Numéro;Client;Date;TTC;Devise\nF1;X;01/01/2026;10,5;JPY\n",
        2,
        "TTC",
        "more than 0 decimals",
    ),
    (
        "due before issue",
        "Numéro;Client;Date;Échéance;TTC\nF1;X;01/02/2026;01/01/2026;1\n",
        2,
        "Échéance",
        "before",
    ),
    (
        "empty due date",
        "Numéro;Client;Date;Échéance;TTC\nF1;X;01/02/2026;;1\n",
        2,
        "Échéance",
        "empty",
    ),
    ("wrong SIREN", "Numéro;SIREN;Date;TTC\nF1;123456789;01/02/2026;1\n", 2, "SIREN", "SIREN"),
    (
        "decimal comma in a comma CSV",
        "number,customer,issue_date,total\nF1,X,2026-01-01,1,5\n",
        2,
        None,
        "separator",
    ),
    (
        "huge amount",
        HEADER + "F1;X;01/01/2026;" + "1" * 16 + ";0;1\n",
        2,
        "Montant HT",
        "too large",
    ),
]


@pytest.mark.parametrize("case", INVOICE_ERRORS, ids=[case[0] for case in INVOICE_ERRORS])
def test_invoice_errors_name_file_line_and_column(tmp_path, case):
    _, text, line, column, words = case
    with pytest.raises(InputError) as caught:
        read_invoices(_file(tmp_path, text, name="export.csv"))
    error = caught.value
    assert (error.file, error.line, error.column) == ("export.csv", line, column)
    assert words in error.reason
    assert str(error).startswith(f"export.csv, line {line}")


def test_xlsx_errors_name_the_spreadsheet_row(tmp_path):
    path = _xlsx(
        tmp_path,
        [
            ["Numéro", "Client", "Date", "Montant TTC"],
            ["F1", "X", date(2026, 1, 1), 10],
            [],
            ["F2", "X", date(2026, 1, 1), "dix"],
        ],
    )
    with pytest.raises(InputError, match="'dix' is not an amount") as caught:
        read_invoices(path)
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "f.xlsx",
        4,
        "Montant TTC",
    )


# -- customers ---------------------------------------------------------------------------------


def test_french_customer_sample_with_bom():
    records = read_customers(SAMPLES / "customers_fr.csv")
    assert [(r.line, r.code, r.kind, r.country) for r in records] == [
        (2, "C001", "company", "FR"),
        (3, "C002", "company", "FR"),
        (5, "C003", "company", "FR"),  # line 3's address spans two lines
        (6, "C004", "person", "FR"),
        (7, "C005", "company", "BE"),
    ]
    first, second, *_, last = records
    assert first == tabular.CustomerRecord(
        line=2,
        code="C001",
        name="Boulangerie Lefèvre",
        siren="412345670",
        vat_number="FR96412345670",
        email="compta@boulangerie-lefevre.fr",
        kind="company",
        address="12 rue de la République",
        postal_code="69002",
        city="Lyon",
        country="FR",
        segment="Commerce",
        payment_terms_days=30,
        iban="FR7630006000011234567890189",
    )
    assert (second.address, second.postal_code, second.payment_terms_days) == (
        "ZI des Gonettes\nBâtiment B",
        "01200",  # a spreadsheet dropped the leading zero
        45,
    )
    assert (last.vat_number, last.postal_code, last.payment_terms_days) == (
        "BE0403019261",
        "1000",
        60,
    )


def test_customer_defaults_in_english(tmp_path):
    text = "name,email,country,siren\nACME Ltd,billing@acme.co.uk,United Kingdom,\nBob,,,\n"
    acme, bob = read_customers(_file(tmp_path, text))
    assert (acme.country, acme.kind, acme.code, acme.payment_terms_days) == (
        "GB",
        "company",
        "",
        None,
    )
    assert (bob.country, bob.email, bob.siren) == ("FR", "", "")


def test_a_siret_gives_its_siren(tmp_path):
    (record,) = read_customers(_file(tmp_path, "Nom;SIREN\nX;412 345 670 00019\n"))
    assert record.siren == "412345670"


CUSTOMER_ERRORS = [
    ("no name column", "Code;Ville\nC1;Lyon\n", 1, "name", "'Nom'"),
    ("empty name", "Code;Nom\nC1;\n", 2, "Nom", "empty"),
    ("email", "Nom;E-mail\nX;pas-un-email\n", 2, "E-mail", "not an email"),
    ("two emails", 'Nom;Courriel\nX;"a@b.fr, c@d.fr"\n', 2, "Courriel", "not an email"),
    ("kind", "Nom;Type\nX;SARL\n", 2, "Type", "'SARL'"),
    ("country", "Nom;Pays\nX;Atlantide\n", 2, "Pays", "not a country"),
    ("terms", "Nom;Délai de paiement\nX;45 jours fin de mois\n", 2, "Délai de paiement", "days"),
    ("SIREN", "Nom;SIREN\nX;412345671\n", 2, "SIREN", "SIREN"),
    ("VAT", "Nom;N° TVA\nX;FR00412345670\n", 2, "N° TVA", "VAT"),
    ("IBAN", "Nom;IBAN\nX;FR76 3000 6000 0112 3456 7890 180\n", 2, "IBAN", "IBAN"),
    ("long code", "Code;Nom\n" + "C" * 51 + ";X\n", 2, "Code", "over 50"),
]


@pytest.mark.parametrize("case", CUSTOMER_ERRORS, ids=[case[0] for case in CUSTOMER_ERRORS])
def test_customer_errors_name_file_line_and_column(tmp_path, case):
    _, text, line, column, words = case
    with pytest.raises(InputError) as caught:
        read_customers(_file(tmp_path, text, name="clients.csv"))
    error = caught.value
    assert (error.file, error.line, error.column) == ("clients.csv", line, column)
    assert words in error.reason
