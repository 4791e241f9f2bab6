"""Payment terms: default due dates and the legal ceiling between businesses.

Code de commerce L441-10: at most 60 days from the issue date, or 45 days end of
month (either way of counting it: end of month then 45 days, or 45 days then end
of month). Sales to private persons have no such ceiling.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date(issue_date: date, days: int) -> date:
    return issue_date + timedelta(days=days)


def latest_legal_due_date(issue_date: date) -> date:
    return max(
        issue_date + timedelta(days=60),
        end_of_month(issue_date) + timedelta(days=45),
        end_of_month(issue_date + timedelta(days=45)),
    )


def check_b2b_due_date(issue_date: date, due: date) -> str | None:
    """None when the due date is lawful between businesses, else the reason."""
    if due < issue_date:
        return "The due date is before the issue date."
    latest = latest_legal_due_date(issue_date)
    if due > latest:
        return (
            f"The due date {due.isoformat()} is past the legal limit {latest.isoformat()} "
            "(60 days, or 45 days end of month: Code de commerce L441-10)."
        )
    return None
