"""The scheduled daily run: which companies are due, and one company's run of the day
recorded in ReminderRun (started, finished, what it sent)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from solde.companies.models import Company
from solde.core import clock
from solde.reminders.models import ReminderRun
from solde.reminders.run import reminders_run
from solde.reminders.services import holds_settle, plan_default_ensure


def companies_due() -> list[int]:
    """Companies with reminders on, whose hour has come today and whose run of today
    has not finished."""
    now = clock.now().astimezone(clock.time_zone())
    today = clock.today()
    finished = ReminderRun.objects.filter(run_date=today, finished_at__isnull=False)
    return list(
        Company.objects.filter(reminders_enabled=True, reminder_hour__lte=now.hour)
        .exclude(pk__in=finished.values("company_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def daily_run(*, company_id: int) -> dict:
    """Today's run of one company, unless it already finished today."""
    company = Company.objects.get(pk=company_id)
    today = clock.today()
    try:
        with transaction.atomic():
            run, _created = ReminderRun.objects.get_or_create(
                company=company, run_date=today, defaults={"started_at": clock.now()}
            )
    except IntegrityError:  # another worker created it in between
        run = ReminderRun.objects.get(company=company, run_date=today)
    if run.finished_at is not None:
        return run.counts
    plan_default_ensure(company=company)
    settled = holds_settle(company=company, today=today)
    report = reminders_run(company=company, today=today, actor="scheduler")
    run.counts = {
        **settled,
        "emails": report.emails,
        "letters": report.letters,
        "tasks": report.tasks,
        "by_hand": report.by_hand,
    }
    run.finished_at = clock.now()
    run.save(update_fields=["counts", "finished_at"])
    return run.counts
