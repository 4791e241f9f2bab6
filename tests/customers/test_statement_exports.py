"""The customer statement as CSV and XLSX: the same figures as its PDF, in two tables
(movements with a running balance, open items), downloadable and written by the CLI.

The account, at 0 % VAT, over the default period 01/01/2026–20/11/2026:
  10/12/2025  FA-2025-00001 100.00                      opening balance 100.00
  15/01/2026  FA-2026-00001 200.00, due 14/02           300.00
  01/02/2026  VIR-1 100.00 settles FA-2025-00001         200.00
  01/03/2026  VIR-2 250.00 settles FA-2026-00001, 50.00 unallocated    -50.00
  05/05/2026  cheque 40.00, unallocated                  -90.00
  20/05/2026  the cheque bounces (cancelled)             -50.00
  01/09/2026  FA-2026-00002 1000.00, due 01/10           950.00 (closing)
Debits 1240.00, credits 390.00; FA-2026-00002 is 50 days late; 50.00 credit available.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from solde.cli import main
from solde.core import clock
from solde.customers.statement import customer_statement
from solde.customers.statement_exports import statement_filename, statement_sheet
from solde.payments.services import payment_cancel, payment_record
from tests.builders import line, make_invoice

pytestmark = pytest.mark.django_db

MOVES_HEADER = [
    "Devise",
    "Date",
    "Type",
    "Référence",
    "Échéance",
    "Débit",
    "Crédit",
    "Solde",
    "Factures réglées",
    "Non affecté",
    "Motif",
]
MOVES = [
    ["EUR", "31/12/2025", "Solde d'ouverture", "", "", "", "", "100,00", "", "", ""],
    ["EUR", "15/01/2026", "Facture", "FA-2026-00001", "14/02/2026", "200,00", "", "300,00"]
    + ["", "", ""],
    ["EUR", "01/02/2026", "Paiement", "VIR-1", "", "", "100,00", "200,00", "FA-2025-00001"]
    + ["", ""],
    ["EUR", "01/03/2026", "Paiement", "VIR-2", "", "", "250,00", "-50,00", "FA-2026-00001"]
    + ["50,00", ""],
    ["EUR", "05/05/2026", "Paiement", "", "", "", "40,00", "-90,00", "", "", ""],
    ["EUR", "20/05/2026", "Annulation : Paiement", "", "", "40,00", "", "-50,00", "", ""]
    + ["Chèque impayé"],
    ["EUR", "01/09/2026", "Facture", "FA-2026-00002", "01/10/2026", "1000,00", "", "950,00"]
    + ["", "", ""],
    ["EUR", "", "Total des mouvements", "", "", "1240,00", "390,00", "", "", "", ""],
    ["EUR", "20/11/2026", "Solde de clôture", "", "", "", "", "950,00", "", "", ""],
]
ITEMS_HEADER = [
    "Devise",
    "Pièce",
    "Numéro",
    "Date d'émission",
    "Échéance",
    "Jours de retard",
    "Montant",
    "Reste dû",
]
ITEMS = [
    ["EUR", "Facture", "FA-2026-00002", "01/09/2026", "01/10/2026", "50", "1000,00", "1000,00"],
    ["EUR", "Total des pièces non soldées", "", "", "", "", "", "1000,00"],
    ["EUR", "Crédit disponible", "", "", "", "", "", "-50,00"],
]


def _invoice(company, customer, day: date, price: str, **fields):
    with clock.frozen(day):
        return make_invoice(
            company, customer, lines=[line(price, rate="0")], issue_date=day, **fields
        )


def _pay(company, customer, day: date, amount: str, invoices=(), **fields):
    with clock.frozen(day):
        return payment_record(
            company=company,
            customer=customer,
            amount=amount,
            date=day,
            invoices=list(invoices),
            **fields,
        )


@pytest.fixture
def account(company, customer):
    old = _invoice(company, customer, date(2025, 12, 10), "100")
    first = _invoice(company, customer, date(2026, 1, 15), "200")
    _pay(company, customer, date(2026, 2, 1), "100", [old], reference="VIR-1")
    _pay(company, customer, date(2026, 3, 1), "250", [first], reference="VIR-2")
    cheque = _pay(company, customer, date(2026, 5, 5), "40", method="cheque")
    with clock.frozen(date(2026, 5, 20)):
        payment_cancel(payment=cheque, reason="Chèque impayé")
    _invoice(company, customer, date(2026, 9, 1), "1000")
    return customer


def csv_tables(content: bytes) -> list[list[list[str]]]:
    """The CSV's tables, split at their empty separating line."""
    assert content.startswith(b"\xef\xbb\xbf")
    tables: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"):
        if row:
            tables[-1].append(row)
        else:
            tables.append([])
    return tables


def test_the_csv_holds_the_movements_and_the_open_items(company, account):
    statement = customer_statement(company=company, customer=account)
    moves, items = csv_tables(statement_sheet(statement, "csv"))
    assert moves == [MOVES_HEADER, *MOVES]
    assert items == [ITEMS_HEADER, *ITEMS]


def test_the_xlsx_has_two_sheets_of_typed_cells(company, account):
    statement = customer_statement(company=company, customer=account)
    book = load_workbook(io.BytesIO(statement_sheet(statement, "xlsx")))
    assert book.sheetnames == ["Mouvements", "Pièces non soldées"]
    moves, items = book.worksheets
    assert [moves[f"A{n}"].value for n in (1, 2, 3)] == [
        "ACME SAS",
        "Relevé de compte — Dupont SARL (DUPONT)",
        "Du 01/01/2026 au 20/11/2026",
    ]
    assert [c.value for c in moves[5]] == MOVES_HEADER and moves.freeze_panes == "A6"
    opening, first = moves[6], moves[7]
    assert (opening[1].value, opening[2].value, opening[7].value) == (
        datetime(2025, 12, 31),
        "Solde d'ouverture",
        100,
    )
    assert opening[2].font.bold and not first[2].font.bold
    assert (first[4].value, first[5].value, first[5].number_format) == (
        datetime(2026, 2, 14),
        200,
        "#,##0.00",
    )
    closing = moves[6 + len(MOVES) - 1]
    assert (closing[2].value, closing[7].value, closing[2].font.bold) == (
        "Solde de clôture",
        950,
        True,
    )
    assert moves[9][9].value == 50  # VIR-2's unallocated 50.00
    assert items["A3"].value == "Pièces non soldées au 20/11/2026"
    assert [c.value for c in items[6]] == [
        "EUR",
        "Facture",
        "FA-2026-00002",
        datetime(2026, 9, 1),
        datetime(2026, 10, 1),
        50,
        1000,
        1000,
    ]
    assert items["H7"].value == 1000 and items["B7"].font.bold
    assert items["H8"].value == -50


def test_a_statement_in_two_currencies_gives_each_its_rows(company, account):
    _invoice(company, account, date(2026, 10, 10), "70", currency="USD")  # 11 days late
    statement = customer_statement(company=company, customer=account)
    moves, items = csv_tables(statement_sheet(statement, "csv"))
    usd = [row for row in moves[1:] if row[0] == "USD"]
    assert [row[2] for row in usd] == [
        "Solde d'ouverture",
        "Facture",
        "Total des mouvements",
        "Solde de clôture",
    ]
    assert (usd[1][5], usd[-1][7]) == ("70,00", "70,00")
    assert items[-2:] == [
        ["USD", "Facture", "FA-2026-00003", "10/10/2026", "09/11/2026", "11", "70,00", "70,00"],
        ["USD", "Total des pièces non soldées", "", "", "", "", "", "70,00"],
    ]
    sheet = load_workbook(io.BytesIO(statement_sheet(statement, "xlsx"))).worksheets[0]
    usd_opening = 6 + len(MOVES)
    assert sheet.cell(usd_opening, 1).value == "USD" and sheet.cell(usd_opening, 3).font.bold


def test_file_names_keep_the_code_safe(company, account):
    statement = customer_statement(company=company, customer=account)
    assert statement_filename(statement, "csv") == "releve-DUPONT-20261120.csv"
    account.code = 'A/B "1"'
    assert statement_filename(statement, "xlsx") == "releve-A-B-1--20261120.xlsx"


# -- downloads ------------------------------------------------------------------------------


def url(name: str, company, customer, query: str = "") -> str:
    return reverse(name, args=[company.slug, customer.public_id]) + query


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("customer_statement_csv", "text/csv; charset=utf-8"),
        (
            "customer_statement_xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_downloads_for_the_period_asked(client, owner, company, account, name, content_type):
    client.force_login(owner)
    response = client.get(url(name, company, account, "?from=2026-03-01&to=2026-05-31"))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    extension = name.rsplit("_", 1)[1]
    assert response["Content-Disposition"] == (
        f'attachment; filename="releve-DUPONT-20260531.{extension}"'
    )
    if extension == "csv":
        moves, _ = csv_tables(response.content)
        assert moves[1][:3] == ["EUR", "28/02/2026", "Solde d'ouverture"]
        assert moves[1][7] == "200,00" and moves[-1][7] == "-50,00"


@pytest.mark.parametrize("name", ["customer_statement_csv", "customer_statement_xlsx"])
def test_another_companys_member_finds_nothing(
    client, outsider, other_company, company, account, name
):
    client.force_login(outsider)
    assert client.get(url(name, company, account)).status_code == 404
    assert client.get(url(name, other_company, account)).status_code == 404


def test_a_period_ending_before_it_starts_is_refused(client, owner, company, account):
    client.force_login(owner)
    backwards = "?from=2026-06-01&to=2026-05-01"
    response = client.get(url("customer_statement_csv", company, account, backwards))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_the_customer_page_offers_the_three_formats(client, owner, company, account):
    client.force_login(owner)
    page = client.get(reverse("customer_detail", args=[company.slug, account.public_id]))
    html = page.content.decode()
    for name in ("customer_statement", "customer_statement_csv", "customer_statement_xlsx"):
        assert url(name, company, account) in html
    assert "Relevé de compte (CSV)" in html and "Relevé de compte (XLSX)" in html


# -- the CLI --------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--csv", "--xlsx"])
def test_the_cli_writes_the_sheet(company, account, tmp_path, capsys, option):
    out = tmp_path / f"releve.{option[2:]}"
    args = ["customer", "statement", "DUPONT", "--company", "acme", option, str(out)]
    assert main(args) == 0
    assert f"{out}: statement of DUPONT" in capsys.readouterr().out
    content = out.read_bytes()
    if option == "--csv":
        assert csv_tables(content)[0][-1] == MOVES[-1]
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        assert Decimal(str(sheet.cell(6 + len(MOVES) - 1, 8).value)) == Decimal("950")


@pytest.mark.parametrize("options", [[], ["--csv", "a.csv", "--xlsx", "b.xlsx"]])
def test_the_cli_wants_exactly_one_file(company, account, options):
    with pytest.raises(SystemExit) as usage:
        main(["customer", "statement", "DUPONT", "--company", "acme", *options])
    assert usage.value.code == 2


def test_the_cli_says_which_file_it_cannot_write(company, account, tmp_path, capsys):
    out = tmp_path / "missing" / "releve.csv"
    assert main(["customer", "statement", "DUPONT", "--company", "acme", "--csv", str(out)]) == 1
    assert f"{out}: cannot be written" in capsys.readouterr().err
