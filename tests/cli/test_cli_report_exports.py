"""`solde report aging --csv FILE | --xlsx FILE | --pdf FILE`, as a user runs it.

ALPHA 600.00 (500 + 20 % VAT) due 21/10/2026: 30 days late on 20/11 (1–30), 19 on 09/11.
BETA 600.00 due 31/08/2026, 250.00 paid on 10/11: 81 days late (61–90) with 350.00 left.
"""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader


def setup_company(solde) -> None:
    solde("company", "create", "acme", "--name", "ACME SAS")
    for code, name in (("ALPHA", "Alpha SA"), ("BETA", "Beta SARL")):
        solde("customer", "create", "--company", "acme", "--code", code, "--name", name)
    invoices = (("BETA", "2026-08-01", "2026-08-31"), ("ALPHA", "2026-10-01", "2026-10-21"))
    for customer, issued, due in invoices:
        solde("invoice", "create", "--company", "acme", "--customer", customer,
              "--line", "Conseil|1|500|20", "--date", issued, "--due", due, "--issue")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "250", "--date", "2026-11-10",
          "--invoice", "FA-2026-00001")  # fmt: skip


def test_the_aged_balance_to_each_format_today_and_before_a_payment(solde, tmp_path):
    setup_company(solde)
    done = solde("report", "aging", "--company", "acme", "--csv", "aging.csv")
    assert done.stdout.strip() == (
        "aging.csv: aged balance at 2026-11-20, 2 customers, total 950.00 EUR, "
        f"{(tmp_path / 'aging.csv').stat().st_size} bytes"
    )
    text = (tmp_path / "aging.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1:] == [
        ["ALPHA", "Alpha SA", "0,00", "600,00", "0,00", "0,00", "0,00", "600,00", "0,00"],
        ["BETA", "Beta SARL", "0,00", "0,00", "0,00", "350,00", "0,00", "350,00", "0,00"],
        ["", "Total", "0,00", "600,00", "0,00", "350,00", "0,00", "950,00", "0,00"],
    ]

    solde("report", "aging", "--company", "acme", "--as-of", "2026-11-09", "--xlsx", "before.xlsx")
    sheet = load_workbook(tmp_path / "before.xlsx").worksheets[0]
    assert sheet["A2"].value == "Balance âgée au 09/11/2026"
    total = [Decimal(str(c.value)) for c in sheet[8][2:]]  # header on row 5, two customers
    assert sheet["B8"].value == "Total"
    assert total == [Decimal(v) for v in ("0", "600", "0", "600", "0", "1200", "0")]

    solde("report", "aging", "--company", "acme", "--pdf", "aging.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "aging.pdf").pages)
    text = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "Balance âgée au 20/11/2026" in text and "Total 0,00 600,00 0,00 350,00" in text


def test_with_json_the_file_is_written_and_stdout_holds_only_the_document(solde, tmp_path):
    setup_company(solde)
    done = solde("report", "aging", "--company", "acme", "--json", "--xlsx", "a.xlsx")
    assert done.stdout.lstrip().startswith("{") and '"total": "950.00"' in done.stdout
    assert (tmp_path / "a.xlsx").stat().st_size > 0


def test_one_file_at_a_time_and_a_file_that_cannot_be_written(solde, tmp_path):
    both = solde("report", "aging", "--company", "acme", "--csv", "a", "--pdf", "b", check=False)
    assert both.returncode == 2
    solde("company", "create", "acme", "--name", "ACME SAS")
    nowhere = solde("report", "aging", "--company", "acme", "--csv", "no/dir/a.csv", check=False)
    assert nowhere.returncode == 1
    assert "no/dir/a.csv: cannot be written" in nowhere.stderr
    assert not (tmp_path / "no").exists()
