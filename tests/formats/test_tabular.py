"""Reading spreadsheets of customers and invoices: conventions, headers, errors."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from solde.core.errors import InputError
from solde.formats.tabular import parse_date, parse_decimal, read_customers, read_invoices

D = Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,5", "1234.5"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("-12,50", "-12.50"),
        ("(12,50)", "-12.50"),
        ("12,50 €", "12.50"),
        ("EUR 7", "7"),
        ("+3", "3"),
        ("0,5", "0.5"),
    ],
)
def test_amounts_as_people_type_them(text, value):
    assert parse_decimal(text, column="c", line=2, file="f.csv") == D(value)


@pytest.mark.parametrize("text", ["12,5x", "abc", "1..2", "--1", "1 2 3,4,5"])
def test_text_in_an_amount_is_refused(text):
    with pytest.raises(InputError, match="not an amount"):
        parse_decimal(text, column="Montant HT", line=7, file="f.csv")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("03/01/2026", date(2026, 1, 3)),
        ("3-1-2026", date(2026, 1, 3)),
        ("03.01.2026", date(2026, 1, 3)),
        ("2026-01-03", date(2026, 1, 3)),
    ],
)
def test_dates(text, value):
    assert parse_date(text, column="Date", line=2, file="f.csv") == value


@pytest.mark.parametrize("text", ["31/02/2026", "03/01/26", "2026/13/01", "demain"])
def test_wrong_dates_are_refused(text):
    with pytest.raises(InputError) as caught:
        parse_date(text, column="Date", line=9, file="f.csv")
    assert (caught.value.line, caught.value.column) == (9, "Date")


def _csv(tmp_path, text, encoding="utf-8", name="f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


FRENCH = (
    "Numéro;Client;Date;Échéance;Montant HT;TVA;Montant TTC;Déjà payé\n"
    "F1;Café Noël;03/01/2026;02/02/2026;1 000,00;200,00;1 200,00;100\n"
)


def test_french_csv_in_cp1252(tmp_path):
    (record,) = read_invoices(_csv(tmp_path, FRENCH, "cp1252"))
    assert (
        record.number,
        record.customer_name,
        record.issue_date,
        record.total_incl_tax,
        record.amount_paid,
        record.kind,
        record.line,
    ) == ("F1", "Café Noël", date(2026, 1, 3), D("1200.00"), D("100"), "invoice", 2)


def test_english_csv_with_bom_and_commas(tmp_path):
    text = (
        "\ufeffnumber,customer_code,issue_date,due_date,currency,total_excl_tax,total_tax,"
        "total_incl_tax,amount_paid,payment_date\nINV-9,C9,2026-02-01,2026-03-01,USD,"
        '"1,000.00",0,"1,000.00",1000,2026-02-20\n'
    )
    (record,) = read_invoices(_csv(tmp_path, text))
    assert (record.currency, record.total_incl_tax, record.payment_date) == (
        "USD",
        D("1000.00"),
        date(2026, 2, 20),
    )


def test_tab_separated_and_missing_amount_columns(tmp_path):
    text = "N°\tCode client\tDate\tTTC\n7\tC1\t01/02/2026\t120\n"
    (record,) = read_invoices(_csv(tmp_path, text))
    assert (record.total_excl_tax, record.total_tax, record.due_date) == (
        D("120"),
        D("0"),
        date(2026, 3, 3),
    )


def test_credit_notes_by_type_or_by_sign(tmp_path):
    text = (
        "Numéro;Client;Date;HT;TVA;TTC;Type\nA1;X;01/02/2026;-100;-20;-120;Avoir\n"
        "F2;X;01/02/2026;100;20;120;Facture\n"
    )
    first, second = read_invoices(_csv(tmp_path, text))
    assert (first.kind, first.total_incl_tax, second.kind) == ("credit_note", D("120"), "invoice")
    signed = read_invoices(_csv(tmp_path, "Numéro;Client;Date;TTC\nA2;X;01/02/2026;-5\n"))
    assert signed[0].kind == "credit_note"


def test_xlsx(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Numéro", "Code client", "Date", "Montant HT", "TVA", "Montant TTC"])
    sheet.append(["F-10", "C1", date(2026, 4, 5), 1234.5, 246.9, 1481.4])
    path = tmp_path / "factures.xlsx"
    book.save(path)
    (record,) = read_invoices(path)
    assert (record.issue_date, record.total_excl_tax, record.total_incl_tax) == (
        date(2026, 4, 5),
        D("1234.5"),
        D("1481.4"),
    )


HEADER = "Numéro;Client;Date;Montant HT;TVA;Montant TTC\n"
ERRORS = [
    ("missing column", "Numéro;Client;Date\nF1;X;01/01/2026\n", 1, "total_incl_tax"),
    ("wrong date", HEADER + "F1;X;32/01/2026;1;0;1\n", 2, "Date"),
    (
        "text in an amount",
        HEADER + "F1;X;01/01/2026;1;0;1\nF2;X;01/01/2026;x;0;1\n",
        3,
        "Montant HT",
    ),
    ("amounts that do not add up", HEADER + "F1;X;01/01/2026;100;20;121\n", 2, "Montant TTC"),
    (
        "duplicated number, other amount",
        HEADER + "F1;X;01/01/2026;1;0;1\nF1;X;01/01/2026;2;0;2\n",
        3,
        "Numéro",
    ),
    ("empty required cell", HEADER + ";X;01/01/2026;1;0;1\n", 2, "Numéro"),
    ("sub-cent amount", HEADER + "F1;X;01/01/2026;1,001;0;1,001\n", 2, "Montant HT"),
    ("number too long", HEADER + "F" * 36 + ";X;01/01/2026;1;0;1\n", 2, "Numéro"),
    ("paid more than the total", "Numéro;Client;Date;TTC;Payé\nF1;X;01/01/2026;10;11\n", 2, "Payé"),
    ("two columns for one field", "Numéro;N°;Client;Date;TTC\n", 1, "N°"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_file_line_and_column(tmp_path, case):
    _, text, line, column = case
    with pytest.raises(InputError) as caught:
        read_invoices(_csv(tmp_path, text, name="export.csv"))
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "export.csv",
        line,
        column,
    )
    assert "export.csv" in str(caught.value)


def test_identical_duplicate_rows_are_kept_once(tmp_path):
    text = HEADER + "F1;X;01/01/2026;1;0;1\n\n;;;;;\nF1;X;01/01/2026;1;0;1\n"
    assert [r.number for r in read_invoices(_csv(tmp_path, text))] == ["F1"]


def test_customers(tmp_path):
    text = (
        "Code client;Raison sociale;SIREN;N° TVA;E-mail;Type;Code postal;Ville;"
        "Délai de paiement;IBAN\nC1;Martin SARL;732 829 320;FR 40 303265045;a@b.fr;société;"
        "69001;Lyon;45 jours;fr76 3000 6000 0112 3456 7890 189\n"
        "C2;Jean Dupont;;;;particulier;;;;\n"
    )
    first, second = read_customers(_csv(tmp_path, text))
    assert (first.siren, first.vat_number, first.payment_terms_days, first.iban, first.kind) == (
        "732829320",
        "FR40303265045",
        45,
        "FR7630006000011234567890189",
        "company",
    )
    assert (second.kind, second.country) == ("person", "FR")
    with pytest.raises(InputError) as caught:
        read_customers(_csv(tmp_path, "Nom;E-mail\nX;pas-un-email\n"))
    assert (caught.value.line, caught.value.column) == (2, "E-mail")


@given(st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=2))
def test_french_formatting_parses_back(value):
    whole, cents = f"{abs(value):,.2f}".split(".")
    text = ("-" if value < 0 else "") + whole.replace(",", "\u202f") + "," + cents
    assert parse_decimal(text, column="c", line=1, file="f") == value
