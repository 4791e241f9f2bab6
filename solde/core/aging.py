"""The aged balance (balance âgée), in plain Python.

days past due = as_of − due_date, in days. An invoice due on `as_of` itself is not
overdue yet (0 days: "not_due"). The buckets are cut by increasing `boundaries`, each
one the last day of its bucket: (30, 60, 90) gives

    not_due   days <= 0
    1_30      1 <= days <= 30
    31_60     31 <= days <= 60
    61_90     61 <= days <= 90
    over_90   days >= 91

and (15, 45) gives not_due, 1_15, 16_45, over_45. The database layer builds its
CASE WHEN from `Buckets.bounds()` so both agree on the days at the edges.

`age` sums the balances it is given as they are: the caller passes the open balances
at `as_of` (already in the currency's minor unit, so the sums are exact and need no
rounding) and reports customer credit apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from solde.core.errors import ValidationError
from solde.core.money import ZERO

NOT_DUE = "not_due"
DEFAULT_BOUNDARIES = (30, 60, 90)


@dataclass(frozen=True, slots=True)
class Buckets:
    """Aging buckets cut by `boundaries`: positive day counts, strictly increasing."""

    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES

    def __post_init__(self) -> None:
        bounds = tuple(self.boundaries)
        if not bounds:
            raise ValidationError("Aging needs at least one boundary.", field="boundaries")
        if any(isinstance(b, bool) or not isinstance(b, int) for b in bounds):
            raise ValidationError("Aging boundaries are whole days.", field="boundaries")
        if bounds[0] < 1 or any(a >= b for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValidationError(
                "Aging boundaries must be positive and strictly increasing.",
                field="boundaries",
            )
        object.__setattr__(self, "boundaries", bounds)

    def bounds(self) -> tuple[tuple[str, int | None, int | None], ...]:
        """(key, first day, last day) per bucket, youngest first; None means open-ended."""
        rows: list[tuple[str, int | None, int | None]] = [(NOT_DUE, None, 0)]
        low = 1
        for high in self.boundaries:
            rows.append((f"{low}_{high}", low, high))
            low = high + 1
        rows.append((f"over_{self.boundaries[-1]}", low, None))
        return tuple(rows)

    @property
    def keys(self) -> tuple[str, ...]:
        """The bucket keys, youngest first: ("not_due", "1_30", …, "over_90")."""
        return tuple(key for key, _, _ in self.bounds())

    def index_of(self, days_past_due: int) -> int:
        """Position of the bucket holding `days_past_due` (0 is not_due)."""
        if days_past_due <= 0:
            return 0
        for position, high in enumerate(self.boundaries, start=1):
            if days_past_due <= high:
                return position
        return len(self.boundaries) + 1

    def of(self, days_past_due: int) -> str:
        return self.keys[self.index_of(days_past_due)]


def as_buckets(boundaries: Buckets | Sequence[int] = DEFAULT_BOUNDARIES) -> Buckets:
    """Accept either a `Buckets` or its boundaries, e.g. (30, 60, 90)."""
    return boundaries if isinstance(boundaries, Buckets) else Buckets(tuple(boundaries))


def days_past_due(due_date: date, as_of: date) -> int:
    """as_of − due_date in days: negative or 0 while not yet overdue."""
    return (as_of - due_date).days


def bucket_of(days: int, boundaries: Buckets | Sequence[int] = DEFAULT_BOUNDARIES) -> str:
    """The key of the bucket for `days` past due, e.g. 31 → "31_60" with (30, 60, 90)."""
    return as_buckets(boundaries).of(days)


@dataclass(frozen=True, slots=True)
class Aging:
    """Balances per bucket (every key present, zero when empty) and their total."""

    as_of: date
    buckets: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def age(
    items: Iterable[tuple[date, Decimal]],
    as_of: date,
    boundaries: Buckets | Sequence[int] = DEFAULT_BOUNDARIES,
) -> Aging:
    """Sum (due_date, balance) items into buckets by days past due at `as_of`.

    total = Σ balance = Σ buckets; each item goes to exactly one bucket.
    """
    cut = as_buckets(boundaries)
    keys = cut.keys
    sums = [ZERO] * len(keys)
    for due_date, balance in items:
        sums[cut.index_of(days_past_due(due_date, as_of))] += balance
    return Aging(as_of=as_of, buckets=dict(zip(keys, sums, strict=True)), total=sum(sums, ZERO))
