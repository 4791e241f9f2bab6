"""Importing customers and invoices from spreadsheets: all or nothing, idempotent."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from solde.core.errors import InputError
from solde.customers.models import Customer
from solde.invoicing.imports import import_customers, import_invoices
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment
from solde.payments.queries import customer_balance
from tests.builders import make_customer

pytestmark = pytest.mark.django_db

INVOICES = """\
Numéro;Code client;Client;SIREN;Date;Échéance;Montant HT;TVA;Montant TTC;Déjà payé
F-001;C1;Boulangerie Martin;;03/01/2026;02/02/2026;1 000,00;200,00;1 200,00;1 200,00
F-002;C1;Boulangerie Martin;;15/02/2026;17/03/2026;500,00;100,00;600,00;250,00
F-003;C2;Transports Leroy;732829320;01/10/2026;31/10/2026;99,99;20,00;119,99;
"""


def _write(tmp_path, text, name="factures.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _counts():
    return (
        Invoice.objects.count(),
        Customer.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
    )


def test_invoices_are_imported_with_customers_and_payments(company, tmp_path):
    result = import_invoices(company=company, path=_write(tmp_path, INVOICES))
    assert (result.created, result.customers_created, result.payments) == (3, 2, 2)
    paid = Invoice.objects.get(number="F-001")
    partly = Invoice.objects.get(number="F-002")
    unpaid = Invoice.objects.get(number="F-003")
    assert (paid.status, paid.balance) == ("paid", Decimal("0"))
    assert (partly.status, partly.balance) == ("partially_paid", Decimal("350"))
    assert (unpaid.status, unpaid.customer.siren) == ("open", "732829320")
    assert paid.state == "issued" and paid.origin == "import"
    balance = customer_balance(company, partly.customer_id, date(2026, 11, 20))["EUR"]
    assert balance.balance == Decimal("350")


def test_importing_the_same_file_twice_creates_nothing(company, tmp_path):
    path = _write(tmp_path, INVOICES)
    import_invoices(company=company, path=path)
    before = _counts()
    again = import_invoices(company=company, path=path)
    assert (again.created, again.unchanged) == (0, 3)
    assert _counts() == before


def test_customers_are_matched_by_code_then_siren_then_name(company, tmp_path):
    existing = make_customer(company, "C1", name="Boulangerie Martin")
    by_siren = make_customer(company, "", name="Leroy", siren="732829320")
    import_invoices(company=company, path=_write(tmp_path, INVOICES.replace(";C2;", ";;")))
    assert Invoice.objects.get(number="F-001").customer == existing
    assert Invoice.objects.get(number="F-003").customer == by_siren


def test_dry_run_writes_nothing(company, tmp_path):
    before = _counts()
    result = import_invoices(company=company, path=_write(tmp_path, INVOICES), dry_run=True)
    assert result.created == 3 and result.dry_run
    assert _counts() == before


BROKEN = {
    "wrong date": (INVOICES.replace("15/02/2026", "31/02/2026"), 3, "Date"),
    "text in an amount": (INVOICES.replace("99,99", "99,9x"), 4, "Montant HT"),
    "missing column": (INVOICES.replace("Montant TTC", "Montant"), 1, "total_incl_tax"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_bad_row_rejects_the_file_naming_line_and_column(company, tmp_path, case):
    text, line, column = BROKEN[case]
    before = _counts()
    with pytest.raises(InputError) as caught:
        import_invoices(company=company, path=_write(tmp_path, text))
    assert caught.value.line == line
    assert column.lower() in str(caught.value).lower()
    assert "factures.csv" in str(caught.value)
    assert _counts() == before


def test_a_number_already_imported_with_another_amount_rejects_the_file(company, tmp_path):
    import_invoices(company=company, path=_write(tmp_path, INVOICES))
    before = _counts()
    changed = INVOICES.replace("119,99;", "120,00;").replace(";20,00;", ";20,01;")
    with pytest.raises(InputError, match="F-003") as caught:
        import_invoices(company=company, path=_write(tmp_path, changed, "again.csv"))
    assert caught.value.line == 4
    assert _counts() == before


def test_a_late_bad_row_leaves_nothing_half_written(company, tmp_path):
    text = INVOICES + "F-004;C9;;;01/10/2026;31/10/2026;10,00;2,00;12,00;\n"
    before = _counts()
    with pytest.raises(InputError) as caught:
        import_invoices(company=company, path=_write(tmp_path, text))
    assert caught.value.line == 5
    assert _counts() == before


def test_customers_import_creates_then_updates(company, tmp_path):
    text = (
        "Code client;Raison sociale;SIREN;E-mail;Ville\n"
        "C1;Boulangerie Martin;;contact@martin.fr;Lyon\n"
        "C2;Transports Leroy;732829320;;Nantes\n"
    )
    first = import_customers(company=company, path=_write(tmp_path, text, "clients.csv"))
    again = import_customers(company=company, path=_write(tmp_path, text, "clients.csv"))
    moved = import_customers(
        company=company, path=_write(tmp_path, text.replace("Lyon", "Villeurbanne"), "clients.csv")
    )
    assert (first.created, again.unchanged, moved.updated) == (2, 2, 1)
    assert Customer.objects.get(code="C1").city == "Villeurbanne"


def test_the_cli_rejects_a_malformed_file_with_exit_1(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "SOLDE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(root)}
    env.pop("SOLDE_DATABASE_URL", None)

    def solde(*args):
        return subprocess.run(
            [sys.executable, "-m", "solde", "--today", "2026-11-20", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    assert solde("company", "create", "acme", "--name", "ACME").returncode == 0
    bad = _write(tmp_path, BROKEN["text in an amount"][0])
    done = solde("import", "invoices", str(bad), "--company", "acme")
    assert done.returncode == 1
    assert "line 4" in done.stderr and "Montant HT" in done.stderr
    listed = solde("invoice", "list", "--company", "acme", "--json")
    assert json.loads(listed.stdout) == {"invoices": []}
    good = solde(
        "import", "invoices", str(_write(tmp_path, INVOICES)), "--company", "acme", "--json"
    )
    assert json.loads(good.stdout)["created"] == 3
