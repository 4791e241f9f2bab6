"""A ledger whose forecast and risk scores are computed by hand (amounts at 0 % VAT).

    P1 ALPHA  100  issued 06-01 due 06-30  paid 07-02 (2 days late)
    P2 ALPHA  200  issued 07-01 due 07-31  paid 08-05 (5 days late)
    G1 GAMMA  250  issued 07-01 due 07-31  never paid
    P3 ALPHA  300  issued 08-01 due 08-31  paid 08-30 (1 day early)
    P4 BETA   400  issued 08-01 due 08-31  disputed 08-10 .. resolved 08-20, paid 09-20 (20 late)
    B2 BETA   300  issued 10-01 due 10-31  disputed from 11-05, still open
    A2 ALPHA  600  issued 10-15 due 11-14  200 paid 11-18; promised for 11-12, broken
    A1 ALPHA 1000  issued 11-01 due 11-30
    U1 GAMMA   70  USD, issued 11-02 due 12-02
    B1 BETA   500  issued 11-10 due 12-10
    Another company's invoice, which nothing here counts.

All dates in 2026; today is 2026-11-20.
"""

from __future__ import annotations

from solde.core import clock
from solde.payments.services import payment_record
from solde.reminders.services import dispute_open, dispute_resolve, holds_settle, promise_record
from tests.builders import make_customer
from tests.reports.kpi_ledger import _invoice, day  # the same ledger conventions


def _pay(company, invoice, amount, on):
    payment_record(company=company, amount=amount, date=day(on), invoices=[invoice])


def build(company, other_company) -> dict:
    alpha = make_customer(company, "ALPHA", name="Alpha SA")
    beta = make_customer(company, "BETA", name="Beta SARL")
    gamma = make_customer(company, "GAMMA", name="Gamma SAS")
    rows = {"ALPHA": alpha, "BETA": beta, "GAMMA": gamma}
    for name, customer, price, issued, due, extra in (
        ("P1", alpha, "100", "06-01", "06-30", {}),
        ("P2", alpha, "200", "07-01", "07-31", {}),
        ("G1", gamma, "250", "07-01", "07-31", {}),
        ("P3", alpha, "300", "08-01", "08-31", {}),
        ("P4", beta, "400", "08-01", "08-31", {}),
        ("B2", beta, "300", "10-01", "10-31", {}),
        ("A2", alpha, "600", "10-15", "11-14", {}),
        ("A1", alpha, "1000", "11-01", "11-30", {}),
        ("U1", gamma, "70", "11-02", "12-02", {"currency": "USD"}),
        ("B1", beta, "500", "11-10", "12-10", {}),
    ):
        rows[name] = _invoice(company, customer, price, issued, due, **extra)
    other = make_customer(other_company, "ALPHA")
    rows["OTHER"] = _invoice(other_company, other, "5000", "10-01", "10-31")

    _pay(company, rows["P1"], "100", "07-02")
    _pay(company, rows["P2"], "200", "08-05")
    _pay(company, rows["P3"], "300", "08-30")
    with clock.frozen(day("08-10")):
        dispute = dispute_open(invoice=rows["P4"], reason="Quantité")
    with clock.frozen(day("08-20")):
        dispute_resolve(dispute=dispute, resolution="Livré")
    _pay(company, rows["P4"], "400", "09-20")
    with clock.frozen(day("11-05")):
        dispute_open(invoice=rows["B2"], reason="Prix")
    with clock.frozen(day("11-10")):
        promise_record(customer=alpha, invoices=[rows["A2"]], promised_date=day("11-12"))
    holds_settle(company=company, today=day("11-13"))
    _pay(company, rows["A2"], "200", "11-18")
    return rows
