"""`solde import bank`, `solde match` and `solde export allocations`, as a user runs them."""

import json
from datetime import date

from tests.banking.statements import camt, credit

DAY = date(2026, 11, 20)


def test_import_match_and_export(solde, tmp_path):
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    solde("customer", "create", "--company", "acme", "--code", "DUPONT", "--name", "Dupont SARL")
    for _ in range(2):
        solde(
            "invoice",
            "create",
            "--company",
            "acme",
            "--customer",
            "DUPONT",
            "--line",
            "Conseil|1|500|20",
            "--issue",
        )
    statement = tmp_path / "releve.xml"
    statement.write_bytes(
        camt(
            [
                credit(
                    "600.00",
                    "VIR DUPONT FACTURE FA-2026-00001",
                    name="DUPONT SARL",
                    ref="BANK-1",
                    day=DAY,
                ),
                credit("250.00", "ACOMPTE", name="DUPONT SARL", ref="BANK-2", day=DAY),
                credit("-80.00", "PRLV EDF", ref="BANK-3", day=DAY),
            ]
        )
    )
    first = json.loads(
        solde("import", "bank", str(statement), "--company", "acme", "--json").stdout
    )
    assert {k: first[k] for k in ("format", "lines", "added", "duplicates", "debits")} == {
        "format": "camt053",
        "lines": 3,
        "added": 3,
        "duplicates": 0,
        "debits": 1,
    }
    assert first["auto_matched"] == 1
    assert first["auto_matched"] + first["suggested"] + first["unmatched"] == 2
    again = json.loads(
        solde("import", "bank", str(statement), "--company", "acme", "--json").stdout
    )
    assert (again["added"], again["duplicates"]) == (0, 3)

    matched = json.loads(solde("match", "--company", "acme", "--json").stdout)
    assert matched["auto_matched"] == 0

    export = json.loads(solde("export", "allocations", "--company", "acme", "--json").stdout)
    assert export["allocations"] == [
        {
            "bank_ref": "BANK-1",
            "invoice": "FA-2026-00001",
            "amount": "600.00",
            "date": "2026-11-20",
            "how": "auto",
            "kind": "payment",
        }
    ]


def test_a_broken_statement_exits_1_naming_the_file(solde, tmp_path):
    solde("company", "create", "acme", "--name", "ACME SAS")
    broken = tmp_path / "cassé.xml"
    broken.write_bytes(camt([credit("10.00")])[:200])
    done = solde("import", "bank", str(broken), "--company", "acme", check=False)
    assert done.returncode == 1
    assert "cassé.xml" in done.stderr
    done = solde(
        "import", "bank", str(broken), "--company", "acme", "--format", "bogus", check=False
    )
    assert done.returncode == 2


def test_a_csv_statement_with_a_preset_kept_for_its_account(solde, tmp_path):
    solde("company", "create", "acme", "--name", "ACME SAS")
    solde("customer", "create", "--company", "acme", "--code", "ACME", "--name", "Acme SARL")
    solde("invoice", "create", "--company", "acme", "--customer", "ACME",
          "--line", "Audit|1|250|20", "--issue")  # fmt: skip
    export = tmp_path / "qonto.csv"
    export.write_text(
        "Status,Settlement date (UTC),Operation date (UTC),Total amount (incl. VAT),Currency,"
        "Counterparty name,Payment method,Transaction ID,IBAN,Reference,Category,Note\n"
        "settled,2026-11-20 10:12:00,2026-11-20 09:00:00,300.00,EUR,ACME SARL,transfer,tx-1,"
        ",FA-2026-00001,,\n"
        "settled,2026-11-20 11:00:00,2026-11-20 11:00:00,-54.20,EUR,CARREFOUR,card,tx-2,,,,\n",
        encoding="utf-8",
    )
    account = "FR7616958000011234567890112"
    without = solde("import", "bank", str(export), "--company", "acme", check=False)
    assert without.returncode == 1 and "account" in without.stderr
    first = json.loads(
        solde(
            "import",
            "bank",
            str(export),
            "--company",
            "acme",
            "--account",
            account,
            "--csv-preset",
            "qonto",
            "--json",
        ).stdout  # fmt: skip
    )
    assert (first["format"], first["added"], first["auto_matched"]) == ("csv", 2, 1)
    again = json.loads(
        solde(
            "import", "bank", str(export), "--company", "acme", "--account", account, "--json"
        ).stdout  # fmt: skip
    )
    assert (again["added"], again["duplicates"]) == (0, 2)
    export_doc = json.loads(solde("export", "allocations", "--company", "acme", "--json").stdout)
    assert export_doc["allocations"][0]["bank_ref"] == "tx-1"
