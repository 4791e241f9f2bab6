"""`solde report kpis`, as a user runs it (DESIGN.md's CLI contract)."""

import json


def setup_company(solde) -> None:
    """Three invoices of 600 (500 + 20 % VAT); today is 2026-11-20."""
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    for code, name in (("BETA", "Beta SARL"), ("ALPHA", "Alpha SA")):
        solde("customer", "create", "--company", "acme", "--code", code, "--name", name)
    for customer, issued, due in (
        ("BETA", "2026-08-01", "2026-08-31"),  # FA-2026-00001
        ("ALPHA", "2026-10-01", "2026-10-21"),  # FA-2026-00002
        ("ALPHA", "2026-11-01", "2026-12-01"),  # FA-2026-00003
    ):
        solde("invoice", "create", "--company", "acme", "--customer", customer,
              "--line", "Conseil|1|500|20", "--date", issued, "--due", due, "--issue")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "250", "--date", "2026-11-10",
          "--invoice", "FA-2026-00001")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "80", "--date", "2026-11-12",
          "--customer", "ALPHA")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "600", "--date", "2026-11-15",
          "--invoice", "FA-2026-00002")  # fmt: skip


def figures(solde, *extra) -> dict:
    return json.loads(solde("report", "kpis", "--company", "acme", "--json", *extra).stdout)


def test_report_kpis_prints_the_contract(solde):
    setup_company(solde)
    assert figures(solde) == {
        "as_of": "2026-11-20",
        "currency": "EUR",
        "days": 90,
        "window_start": "2026-08-23",
        # Open: FA1 600 − 250 (81 days late), FA3 600 not due; FA2 paid on 11-15.
        "receivables": "950.00",
        "not_due": "600.00",
        "overdue": "350.00",
        "disputed": "0.00",
        "credit": "80.00",
        "doubtful": "0.00",  # 81 days is not over 90
        "opening": "600.00",  # FA1 at 08-22
        "invoiced": "1200.00",  # FA2 + FA3
        "dso": "71.3",  # 950 / 1200 × 90 = 71.25
        # November's 600 (20 days) leaves 350 of October's 600: 350 / 600 × 31 = 18.08.
        "count_back_dso": "38.1",
        "best_possible_dso": "45.0",  # 600 / 1200 × 90
        "cei": "70.83",  # (600 + 1200 − 950) / (600 + 1200 − 600) = 850 / 1200
        "turnover": "1.55",  # 1200 / ((600 + 950) / 2)
        "invoices_paid": 1,  # FA2: 45 days after issue, 25 after its due date
        "on_time_rate": "0.00",
        "average_days_to_pay": "45.0",
        "average_days_late": "25.0",
        "doubtful_ratio": "0.00",
    }


def test_report_kpis_before_the_payments_and_over_30_days(solde):
    setup_company(solde)
    before = figures(solde, "--as-of", "2026-11-09")
    # Three 600s open; invoiced 08-12 .. 11-09: FA2 + FA3. Nothing paid yet: undefined.
    assert (before["receivables"], before["overdue"], before["credit"]) == (
        "1800.00",
        "1200.00",
        "0.00",
    )
    assert (before["invoiced"], before["dso"]) == ("1200.00", "135.0")  # 1800 / 1200 × 90
    assert (before["invoices_paid"], before["on_time_rate"], before["average_days_late"]) == (
        0,
        None,
        None,
    )
    month = figures(solde, "--days", "30")
    # 10-22 .. 11-20 invoiced FA3's 600: 950 / 600 × 30.
    assert (month["days"], month["invoiced"], month["dso"]) == (30, "600.00", "47.5")


def test_report_kpis_without_json_prints_a_table(solde):
    setup_company(solde)
    done = solde("report", "kpis", "--company", "acme", "--as-of", "2026-11-09")
    assert "Receivables at 2026-11-09 (EUR), 90 days from 2026-08-12" in done.stdout
    assert "1800.00" in done.stdout and "135.0" in done.stdout


def test_report_kpis_refuses_bad_input(solde):
    unknown = solde("report", "kpis", "--company", "nope", "--json", check=False)
    assert unknown.returncode == 1 and "company" in unknown.stderr
    for days in ("0", "-3", "ten"):
        bad = solde("report", "kpis", "--company", "acme", "--days", days, check=False)
        assert bad.returncode == 2 and "days" in bad.stderr
