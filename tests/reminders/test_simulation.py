"""A company walked day by day from 16 August to 29 December 2026 (136 days), the daily
run every day, weekends and holidays included: every reminder sent is checked against
the calendar below, worked out by hand from the default plan and the rules.

Default plan: J−3 "Avis de courtoisie", J+3 "Relance amiable", J+15 "Relance ferme",
J+30 "Mise en demeure" (letter), J+45 "Escalade" (task). No message on weekends nor on
French public holidays (1 and 11 November, 25 December); at least 5 days between two
messages to one customer (tasks excepted); a missed day catches up with the latest step
due; a hold that ended (promise broken, dispute resolved) resumes with the next step.

ALPHA   A1 due Tue 15/09, never paid.
        J−3 falls on Sat 12/09 → Mon 14/09. J+3 (Fri 18/09) is 4 days after: waits for
        the gap → Mon 21/09. J+15 Wed 30/09. J+30 Thu 15/10. J+45 Fri 30/10 (task).
BETA    B1 due Wed 30/09, paid in full on Mon 05/10 before the run.
        J−3 Sun 27/09 → Mon 28/09. J+3 Sat 03/10 → Mon 05/10, but paid that morning:
        nothing more.
GAMMA   C1 due Thu 01/10; disputed Thu 08/10, resolved Mon 02/11.
        J−3 Mon 28/09. J+3 Sun 04/10 → Mon 05/10. Disputed: nothing. Resolved on 02/11,
        when J+15 and J+30 are both due: the plan resumes with the next step, J+15, on
        02/11; J+30 waits for the gap (07/11 is a Saturday) → Mon 09/11; J+45 (Sun
        15/11) → Mon 16/11 (task).
DELTA   D1 due Thu 15/10; promises on Tue 20/10 to pay by Fri 30/10; pays Wed 28/10.
        J−3 Mon 12/10. J+3 Sun 18/10 → Mon 19/10. Then nothing: the promise is kept.
EPSILON E1 due Thu 15/10; promises on Wed 21/10 to pay by Fri 06/11; never pays.
        J−3 Mon 12/10. J+3 Mon 19/10. J+15 (30/10) held until 06/11; the weekend; on
        Mon 09/11 the broken promise resumes the plan with J+15. J+30 (Sat 14/11) →
        Mon 16/11 (7 days after). J+45 (Sun 29/11) → Mon 30/11 (task).
ZETA    Z1 due Tue 10/11 and Z2 due Thu 12/11, grouped; Z1 half paid on Fri 20/11.
        J−3 of Z1 (Sat 07/11) and of Z2 (Mon 09/11): one message Mon 09/11. J+3 of Z1
        (Fri 13/11) waits for the gap; Mon 16/11 both are due: one message. J+15 of Z1
        Wed 25/11 alone; J+15 of Z2 (Fri 27/11) waits for the gap → Mon 30/11. J+30 of
        Z1 Thu 10/12; of Z2 (Sat 12/12 → Mon 14/12, 4 days after) → Tue 15/12. J+45 of
        Z1 falls on Christmas, Fri 25/12, and of Z2 on Sun 27/12: one task Mon 28/12.
ETA     H1 due Sun 08/11, paid Fri 13/11.
        J−3 Thu 05/11. J+3 falls on Wed 11/11 (Armistice) → Thu 12/11. Paid: done.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from solde.core import clock
from solde.mail.models import OutboundEmail
from solde.payments.services import payment_record
from solde.reminders.daily import daily_run
from solde.reminders.models import Promise, Reminder, ReminderLine
from solde.reminders.services import dispute_open, dispute_resolve, promise_record
from tests import builders

FIRST, LAST = date(2026, 8, 16), date(2026, 12, 29)
J_3, J3, J15, J30, J45 = (
    "Avis de courtoisie",
    "Relance amiable",
    "Relance ferme",
    "Mise en demeure",
    "Escalade",
)

# (code, invoice, due date); each is issued 30 days before it falls due.
INVOICES = [
    ("ALPHA", "A1", date(2026, 9, 15)),
    ("BETA", "B1", date(2026, 9, 30)),
    ("GAMMA", "C1", date(2026, 10, 1)),
    ("DELTA", "D1", date(2026, 10, 15)),
    ("EPSILON", "E1", date(2026, 10, 15)),
    ("ETA", "H1", date(2026, 11, 8)),
    ("ZETA", "Z1", date(2026, 11, 10)),
    ("ZETA", "Z2", date(2026, 11, 12)),
]

EXPECTED = sorted(
    [
        (date(2026, 9, 14), "ALPHA", J_3, "email", ("A1",)),
        (date(2026, 9, 21), "ALPHA", J3, "email", ("A1",)),
        (date(2026, 9, 30), "ALPHA", J15, "email", ("A1",)),
        (date(2026, 10, 15), "ALPHA", J30, "letter", ("A1",)),
        (date(2026, 10, 30), "ALPHA", J45, "task", ("A1",)),
        (date(2026, 9, 28), "BETA", J_3, "email", ("B1",)),
        (date(2026, 9, 28), "GAMMA", J_3, "email", ("C1",)),
        (date(2026, 10, 5), "GAMMA", J3, "email", ("C1",)),
        (date(2026, 11, 2), "GAMMA", J15, "email", ("C1",)),
        (date(2026, 11, 9), "GAMMA", J30, "letter", ("C1",)),
        (date(2026, 11, 16), "GAMMA", J45, "task", ("C1",)),
        (date(2026, 10, 12), "DELTA", J_3, "email", ("D1",)),
        (date(2026, 10, 19), "DELTA", J3, "email", ("D1",)),
        (date(2026, 10, 12), "EPSILON", J_3, "email", ("E1",)),
        (date(2026, 10, 19), "EPSILON", J3, "email", ("E1",)),
        (date(2026, 11, 9), "EPSILON", J15, "email", ("E1",)),
        (date(2026, 11, 16), "EPSILON", J30, "letter", ("E1",)),
        (date(2026, 11, 30), "EPSILON", J45, "task", ("E1",)),
        (date(2026, 11, 9), "ZETA", J_3, "email", ("Z1", "Z2")),
        (date(2026, 11, 16), "ZETA", J3, "email", ("Z1", "Z2")),
        (date(2026, 11, 25), "ZETA", J15, "email", ("Z1",)),
        (date(2026, 11, 30), "ZETA", J15, "email", ("Z2",)),
        (date(2026, 12, 10), "ZETA", J30, "letter", ("Z1",)),
        (date(2026, 12, 15), "ZETA", J30, "letter", ("Z2",)),
        (date(2026, 12, 28), "ZETA", J45, "task", ("Z1", "Z2")),
        (date(2026, 11, 5), "ETA", J_3, "email", ("H1",)),
        (date(2026, 11, 12), "ETA", J3, "email", ("H1",)),
    ]
)


class Company:
    """The company's life: its customers, invoices by their short names, and what
    happens each day before the run."""

    def __init__(self, seller):
        self.seller = seller
        self.customers = {
            code: builders.make_customer(seller, code, email=f"compta@{code.lower()}.test")
            for code in dict.fromkeys(code for code, _, _ in INVOICES)
        }
        self.invoices, self.names = {}, {}

    def issue_due(self, today: date) -> None:
        for code, name, due in INVOICES:
            if due - timedelta(days=30) == today:
                invoice = builders.make_invoice(
                    self.seller, self.customers[code], issue_date=today, due_date=due
                )
                self.invoices[name], self.names[invoice.number] = invoice, name

    def pay(self, name: str, amount: str, today: date) -> None:
        invoice = self.invoices[name]
        payment_record(
            company=self.seller,
            customer=invoice.customer,
            amount=amount,
            date=today,
            invoices=[invoice],
        )

    def promise(self, name: str, by: date) -> None:
        invoice = self.invoices[name]
        invoice.refresh_from_db()
        promise_record(customer=invoice.customer, invoices=[invoice], promised_date=by)

    def events(self, today: date) -> None:
        """What happens on `today` before the morning run."""
        happenings = {
            date(2026, 10, 5): lambda: self.pay("B1", "120.00", today),
            date(2026, 10, 8): lambda: self.dispute("C1"),
            date(2026, 10, 20): lambda: self.promise("D1", date(2026, 10, 30)),
            date(2026, 10, 21): lambda: self.promise("E1", date(2026, 11, 6)),
            date(2026, 10, 28): lambda: self.pay("D1", "120.00", today),
            date(2026, 11, 2): lambda: dispute_resolve(
                dispute=self.disputed, resolution="Delivery confirmed"
            ),
            date(2026, 11, 13): lambda: self.pay("H1", "120.00", today),
            date(2026, 11, 20): lambda: self.pay("Z1", "60.00", today),
        }
        if today in happenings:
            happenings[today]()

    def dispute(self, name: str) -> None:
        self.disputed = dispute_open(invoice=self.invoices[name], reason="Goods not received")


def sent(company: Company) -> list[tuple]:
    out = []
    for reminder in Reminder.objects.order_by("run_date", "id").select_related("customer", "step"):
        numbers = reminder.lines.order_by("invoice__due_date").values_list(
            "invoice__number", flat=True
        )
        names = tuple(company.names[n] for n in numbers)
        out.append(
            (reminder.run_date, reminder.customer.code, reminder.step.name, reminder.channel, names)
        )
    return sorted(out)


def walk(company: Company, first: date, last: date) -> None:
    day = first
    while day <= last:
        with clock.frozen(day):
            company.issue_due(day)
            company.events(day)
            daily_run(company_id=company.seller.pk)
        day += timedelta(days=1)


def test_120_days_of_reminders_follow_the_calendar(seller):
    seller.reminder_min_gap_days = 5
    seller.save(update_fields=["reminder_min_gap_days"])
    company = Company(seller)
    walk(company, FIRST, LAST)

    assert sent(company) == EXPECTED
    # Each email or letter went to the outbox exactly once; tasks went to the owner.
    mailed = [row for row in EXPECTED if row[3] != "task"]
    assert OutboundEmail.objects.filter(kind="reminder").count() == len(mailed)
    assert not Reminder.objects.filter(channel="task", status="queued").exists()
    # The promise kept and the promise broken are recorded as such.
    statuses = dict(Promise.objects.values_list("customer__code", "status"))
    assert statuses == {"DELTA": Promise.KEPT, "EPSILON": Promise.BROKEN}


def test_the_formal_notice_counts_interest_on_what_was_still_owed_each_day(seller):
    """Z1's letter of 10/12: 120.00 owed from 11/11 to 19/11 (9 days), 60.00 from 20/11
    to 10/12 (21 days), at the ECB rate of 1 July 2026 (2.15 %) + 10 points:
    120 × 12.15 % × 9/365 = 0.35951 and 60 × 12.15 % × 21/365 = 0.41942, so 0.78;
    plus the 40.00 fixed indemnity."""
    company = Company(seller)
    walk(company, FIRST, date(2026, 12, 10))
    line = ReminderLine.objects.get(invoice=company.invoices["Z1"], step__name=J30)
    assert line.balance == Decimal("60.00")
    assert line.days_overdue == 30
    assert (line.interest, line.indemnity) == (Decimal("0.78"), Decimal("40.00"))
