"""Background job of recurring invoices: it only calls the service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from solde.core import clock
from solde.recurring.services import recurring_run


@db_periodic_task(crontab(hour="6", minute="30"))
@lock_task("recurring-invoices-run")  # two workers never run it at once
def run_recurring_invoices() -> dict[str, int]:
    """Every morning, for every company: the invoices due and the renewal notices.
    Safe to run twice: what a run made, the next one finds and skips."""
    return recurring_run(today=clock.today()).as_dict()
