"""What the recurring tests share."""

from __future__ import annotations

from datetime import date

from solde.core import clock
from solde.recurring.services import recurring_run


def run_on(day: date, company=None):
    """The daily run as the job makes it, on `day`."""
    with clock.frozen(day):
        return recurring_run(company=company, today=day)
