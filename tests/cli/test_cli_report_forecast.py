"""`solde report forecast` and `solde report risk`, as a user runs them (today 2026-11-20).

ALPHA paid F1 2 days late, F2 5 days late, F4 1 day early: its habit is low −1, median
2, high 5. F5 (1000, due 11-30) is then expected on 12-02, between 11-29 and 12-05.
BETA's F3 (250, due 07-31) is 112 days past due: not expected.
"""

import json

INVOICES = """number,customer_code,customer_name,issue_date,due_date,total,amount_paid,payment_date
F1,ALPHA,Alpha SA,2026-06-01,2026-06-30,100.00,100.00,2026-07-02
F2,ALPHA,Alpha SA,2026-07-01,2026-07-31,100.00,100.00,2026-08-05
F3,BETA,Beta SARL,2026-07-01,2026-07-31,250.00,,
F4,ALPHA,Alpha SA,2026-08-01,2026-08-31,100.00,100.00,2026-08-30
F5,ALPHA,Alpha SA,2026-11-01,2026-11-30,1000.00,,
"""


def setup_company(solde, tmp_path) -> None:
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    (tmp_path / "invoices.csv").write_text(INVOICES)
    solde("import", "invoices", "invoices.csv", "--company", "acme")


def report(solde, name: str, *extra) -> dict:
    return json.loads(solde("report", name, "--company", "acme", "--json", *extra).stdout)


def week(start, end, expected="0.00", low="0.00", high="0.00", invoices=0) -> dict:
    return {"start": start, "end": end, "expected": expected, "low": low, "high": high,
            "invoices": invoices}  # fmt: skip


def test_report_forecast_prints_the_contract_today_and_at_an_earlier_date(solde, tmp_path):
    setup_company(solde, tmp_path)
    doc = report(solde, "forecast", "--weeks", "4")
    assert doc == {
        "as_of": "2026-11-20",
        "currency": "EUR",
        "weeks": [
            week("2026-11-21", "2026-11-27"),
            week("2026-11-28", "2026-12-04", "1000.00", "0.00", "1000.00", 1),
            week("2026-12-05", "2026-12-11", high="1000.00"),  # up to 12-05
            week("2026-12-12", "2026-12-18"),
        ],
        "total_expected": "1000.00",
        "not_expected": {"amount": "250.00", "invoices": 1},
        "beyond": {"amount": "0.00", "invoices": 0},
    }
    assert len(report(solde, "forecast")["weeks"]) == 13
    # On 10-15, F3 was 76 days late, so still expected; BETA has no history and
    # uses the company's habit (ALPHA's): median 2, so 08-02, past: 10-16 .. 10-19.
    before = report(solde, "forecast", "--as-of", "2026-10-15", "--weeks", "2")
    assert before["weeks"] == [
        week("2026-10-16", "2026-10-22", "250.00", "250.00", "250.00", 1),
        week("2026-10-23", "2026-10-29"),
    ]
    assert before["not_expected"] == {"amount": "0.00", "invoices": 0}


def test_report_forecast_without_json_prints_a_table(solde, tmp_path):
    setup_company(solde, tmp_path)
    out = solde("report", "forecast", "--company", "acme", "--weeks", "2").stdout
    assert "2026-11-28" in out and "1000.00" in out
    assert "Not expected (disputed or long overdue): 250.00 (1 invoices)." in out


def test_report_forecast_refuses_a_bad_number_of_weeks(solde):
    done = solde("report", "forecast", "--company", "acme", "--weeks", "0", check=False)
    assert done.returncode == 2 and "weeks" in done.stderr


def test_report_risk_lists_the_riskiest_first(solde, tmp_path):
    setup_company(solde, tmp_path)
    doc = report(solde, "risk")
    assert doc == {
        "as_of": "2026-11-20",
        "customers": [
            {
                "code": "BETA",
                "name": "Beta SARL",
                "score": 40,
                "level": "medium",
                "reasons": [
                    # 250 overdue against 250 invoiced in the year / 12 = 20.83.
                    {
                        "code": "overdue_vs_habit",
                        "points": 20,
                        "values": {"overdue": "250.00", "monthly": "20.83"},
                    },  # fmt: skip
                    {"code": "oldest_overdue", "points": 20, "values": {"days": 112}},
                ],
            },
            {
                "code": "ALPHA",
                "name": "Alpha SA",
                "score": 20,  # 1 of 3 paid on time
                "level": "low",
                "reasons": [
                    {"code": "paid_late", "points": 20, "values": {"on_time": 33, "paid": 3}}
                ],
            },
        ],
    }
    text = solde("report", "risk", "--company", "acme").stdout
    assert text.splitlines() == [
        " 40 medium BETA: overdue_vs_habit, oldest_overdue",
        " 20 low    ALPHA: paid_late",
    ]
