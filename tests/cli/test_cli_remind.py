"""`solde remind` and `solde rates`, as a user runs them (DESIGN.md's CLI contract)."""

import json


def setup_company(solde) -> None:
    solde("company", "create", "acme", "--name", "ACME SAS", "--siren", "732829320")
    solde("customer", "create", "--company", "acme", "--code", "DUPONT", "--name", "Dupont SARL",
          "--email", "compta@dupont.test")  # fmt: skip
    for issued, due in (("2026-10-01", "2026-10-16"), ("2026-10-20", "2026-11-17")):
        solde("invoice", "create", "--company", "acme", "--customer", "DUPONT",
              "--line", "Conseil|1|500|20", "--date", issued, "--due", due, "--issue")  # fmt: skip


def test_remind_prints_what_it_would_send_then_sends_it_once(solde):
    setup_company(solde)
    dry = json.loads(solde("remind", "--company", "acme", "--dry-run", "--json").stdout)
    assert dry["today"] == "2026-11-20"
    (message,) = dry["messages"]
    # J+35 and J+3: one message, the firmest step (the formal notice, a letter).
    assert (message["customer_code"], message["step"], message["channel"]) == (
        "DUPONT",
        "Mise en demeure",
        "letter",
    )
    # 600.00 × 12.15 % × 35/365 = 6.99 interest + the 40.00 indemnity; the J+3 invoice's
    # own step (a friendly reminder) claims no fees.
    assert message["invoices"] == [
        {"number": "FA-2026-00001", "balance": "600.00", "days_overdue": 35, "late_fee": "46.99"},
        {"number": "FA-2026-00002", "balance": "600.00", "days_overdue": 3, "late_fee": "0.00"},
    ]
    assert message["total_due"] == "1200.00"

    sent = json.loads(solde("remind", "--company", "acme", "--json").stdout)
    assert sent["messages"] == dry["messages"]
    again = json.loads(solde("remind", "--company", "acme", "--json").stdout)
    assert again == {"today": "2026-11-20", "messages": []}


def test_remind_on_a_saturday_sends_nothing(solde):
    setup_company(solde)
    done = solde("remind", "--company", "acme", "--today", "2026-11-21", "--json")
    assert json.loads(done.stdout) == {"today": "2026-11-21", "messages": []}


def test_rates_set_adds_an_ecb_rate_and_a_bad_one_is_refused(solde):
    before = json.loads(solde("rates", "list", "--json").stdout)["rates"]
    assert before[-1] == {"start": "2025-06-11", "rate": "2.15"}
    solde("rates", "set", "2026-12-17", "2.00")
    after = json.loads(solde("rates", "list", "--json").stdout)["rates"]
    assert after[-1] == {"start": "2026-12-17", "rate": "2.00"}
    bad = solde("rates", "set", "2026-12-17", "douze", check=False)
    assert bad.returncode == 1 and "rate" in bad.stderr
