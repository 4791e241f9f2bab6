"""The `solde` command, run as a user runs it: a fresh data directory, real processes."""

import json


def _json(done):
    return json.loads(done.stdout)


def test_a_day_of_work_from_the_command_line(solde):
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    solde(
        "user",
        "create",
        "owner@acme.fr",
        "--company",
        "acme",
        "--role",
        "owner",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    token = _json(
        solde(
            "token",
            "create",
            "--user",
            "owner@acme.fr",
            "--company",
            "acme",
            "--scope",
            "write",
            "--json",
        )
    )
    assert token["token"].startswith("sk_")
    solde("customer", "create", "--company", "acme", "--code", "DUPONT", "--name", "Dupont SARL")
    created = _json(
        solde(
            "invoice",
            "create",
            "--company",
            "acme",
            "--customer",
            "DUPONT",
            "--line",
            "Conseil|2|450|20",
            "--line",
            "Déplacement|1|80,50|20",
            "--date",
            "2026-10-01",
            "--issue",
            "--json",
        )
    )
    assert (created["number"], created["total"], created["status"]) == (
        "FA-2026-00001",
        "1176.60",
        "overdue",
    )
    paid = _json(
        solde(
            "payment",
            "record",
            "--company",
            "acme",
            "--amount",
            "1000",
            "--date",
            "2026-11-05",
            "--invoice",
            "FA-2026-00001",
            "--json",
        )
    )
    assert paid["allocations"] == [{"invoice": "FA-2026-00001", "amount": "1000.00"}]
    listed = _json(solde("invoice", "list", "--company", "acme", "--json"))
    assert listed == {
        "invoices": [
            {
                "number": "FA-2026-00001",
                "customer_code": "DUPONT",
                "customer_name": "Dupont SARL",
                "issue_date": "2026-10-01",
                "due_date": "2026-10-31",
                "currency": "EUR",
                "total": "1176.60",
                "balance": "176.60",
                "status": "overdue",
            }
        ]
    }
    shown = _json(solde("invoice", "show", "FA-2026-00001", "--company", "acme", "--json"))
    assert [g["tax"] for g in shown["vat_breakdown"]] == ["196.10"]
    before = _json(solde("balance", "--company", "acme", "--as-of", "2026-11-04", "--json"))
    assert before["customers"][0]["balance"] == "1176.60"
    exported = _json(solde("export", "allocations", "--company", "acme", "--json"))
    assert exported["allocations"][0]["invoice"] == "FA-2026-00001"
    assert exported["allocations"][0]["how"] == "manual"
    assert solde("check", "--company", "acme").returncode == 0


def test_bad_input_exits_1_and_usage_errors_exit_2(solde):
    solde("company", "create", "acme", "--name", "ACME SAS")
    wrong = solde(
        "customer",
        "create",
        "--company",
        "acme",
        "--code",
        "X",
        "--name",
        "X",
        "--siren",
        "123456789",
        check=False,
    )
    assert wrong.returncode == 1 and "SIREN" in wrong.stderr
    missing = solde("invoice", "list", "--company", "nope", check=False)
    assert missing.returncode == 1 and "nope" in missing.stderr
    usage = solde("invoice", "list", check=False)
    assert usage.returncode == 2
    bad_line = solde(
        "invoice",
        "create",
        "--company",
        "acme",
        "--customer",
        "X",
        "--line",
        "only|two",
        check=False,
    )
    assert bad_line.returncode == 1 and "DESCRIPTION|QTY" in bad_line.stderr


def test_drafts_credit_notes_and_customer_imports(solde, tmp_path):
    solde("company", "create", "acme", "--name", "ACME SAS")
    clients = tmp_path / "clients.csv"
    clients.write_text("Code client;Raison sociale;Ville\nC1;Boulangerie Martin;Lyon\n")
    imported = _json(solde("import", "customers", str(clients), "--company", "acme", "--json"))
    assert (imported["created"], imported["rows"]) == (1, 1)
    draft = _json(
        solde(
            "invoice",
            "create",
            "--company",
            "acme",
            "--customer",
            "C1",
            "--line",
            "Pain|100|1,20|5.5",
            "--json",
        )
    )
    assert (draft["number"], draft["status"]) == ("", "draft")
    issued = _json(solde("invoice", "issue", draft["id"], "--company", "acme", "--json"))
    assert (issued["number"], issued["total"]) == ("FA-2026-00001", "126.60")
    note = _json(
        solde(
            "invoice",
            "credit-note",
            "FA-2026-00001",
            "--company",
            "acme",
            "--reason",
            "Erreur de quantité",
            "--json",
        )
    )
    assert (note["number"], note["corrects"], note["total"]) == (
        "AV-2026-00001",
        "FA-2026-00001",
        "126.60",
    )
    shown = _json(solde("invoice", "show", "FA-2026-00001", "--company", "acme", "--json"))
    assert (shown["balance"], shown["status"]) == ("0.00", "cancelled")
