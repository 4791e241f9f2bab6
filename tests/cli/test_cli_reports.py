"""`solde report aging`, as a user runs it (DESIGN.md's CLI contract)."""

import json


def setup_company(solde) -> None:
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    for code, name in (("BETA", "Beta SARL"), ("ALPHA", "Alpha SA")):
        solde("customer", "create", "--company", "acme", "--code", code, "--name", name)
    for customer, issued, due in (
        ("BETA", "2026-08-01", "2026-08-31"),  # 81 days late on 2026-11-20
        ("ALPHA", "2026-10-01", "2026-10-21"),  # exactly 30 days late
        ("ALPHA", "2026-11-01", "2026-12-01"),  # not due
    ):
        solde("invoice", "create", "--company", "acme", "--customer", customer,
              "--line", "Conseil|1|500|20", "--date", issued, "--due", due, "--issue")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "250", "--date", "2026-11-10",
          "--invoice", "FA-2026-00001")  # fmt: skip
    # Alpha's 80 is customer credit: reported apart, not in the buckets.
    solde("payment", "record", "--company", "acme", "--amount", "80", "--date", "2026-11-12",
          "--customer", "ALPHA")  # fmt: skip


def aged(solde, *extra) -> dict:
    return json.loads(solde("report", "aging", "--company", "acme", "--json", *extra).stdout)


def buckets(not_due="0.00", b30="0.00", b60="0.00", b90="0.00", over="0.00") -> dict:
    return {"not_due": not_due, "1_30": b30, "31_60": b60, "61_90": b90, "over_90": over}


def test_report_aging_prints_the_contract_today_and_before_a_payment(solde):
    setup_company(solde)
    assert aged(solde) == {
        "as_of": "2026-11-20",
        "currency": "EUR",
        "total": "1550.00",
        "buckets": buckets(not_due="600.00", b30="600.00", b90="350.00"),
        "customers": [
            {
                "code": "ALPHA",
                "name": "Alpha SA",
                "total": "1200.00",
                "buckets": buckets(not_due="600.00", b30="600.00"),
            },  # fmt: skip
            {
                "code": "BETA",
                "name": "Beta SARL",
                "total": "350.00",
                "buckets": buckets(b90="350.00"),
            },  # fmt: skip
        ],
    }
    before = aged(solde, "--as-of", "2026-11-09")  # the day before Beta's payment
    assert before["total"] == "1800.00"
    assert before["buckets"] == buckets(not_due="600.00", b30="600.00", b90="600.00")
    assert before["customers"][1]["total"] == "600.00"


def test_report_aging_without_json_prints_a_table(solde):
    setup_company(solde)
    done = solde("report", "aging", "--company", "acme")
    assert "Aged balance at 2026-11-20 (EUR)" in done.stdout
    assert "ALPHA" in done.stdout and "1550.00" in done.stdout
    assert "Customer credit, not netted above: 80.00 EUR." in done.stdout


def test_report_aging_refuses_an_unknown_company_and_a_bad_date(solde):
    unknown = solde("report", "aging", "--company", "nope", "--json", check=False)
    assert unknown.returncode == 1 and "company" in unknown.stderr
    bad = solde("report", "aging", "--company", "acme", "--as-of", "20/11/2026", check=False)
    assert bad.returncode == 2
