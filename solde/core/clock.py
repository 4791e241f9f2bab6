"""The one source of "today" and "now", so tests and the CLI (--today) can set them.

Core functions take `today` as an argument; services and views ask this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from zoneinfo import ZoneInfo

_frozen_today: dt.date | None = None


def time_zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("SOLDE_TIME_ZONE", "Europe/Paris"))


def now() -> dt.datetime:
    """The current instant, in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The business date in the company's time zone, unless frozen."""
    if _frozen_today is not None:
        return _frozen_today
    return now().astimezone(time_zone()).date()


def set_today(day: dt.date | None) -> None:
    """Freeze (or, with None, unfreeze) today's date for this process."""
    global _frozen_today
    _frozen_today = day


@contextlib.contextmanager
def frozen(day: dt.date) -> Iterator[None]:
    previous = _frozen_today
    set_today(day)
    try:
        yield
    finally:
        set_today(previous)
