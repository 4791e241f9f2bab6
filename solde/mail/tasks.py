"""Background jobs of the outbox: they only call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from solde.mail.services import outbox_deliver, outbox_sweep


@db_task()
def deliver_email(email_id: int) -> str:
    """Queued on commit by the services; safe to run twice (the row is claimed)."""
    return outbox_deliver(email_id=email_id).status


@db_task()
def deliver_emails(email_ids: list[int]) -> int:
    """One job for a batch queued at once (a reminder run); each row is claimed, so a
    row the sweep or another job took meanwhile is left alone. Returns how many it sent."""
    return sum(outbox_deliver(email_id=pk).status == "sent" for pk in email_ids)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("mail-outbox-sweep")  # two workers never sweep at once
def sweep_outbox() -> dict[str, int]:
    """Every five minutes: deliver what the on-commit jobs missed or failed to send."""
    return outbox_sweep()
