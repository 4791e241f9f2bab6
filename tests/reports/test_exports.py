"""The aged balance as CSV, XLSX and PDF, on a ledger computed by hand (0 % VAT).

ALPHA  A1 1000.00 issued 01/11, due 01/12/2026; A2 500.00 issued 01/10, due 21/10/2026
BETA   B1 800.00 issued 01/08, due 31/08/2026, 200.00 paid on 10/11/2026
GAMMA  150.00 paid on 05/11/2026 with no invoice: customer credit
DELTA  70.00 USD: another currency, left out of the table and said so

On 20/11/2026: A1 not due, A2 30 days late (1–30), B1 81 days (61–90) with 600.00 left.
On 09/11/2026, before Beta's payment: A2 19 days late, B1 70 days with 800.00 left.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from solde.payments.services import payment_record
from solde.reports.exports import aging_export, bucket_title
from solde.reports.queries import aging
from tests.builders import line, make_customer, make_invoice

pytestmark = pytest.mark.django_db

HEADER = [
    "Code",
    "Client",
    "Non échu",
    "1–30 jours",
    "31–60 jours",
    "61–90 jours",
    "Plus de 90 jours",
    "Total",
    "Crédit client",
]
TODAY, BEFORE = date(2026, 11, 20), date(2026, 11, 9)


def invoice(company, customer, price, issued, due, **fields):
    return make_invoice(
        company, customer, lines=[line(price, rate="0")], issue_date=issued, due_date=due, **fields
    )


@pytest.fixture
def ledger(company):
    alpha = make_customer(company, "ALPHA", name="Alpha SA")
    beta = make_customer(company, "BETA", name="Beta SARL")
    gamma = make_customer(company, "GAMMA", name="Gamma SAS")
    delta = make_customer(company, "DELTA", name="Delta Inc")
    b1 = invoice(company, beta, "800", date(2026, 8, 1), date(2026, 8, 31))
    invoice(company, alpha, "500", date(2026, 10, 1), date(2026, 10, 21))
    invoice(company, alpha, "1000", date(2026, 11, 1), date(2026, 12, 1))
    invoice(company, delta, "70", date(2026, 11, 2), date(2026, 12, 2), currency="USD")
    payment_record(company=company, amount="150", date=date(2026, 11, 5), customer=gamma)
    payment_record(company=company, amount="200", date=date(2026, 11, 10), invoices=[b1])
    return company


def export(company, as_of: date, extension: str):
    return aging_export(aging(company=company, as_of=as_of), company, extension)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_a_header_a_row_per_customer_and_a_total_row(ledger):
    done = export(ledger, TODAY, "csv")
    assert (done.filename, done.content_type) == (
        "balance-agee-2026-11-20.csv",
        "text/csv; charset=utf-8",
    )
    assert csv_rows(done.content) == [
        HEADER,
        ["ALPHA", "Alpha SA", "1000,00", "500,00", "0,00", "0,00", "0,00", "1500,00", "0,00"],
        ["BETA", "Beta SARL", "0,00", "0,00", "0,00", "600,00", "0,00", "600,00", "0,00"],
        ["GAMMA", "Gamma SAS", "0,00", "0,00", "0,00", "0,00", "0,00", "0,00", "150,00"],
        ["", "Total", "1000,00", "500,00", "0,00", "600,00", "0,00", "2100,00", "150,00"],
    ]


def test_csv_before_a_payment_leaves_the_payment_out(ledger):
    rows = csv_rows(export(ledger, BEFORE, "csv").content)
    beta = ["BETA", "Beta SARL", "0,00", "0,00", "0,00", "800,00", "0,00", "800,00", "0,00"]
    total = ["", "Total", "1000,00", "500,00", "0,00", "800,00", "0,00", "2300,00", "150,00"]
    assert (rows[2], rows[-1]) == (beta, total)


def figures(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def amounts(row) -> list[Decimal]:
    """Numeric cells as Decimal (XLSX stores floats; 2 places recover the cents)."""
    return [Decimal(str(cell.value)).quantize(Decimal("0.01")) for cell in row]


def test_xlsx_has_typed_cells_a_frozen_bold_header_and_the_totals_as_values(ledger):
    done = export(ledger, TODAY, "xlsx")
    assert done.filename == "balance-agee-2026-11-20.xlsx"
    assert done.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(done.content))
    sheet = book.worksheets[0]
    assert sheet.title == "Balance âgée 2026-11-20"
    assert [sheet[f"A{n}"].value for n in (1, 2, 3)] == [
        "ACME SAS",
        "Balance âgée au 20/11/2026",
        "Montants en EUR",
    ]
    assert [c.value for c in sheet[5]] == HEADER
    assert all(c.font.bold for c in sheet[5]) and sheet.freeze_panes == "A6"
    alpha, beta, gamma, total = sheet[6], sheet[7], sheet[8], sheet[9]
    assert [c.value for c in alpha[:2]] == ["ALPHA", "Alpha SA"]
    assert amounts(alpha[2:]) == figures("1000", "500", "0", "0", "0", "1500", "0")
    assert amounts(beta[2:]) == figures("0", "0", "0", "600", "0", "600", "0")
    assert amounts(gamma[2:]) == figures("0", "0", "0", "0", "0", "0", "150")
    assert total[1].value == "Total" and total[1].font.bold
    assert amounts(total[2:]) == figures("1000", "500", "0", "600", "0", "2100", "150")
    numbers = [c for row in (alpha, total) for c in row[2:]]
    assert all(c.data_type == "n" and c.number_format == "#,##0.00" for c in numbers)
    assert sheet["A11"].value == "Non inclus : 70,00 USD de créances en USD."
    assert (book.properties.title, book.properties.creator) == (
        "Balance âgée au 20/11/2026",
        "ACME SAS",
    )


def test_xlsx_before_a_payment(ledger):
    sheet = load_workbook(io.BytesIO(export(ledger, BEFORE, "xlsx").content)).worksheets[0]
    assert sheet["A2"].value == "Balance âgée au 09/11/2026"
    assert amounts(sheet[7][2:]) == figures("0", "0", "0", "800", "0", "800", "0")
    assert amounts(sheet[9][2:]) == figures("1000", "500", "0", "800", "0", "2300", "150")


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    text = " ".join(page.extract_text() for page in pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_pdf_is_a_printable_aged_balance_with_the_figures(ledger):
    done = export(ledger, TODAY, "pdf")
    assert (done.filename, done.content_type) == ("balance-agee-2026-11-20.pdf", "application/pdf")
    assert done.content.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(done.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = pdf_text(done.content)
    expected = [
        "ACME SAS",
        "Balance âgée au 20/11/2026",
        "Établie le 20/11/2026",
        "montants en EUR",
        "Non échu 1–30 jours 31–60 jours 61–90 jours Plus de 90 jours Total Crédit client",
        "ALPHA Alpha SA 1 000,00 500,00 1 500,00",  # zeros are blank
        "BETA Beta SARL 600,00 600,00",
        "GAMMA Gamma SAS 150,00",
        "Total 1 000,00 500,00 0,00 600,00 0,00 2 100,00 150,00",
        "Non inclus : 70,00 USD de créances en USD.",
        "Page 1/1",
    ]
    missing = [m for m in expected if m not in text]
    assert not missing, f"missing: {missing} in {text}"


def test_pdf_before_a_payment(ledger):
    text = pdf_text(export(ledger, BEFORE, "pdf").content)
    assert "Balance âgée au 09/11/2026" in text
    assert "BETA Beta SARL 800,00 800,00" in text
    assert "Total 1 000,00 500,00 0,00 800,00 0,00 2 300,00 150,00" in text


def test_an_empty_aged_balance_still_has_its_header_and_zero_totals(company):
    rows = csv_rows(export(company, TODAY, "csv").content)
    assert rows == [HEADER, ["", "Total", *["0,00"] * 7]]
    assert "Aucune créance ouverte à cette date." in pdf_text(export(company, TODAY, "pdf").content)


def test_a_company_name_with_quotes_and_brackets_prints_in_the_footer(db):
    from tests.builders import make_company

    odd = make_company("odd", name='Dupont "&" <Fils>')
    text = pdf_text(export(odd, TODAY, "pdf").content)
    assert text.count('Dupont "&" <Fils>') == 2  # the heading and the footer


@pytest.mark.parametrize(
    ("label", "title"),
    [("not_due", "Non échu"), ("1_15", "1–15 jours"), ("16_45", "16–45 jours")]
    + [("over_45", "Plus de 45 jours")],
)
def test_bucket_titles_follow_the_boundaries(label, title):
    assert bucket_title(label) == title
