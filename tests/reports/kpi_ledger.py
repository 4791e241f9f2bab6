"""A ledger whose figures are computed by hand in the KPI tests (amounts at 0 % VAT).

    I1 BETA   600  issued 07-01 due 07-31  200 paid 10-15; disputed 09-01 .. resolved 10-01
    I2 ALPHA  400  issued 08-15 due 09-14  paid in full 09-10 (26 days, on time)
    I6 ALPHA  250  issued 09-01 due 10-01  disputed from 10-05, still open
    I3 ALPHA 1000  issued 10-01 due 10-31  credit note 100 on 11-10, 900 paid 11-18
                                           (paid in full: 48 days, 18 late)
    I4 BETA   500  issued 10-20 due 11-19  100 paid 10-25 undone 11-08 (that 100 becomes
                                           BETA's credit), 500 paid 11-12 (23 days, on time)
    I5 ALPHA  300  issued 11-05 due 12-05
    ALPHA pays 50 on 11-16 without an invoice: credit.
    An invoice in USD and a draft, which no figure counts; another company's invoice.

All dates in 2026; today is 2026-11-20.
"""

from __future__ import annotations

from datetime import date

from solde.core import clock
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.services import allocation_undo, payment_record
from solde.reminders.services import dispute_open, dispute_resolve
from tests.builders import line, make_customer, make_invoice


def day(text: str) -> date:
    return date.fromisoformat(f"2026-{text}")


def _invoice(company, customer, price, issued, due, **fields):
    return make_invoice(
        company,
        customer,
        lines=[line(price, rate="0")],
        issue_date=day(issued),
        due_date=day(due),
        **fields,
    )


def build(company, other_company) -> dict:
    alpha = make_customer(company, "ALPHA", name="Alpha SA")
    beta = make_customer(company, "BETA", name="Beta SARL")
    i1 = _invoice(company, beta, "600", "07-01", "07-31")
    i2 = _invoice(company, alpha, "400", "08-15", "09-14")
    i6 = _invoice(company, alpha, "250", "09-01", "10-01")
    i3 = _invoice(company, alpha, "1000", "10-01", "10-31")
    i4 = _invoice(company, beta, "500", "10-20", "11-19")
    _invoice(company, beta, "70", "11-02", "12-02", currency="USD")
    i5 = _invoice(company, alpha, "300", "11-05", "12-05")
    make_invoice(company, beta, lines=[line("999", rate="0")], issue=False)
    _invoice(other_company, make_customer(other_company, "ALPHA"), "5000", "10-01", "10-31")

    with clock.frozen(day("09-01")):
        first = dispute_open(invoice=i1, reason="Livraison incomplète")
    with clock.frozen(day("10-01")):
        dispute_resolve(dispute=first, resolution="Reliquat livré")
    with clock.frozen(day("10-05")):
        dispute_open(invoice=i6, reason="Prix contesté")
    payment_record(company=company, amount="400", date=day("09-10"), invoices=[i2])
    payment_record(company=company, amount="200", date=day("10-15"), invoices=[i1])
    mistaken = payment_record(company=company, amount="100", date=day("10-25"), invoices=[i4])
    with clock.frozen(day("11-08")):
        allocation_undo(allocation=mistaken.allocations.get(), reason="Mauvaise facture")
    with clock.frozen(day("11-10")):
        invoice_issue(invoice=credit_note_create(invoice=i3, lines=[line("100", rate="0")]))
    payment_record(company=company, amount="500", date=day("11-12"), invoices=[i4])
    payment_record(company=company, amount="50", date=day("11-16"), customer=alpha)
    payment_record(company=company, amount="900", date=day("11-18"), invoices=[i3])
    return {"alpha": alpha, "beta": beta, "i1": i1, "i3": i3, "i4": i4, "i5": i5, "i6": i6}
