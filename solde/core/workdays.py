"""Working days: which days reminders may go out on.

A `Calendar` is a set of holidays and the weekdays that make the weekend
(`date.weekday()` values: Monday 0 … Sunday 6). `french_calendar` builds one from
the French public holidays the `holidays` library knows, for metropolitan France
(subdivision "") or one of the library's subdivisions: "57" (Moselle), "6AE"
(Alsace, which "67" and "68" stand for), the overseas departments ("971" …).
Alsace-Moselle adds Good Friday and 26 December.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import holidays

from solde.core.errors import ValidationError

# Bas-Rhin and Haut-Rhin share one set of holidays, which the library files under the
# European Collectivity of Alsace; people know them by their department numbers.
_DEPARTMENT_ALIASES = {"67": "6AE", "68": "6AE"}


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays


def _library_subdivision(subdivision: str) -> str | None:
    code = (subdivision or "").strip()
    if not code:
        return None
    known = set(holidays.France.subdivisions)
    known_aliases = getattr(holidays.France, "subdivisions_aliases", {}) or {}
    if code in known or code in known_aliases:
        return code
    alias = _DEPARTMENT_ALIASES.get(code)
    if alias in known:
        return alias
    raise ValidationError(
        f"Unknown French subdivision {subdivision!r} for public holidays "
        f"(known: {', '.join(sorted(known | set(_DEPARTMENT_ALIASES)))}).",
        field="subdivision",
    )


def french_calendar(years: Iterable[int], subdivision: str = "") -> Calendar:
    """French public holidays of `years` (Saturday and Sunday off)."""
    years = sorted(set(years))
    days = holidays.France(years=years, subdiv=_library_subdivision(subdivision)) if years else {}
    return Calendar(holidays=frozenset(days))
