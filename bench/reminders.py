"""The daily reminder run at scale: 100,000 overdue invoices of 20,000 customers.

    .venv/bin/python bench/reminders.py              # 100,000 invoices, 20,000 customers
    .venv/bin/python bench/reminders.py --invoices 10000 --customers 2000

Customers (each with an email address, a few with a second contact, a few paused or
excluded, some in a segment with its own plan) and their issued invoices are written
with bulk_create (set-up, not timed), due on days spread over the last 60 days and the
next 5, so every step of the default French plan is due for someone, formal notices
with late fees included; some invoices have promises, some are disputed. Then one
`reminders_run` of the default plan is timed: planning, reading everything again inside
each chunk's transaction, writing the reminders, their lines and their emails to the
outbox. Delivery (the worker's job) is not part of it. Prints counts, the time of the
planning alone and of the whole run, and the peak memory. Never asserts.
SQLite in a fresh data directory unless SOLDE_DATABASE_URL is set (then it is FLUSHED).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_ready  # noqa: E402

TODAY = date(2026, 11, 30)  # a Monday
BATCH = 5000


def write_case(company, invoices: int, customers: int, seed: int) -> None:
    from solde.customers.models import Contact, Customer
    from solde.invoicing.models import Invoice
    from solde.reminders.models import CustomerReminders, Promise

    rng = random.Random(seed)
    rows = [
        Customer(
            company=company,
            code=f"C{n:05d}",
            name=f"Client {n} SARL",
            email=f"compta{n}@client.test",
            segment="vip" if n % 10 == 0 else "",
        )
        for n in range(customers)
    ]
    Customer.objects.bulk_create(rows, batch_size=BATCH)
    Contact.objects.bulk_create(
        (Contact(customer=c, email=f"dg@{c.code.lower()}.test", name="DG") for c in rows[::7]),
        batch_size=BATCH,
    )
    CustomerReminders.objects.bulk_create(
        (CustomerReminders(customer=c, paused=True) for c in rows[3::50]), batch_size=BATCH
    )
    made = []
    for n in range(invoices):
        customer = rows[n % customers]
        due = TODAY - timedelta(days=rng.randint(-5, 60))
        total = Decimal(rng.randint(5_000, 500_000)) / 100
        made.append(
            Invoice(
                company=company,
                customer=customer,
                number=f"FA-2026-{n:06d}",
                state="issued",
                kind="invoice",
                issue_date=due - timedelta(days=30),
                due_date=due,
                total_excl_tax=total,
                total=total,
                balance=total,
                status="open",
                disputed=n % 97 == 0,
            )
        )
    Invoice.objects.bulk_create(made, batch_size=BATCH)
    for invoice in made[5::211]:
        promise = Promise.objects.create(
            company=company,
            customer=invoice.customer,
            promised_date=TODAY + timedelta(days=10),
            amount=invoice.balance,
        )
        promise.invoices.add(invoice)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    vendor = django_ready()

    from solde.companies.services import company_create
    from solde.core import clock
    from solde.mail.models import OutboundEmail
    from solde.reminders.models import Reminder, ReminderLine, ReminderPlan
    from solde.reminders.run import plan_for, reminders_run
    from solde.reminders.services import plan_default_ensure

    clock.set_today(TODAY)
    company = company_create(slug="bench", name="Bench SAS", iban="FR7630006000011234567890189")
    plan = plan_default_ensure(company=company)
    vip = ReminderPlan.objects.create(company=company, name="VIP", segments=["vip"])
    for step in plan.steps.all():
        step.pk, step.plan = None, vip
        step.offset_days += 2
        step.save()
    started = time.perf_counter()
    write_case(company, args.invoices, args.customers, args.seed)
    print(
        f"database: {vendor}; {args.invoices:,} open invoices of {args.customers:,} customers "
        f"due from {TODAY - timedelta(days=60)} to {TODAY + timedelta(days=5)}; "
        f"set up in {time.perf_counter() - started:.0f} s"
    )
    started = time.perf_counter()
    planned, _details = plan_for(company, TODAY)
    planning = time.perf_counter() - started
    print(f"planning alone: {len(planned):,} messages in {planning:.2f} s")

    started = time.perf_counter()
    report = reminders_run(company=company, today=TODAY)
    total = time.perf_counter() - started
    lines = ReminderLine.objects.count()
    print(
        f"run: {Reminder.objects.count():,} reminders ({report.emails:,} emails, "
        f"{report.letters:,} letters, {report.tasks:,} tasks, {report.by_hand:,} by hand) "
        f"covering {lines:,} invoices; {OutboundEmail.objects.count():,} emails in the outbox"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"planned and queued in {total:.1f} s; peak RSS {peak:,.0f} MB (set-up included)")


if __name__ == "__main__":
    main()
