"""What the process tests run in real processes, on a data directory of their own
(SOLDE_DATA_DIR, SQLite): `python -m tests.reminders.processes ACTION [ARG]`.

    setup N        a company with the default plan, enabled, and N customers, each with
                   two overdue invoices; prints the company id
    plan           prints how many reminders the run of today would write
    run            the company's run of today (reminders_run), chunk by chunk
    enqueue N      queue the daily job N times (to Redis when SOLDE_REDIS_URL is set)
    deliver        deliver every queued email; prints how many were sent
    counts         prints JSON: reminders, emails, lines, customers reminded more than once
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta
from decimal import Decimal

TODAY = date(2026, 11, 23)  # a Monday


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solde.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from solde.core import clock

    clock.set_today(TODAY)


def _company():
    from solde.companies.models import Company

    return Company.objects.get(slug="killed")


def setup(customers: int) -> int:
    from solde.companies.services import company_create
    from solde.customers.models import Customer
    from solde.invoicing.models import Invoice
    from solde.reminders.services import plan_default_ensure

    company = company_create(slug="killed", name="Killed SAS", iban="FR7630006000011234567890189")
    company.reminders_enabled, company.reminder_hour = True, 0
    company.save(update_fields=["reminders_enabled", "reminder_hour"])
    plan = plan_default_ensure(company=company)
    # No attachments: drawing 3,000 invoice PDFs at delivery is not what is tested here.
    plan.steps.update(attach_invoices=False, attach_statement=False)
    rows = Customer.objects.bulk_create(
        Customer(company=company, code=f"K{n:05d}", name=f"K {n}", email=f"k{n}@client.test")
        for n in range(customers)
    )
    Invoice.objects.bulk_create(
        Invoice(
            company=company,
            customer=customer,
            number=f"FA-{n:05d}-{k}",
            state="issued",
            issue_date=TODAY - timedelta(days=40),
            due_date=TODAY - timedelta(days=5 + k),
            total=Decimal("120.00"),
            balance=Decimal("120.00"),
            status="open",
        )
        for n, customer in enumerate(rows)
        for k in (0, 1)
    )
    return company.pk


def plan() -> int:
    from solde.reminders.run import reminders_run

    return len(reminders_run(company=_company(), dry_run=True).messages)


def run() -> int:
    from solde.reminders.run import reminders_run

    return len(reminders_run(company=_company()).messages)


def enqueue(times: int) -> int:
    from solde.reminders.tasks import run_reminders

    company = _company()
    for _ in range(times):
        run_reminders(company.pk)
    return times


def deliver() -> int:
    from solde.mail.models import OutboundEmail
    from solde.mail.services import outbox_deliver

    queued = OutboundEmail.objects.filter(status=OutboundEmail.QUEUED).values_list("pk", flat=True)
    return sum(outbox_deliver(email_id=pk).status == "sent" for pk in list(queued))


def counts() -> str:
    from django.db.models import Count

    from solde.mail.models import OutboundEmail
    from solde.reminders.models import Reminder, ReminderLine

    again = Reminder.objects.values("customer_id").annotate(n=Count("id")).filter(n__gt=1).count()
    return json.dumps(
        {
            "reminders": Reminder.objects.count(),
            "emails": OutboundEmail.objects.filter(kind="reminder").count(),
            "sent": OutboundEmail.objects.filter(kind="reminder", status="sent").count(),
            "lines": ReminderLine.objects.count(),
            "reminded_twice": again,
        }
    )


def main(argv: list[str]) -> None:
    _django()
    action, *rest = argv
    actions = {"setup": setup, "plan": plan, "run": run, "enqueue": enqueue}
    actions |= {"deliver": deliver, "counts": counts}
    print(actions[action](*map(int, rest)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
