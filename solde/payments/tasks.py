"""Background jobs of the ledger: they only call services and checks."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from solde.companies.models import Company
from solde.payments.checks import check_caches
from solde.reports.statistics import refresh_statistics

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("payments-check-caches")  # two workers never run it at once
def check_all_caches() -> dict[str, int]:
    """Every night: compare cached balances with the allocations, rebuild any that drifted,
    then refresh the planner's statistics (SQLite) for the ledger as it has grown."""
    found = {}
    for company in Company.objects.order_by("pk"):
        problems = check_caches(company=company, fix=True)
        for problem in problems:
            log.warning("%s: %s (rebuilt)", company.slug, problem)
        found[company.slug] = len(problems)
    refresh_statistics()
    return found
