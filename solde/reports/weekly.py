"""The scheduled weekly digest: which companies are due at a given instant.

A company's digest is due on its weekday (digest_weekday, 0 = Monday), from its hour
(digest_hour), local time (SOLDE_TIME_ZONE), while that week's digest is not recorded
(DigestSent). It covers the seven days that end the day before: sent on Monday, it
tells about Monday to Sunday. A worker that is down the whole of that day sends no
digest that week: the next one tells about its own week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from solde.companies.models import Company
from solde.core import clock
from solde.reports.models import DigestSent
from solde.reports.services import digest_send


def digest_week_end(now: datetime) -> date:
    """The last day of the week a digest sent at `now` tells about: the day before."""
    return now.astimezone(clock.time_zone()).date() - timedelta(days=1)


def digests_due(now: datetime | None = None) -> list[tuple[int, date]]:
    """(company id, week end) of each company whose digest is due at `now` (default:
    the clock's), digest on, its weekday today and its hour come, not yet sent."""
    now = now or clock.now()
    local = now.astimezone(clock.time_zone())
    week_end = digest_week_end(now)
    sent = DigestSent.objects.filter(week_end=week_end).values("company_id")
    due = (
        Company.objects.filter(
            digest_enabled=True, digest_weekday=local.weekday(), digest_hour__lte=local.hour
        )
        .exclude(pk__in=sent)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [(pk, week_end) for pk in due]


def digest_run(*, company_id: int, week_end: date) -> bool:
    """One company's digest of that week, unless already sent: True if this call sent it."""
    company = Company.objects.get(pk=company_id)
    _record, sent = digest_send(company=company, week_end=week_end)
    return sent
