"""Background jobs of reminders: they only call services.

Every hour the scheduler looks for companies whose reminder hour has come and whose run
of the day has not finished, and queues one job per company. Two workers may both queue
it: the job runs under a per-company lock, and the run itself never sends a step twice.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from solde.reminders.daily import companies_due, daily_run


@db_periodic_task(crontab(minute="5"))
@lock_task("reminders-schedule")
def schedule_reminders() -> int:
    ids = companies_due()
    for company_id in ids:
        run_reminders(company_id)
    return len(ids)


@db_task()
def run_reminders(company_id: int) -> dict:
    with HUEY.lock_task(f"reminders-run-{company_id}"):
        return daily_run(company_id=company_id)
