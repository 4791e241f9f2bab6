"""Background jobs of the bank feeds: they only call services.

Banks may allow as few as 4 transaction reads a day per account: the feeds are pulled
four times a working day, each feed in its own job under its own lock, so two workers
never pull one feed at once while different feeds are pulled side by side.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from solde.banking.feeds.services import feed_ids_to_pull, feed_pull_queued, feeds_check


@db_periodic_task(crontab(hour="7,11,15,19", minute="10"))
@lock_task("banking-feeds-pull")  # one scheduler run at a time
def pull_feeds() -> int:
    """Queue one pull per active or failing feed; returns how many were queued."""
    ids = feed_ids_to_pull()
    for feed_id in ids:
        pull_feed(feed_id)
    return len(ids)


@db_task()
def pull_feed(feed_id: int) -> str:
    """Pull one feed, unless another worker is pulling it (huey's TaskLockedException
    then ends this job: the other pull does the work)."""
    with HUEY.lock_task(f"banking-feed-pull-{feed_id}"):
        return feed_pull_queued(feed_id=feed_id)


@db_periodic_task(crontab(hour="8", minute="40"))
@lock_task("banking-feeds-check")  # two workers never check at once
def check_feeds() -> dict[str, int]:
    """Every morning: consent expiry warnings, expired consents, silent feeds."""
    return feeds_check()
