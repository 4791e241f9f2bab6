"""The daily reminder run of one company: plan (core.dunning), then send.

Sending goes by chunks of customers, one transaction each. Inside it the chunk's open
invoices are locked and everything is read again (balances, disputes, holds, steps
already sent), so a payment recorded a second before the chunk never triggers a
reminder; the reminders, their lines and their emails (the outbox) are written with it.
A ReminderLine is unique per (invoice, step): a second worker running the same day,
or a run restarted after being killed, finds those steps sent, and a chunk that loses
that race rolls back whole and is planned again. Delivery happens after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction

from solde.audit.services import audit_record
from solde.bulk import bulk_session
from solde.companies.models import Company
from solde.core import clock
from solde.core.dunning import Message, Rules, plan_run
from solde.core.workdays import french_calendar
from solde.invoicing.models import Invoice
from solde.reminders import compose
from solde.reminders.planning import (
    Detail,
    items_load,
    open_invoices,
    parties_load,
    plans_load,
)

log = logging.getLogger(__name__)

CHUNK = 500  # customers per sending transaction
ATTEMPTS = 3


@dataclass
class RunReport:
    today: date
    messages: list[compose.Composed] = field(default_factory=list)
    emails: int = 0
    letters: int = 0
    tasks: int = 0
    by_hand: int = 0  # messages for customers without an email address

    def as_dict(self) -> dict:
        return {"today": self.today.isoformat(), "messages": [m.as_dict() for m in self.messages]}


def rules_for(company: Company) -> Rules:
    return Rules(
        min_gap_days=company.reminder_min_gap_days,
        skip_non_working_days=company.reminders_on_working_days,
    )


def plan_for(
    company: Company, today: date, customer_ids=None, plans=None
) -> tuple[list[Message], dict[int, Detail]]:
    """What the run of `today` would send (to `customer_ids`, or everyone), and the
    details of the invoices it names."""
    plans = plans or plans_load(company)
    calendar = french_calendar((today.year - 1, today.year, today.year + 1), company.holiday_region)
    items, details = items_load(company, today, customer_ids)
    messages = plan_run(
        today=today,
        parties=parties_load(company, plans, customer_ids),
        items=items,
        calendar=calendar,
        rules=rules_for(company),
    )
    return messages, details


def reminders_run(
    *, company: Company, today: date | None = None, dry_run: bool = False, actor=None
) -> RunReport:
    """Plan today's reminders and, unless `dry_run`, queue them (see the module's doc)."""
    today = today or clock.today()
    plans = plans_load(company)
    report = RunReport(today)
    if dry_run:
        planned, details = plan_for(company, today, plans=plans)
        report.messages = compose.compose_all(company, plans, planned, details, today)
        return report
    # Planned chunk by chunk, each inside its sending transaction.
    customers = sorted(set(open_invoices(company).values_list("customer_id", flat=True)))
    with bulk_session():
        for start in range(0, len(customers), CHUNK):
            _send_chunk(company, plans, customers[start : start + CHUNK], today, report)
    if report.messages:
        audit_record(
            company=company,
            actor=actor,
            action="reminders.run",
            obj=company,
            after={
                "today": today.isoformat(),
                "emails": report.emails,
                "letters": report.letters,
                "tasks": report.tasks,
                "by_hand": report.by_hand,
            },
        )
    return report


def _send_chunk(company, plans, customer_ids, today, report: RunReport) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                _lock(company, customer_ids)
                fresh, details = plan_for(company, today, customer_ids, plans)
                composed = compose.compose_all(company, plans, fresh, details, today)
                counts = compose.write_all(company, plans, composed, today)
        except IntegrityError:
            # Another run wrote some of these steps first: plan the chunk again.
            log.info("Reminder chunk of %s raced another run (attempt %d)", company, attempt)
            if attempt == ATTEMPTS:
                raise
            continue
        report.messages += composed
        report.emails += counts["email"]
        report.letters += counts["letter"]
        report.tasks += counts["task"]
        report.by_hand += counts["by_hand"]
        return


def _lock(company: Company, customer_ids) -> None:
    """Lock the chunk's open invoices, in key order (no deadlock with payments, which
    lock invoices in the same order). SQLite has no row locks: its sending transactions
    take the database's write lock when they begin (settings: IMMEDIATE)."""
    if not connection.features.has_select_for_update:
        return
    ids = open_invoices(company, customer_ids).order_by("pk").values_list("pk", flat=True)
    list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
