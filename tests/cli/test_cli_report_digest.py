"""`solde report digest`, as a user runs it (today is Friday 2026-11-20)."""

import json


def setup_company(solde) -> None:
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    solde("user", "create", "patron@acme.test", "--company", "acme", "--role", "owner")
    for code, name in (("ALPHA", "Alpha SA"), ("BETA", "Beta SARL")):
        solde("customer", "create", "--company", "acme", "--code", code, "--name", name)
    for customer, issued, due in (
        ("ALPHA", "2026-10-01", "2026-11-14"),  # FA-2026-00001, late from the 15th
        ("BETA", "2026-10-02", "2026-11-10"),  # FA-2026-00002, late from the 11th
    ):
        solde("invoice", "create", "--company", "acme", "--customer", customer,
              "--line", "Conseil|1|500|20", "--date", issued, "--due", due, "--issue")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "100", "--date", "2026-11-12",
          "--invoice", "FA-2026-00001")  # fmt: skip
    solde("payment", "record", "--company", "acme", "--amount", "250", "--date", "2026-11-16",
          "--invoice", "FA-2026-00002")  # fmt: skip


def digest(solde, *extra) -> dict:
    return json.loads(solde("report", "digest", "--company", "acme", "--json", *extra).stdout)


def test_report_digest_of_the_week_ending_yesterday(solde):
    setup_company(solde)
    doc = digest(solde)
    assert (doc["start"], doc["as_of"], doc["currency"]) == ("2026-11-13", "2026-11-19", "EUR")
    # Paid in the week: Beta's 250 of the 16th (Alpha's 100 of the 12th is the week before).
    assert doc["payments"] == {
        "count": 1,
        "total": "250.00",
        "largest": [
            {"customer": "Beta SARL", "number": "", "amount": "250.00", "date": "2026-11-16"}
        ],
    }
    # Alpha's invoice became late on the 15th: 600 − 100 open. Beta's was late already.
    assert doc["newly_overdue"]["count"] == 1
    assert doc["newly_overdue"]["largest"][0]["number"] == "FA-2026-00001"
    assert doc["newly_overdue"]["total"] == "500.00"
    assert {key: group["count"] for key, group in doc["escalations"].items()} == {
        "tasks": 0,
        "formal_notices": 0,
        "disputes": 0,
        "broken_promises": 0,
    }
    # Open at the 19th: 500 + 350, all late. Invoiced over the 90 days: 1200.
    # DSO 850 / 1200 × 90 = 63.75 → 63.8; on the 12th 1100 / 1200 × 90 = 82.5.
    assert (doc["receivables"], doc["overdue"]) == ("850.00", "850.00")
    assert (doc["dso"], doc["dso_before"], doc["dso_change"]) == ("63.8", "82.5", "-18.7")


def test_report_digest_as_of_a_day_before_a_payment(solde):
    setup_company(solde)
    doc = digest(solde, "--as-of", "2026-11-15")  # Beta's 250 of the 16th is after
    assert (doc["start"], doc["payments"]["count"]) == ("2026-11-09", 1)
    assert doc["payments"]["largest"][0]["customer"] == "Alpha SA"
    assert doc["receivables"] == "1100.00"


def test_report_digest_without_json_prints_the_email_in_french(solde):
    setup_company(solde)
    out = solde("report", "digest", "--company", "acme").stdout.replace("\xa0", " ")
    assert "ACME SAS : point hebdomadaire, 13–19 nov. 2026" in out
    assert "Paiements reçus : 1, soit 250,00 €" in out
    assert "DSO : 63,8 jours (82,5 une semaine plus tôt, -18,7)." in out


def test_report_digest_send_queues_it_once(solde):
    setup_company(solde)
    sent = digest(solde, "--send")
    assert (sent["queued"], sent["recipients"]) == (True, ["patron@acme.test"])
    assert sent["payments"]["total"] == "250.00"
    again = digest(solde, "--send")
    assert (again["queued"], again["recipients"]) == (False, ["patron@acme.test"])
    told = solde("report", "digest", "--company", "acme", "--send").stdout
    assert "already sent to patron@acme.test" in told


def test_report_digest_refuses_an_unknown_company_and_a_bad_date(solde):
    unknown = solde("report", "digest", "--company", "nope", "--json", check=False)
    assert unknown.returncode == 1 and "company" in unknown.stderr
    bad = solde("report", "digest", "--company", "acme", "--as-of", "19/11/2026", check=False)
    assert bad.returncode == 2
