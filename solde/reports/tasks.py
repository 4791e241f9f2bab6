"""Background jobs of the reports: they only call services.

Every hour the scheduler queues the digest of each company whose weekday and hour have
come and whose digest of that week is not recorded. Two workers may both queue it: the
unique DigestSent row lets one of them write it (services.digest_send).
"""

from __future__ import annotations

from datetime import date

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from solde.reports.weekly import digest_run, digests_due


@db_periodic_task(crontab(minute="10"))
@lock_task("reports-digest-schedule")
def schedule_digests() -> int:
    due = digests_due()
    for company_id, week_end in due:
        send_digest(company_id, week_end.isoformat())
    return len(due)


@db_task()
def send_digest(company_id: int, week_end: str) -> bool:
    return digest_run(company_id=company_id, week_end=date.fromisoformat(week_end))
