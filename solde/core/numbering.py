"""Legal document numbers: unique, chronological, without gaps.

Sources:
- France, CGI annexe II art. 242 nonies A (I-7°) and BOI-TVA-DECLA-30-20-20-10: one
  "numéro unique basé sur une séquence chronologique et continue"; a series may restart
  each year or month when its numbers carry that period, so they stay unique.
- EN 16931 BT-1 (invoice number) and the French CIUS cap a number at 35 characters.

Patterns are literal text with tokens: {YYYY}, {YY}, {MM}, and exactly one {SEQ} or
{SEQ:0N} (the sequence zero-padded to N digits; a larger number just grows). Any other
{TOKEN} or stray brace is refused, since it is almost surely a typo. The counter restarts
in each period the pattern shows: a year with {YYYY}/{YY}, a month with {MM}. {MM} needs a
year beside it, or March 2026 and March 2027 would give the same numbers.

Chronology: a number cannot be taken for a date before the last one of its series,
so number order and date order always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from solde.core.errors import Conflict, ValidationError

MAX_NUMBER_LENGTH = 35
# The largest sequence a pattern must have room for: a hundred million documents per period.
LARGEST_SEQ = 99_999_999
_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"^SEQ(?::0([1-9]\d?))?$")
_DATE_TOKENS = frozenset({"YYYY", "YY", "MM"})


@dataclass(frozen=True)
class CounterState:
    last_seq: int
    last_date: date | None


def _tokens(pattern: str) -> list[str]:
    """The tokens of a pattern, or ValidationError(field="pattern") saying what is wrong."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValidationError("A numbering pattern is required.", field="pattern")
    tokens = _TOKEN.findall(pattern)
    for token in tokens:
        if token not in _DATE_TOKENS and not _SEQ.match(token):
            raise ValidationError(
                f"Unknown token {{{token}}} in the pattern {pattern!r} "
                "(known: {YYYY}, {YY}, {MM}, {SEQ}, {SEQ:0N}).",
                field="pattern",
            )
    literal = _TOKEN.sub("", pattern)
    if "{" in literal or "}" in literal:
        raise ValidationError(f"Unbalanced brace in the pattern {pattern!r}.", field="pattern")
    if sum(1 for token in tokens if _SEQ.match(token)) != 1:
        raise ValidationError(
            f"The pattern {pattern!r} must hold exactly one {{SEQ}} token.", field="pattern"
        )
    if "MM" in tokens and not {"YYYY", "YY"} & set(tokens):
        raise ValidationError(
            f"The pattern {pattern!r} has {{MM}} without {{YYYY}} or {{YY}}: "
            "its numbers would repeat every year.",
            field="pattern",
        )
    return tokens


def _render(pattern: str, seq: int, day: date) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        if token == "YYYY":
            return f"{day.year:04d}"
        if token == "YY":
            return f"{day.year % 100:02d}"
        if token == "MM":
            return f"{day.month:02d}"
        width = _SEQ.match(token).group(1)  # type: ignore[union-attr]  # checked by _tokens
        return f"{seq:0{width or 1}d}"

    return _TOKEN.sub(replace, pattern)


def validate_pattern(pattern: str) -> str:
    """The pattern, or ValidationError(field="pattern") saying what is wrong with it.

    Stricter than formatting: it also asks room for LARGEST_SEQ within 35 characters,
    so that a new series never runs out of room.
    """
    _tokens(pattern)
    longest = _render(pattern, LARGEST_SEQ, date(2000, 12, 31))
    if len(longest) > MAX_NUMBER_LENGTH:
        raise ValidationError(
            f"The pattern {pattern!r} makes numbers such as {longest!r}, over "
            f"{MAX_NUMBER_LENGTH} characters.",
            field="pattern",
        )
    return pattern


def period_key(pattern: str, day: date) -> str:
    """The period whose counter a number dated `day` uses: "2026-11", "2026" or ""."""
    tokens = set(_tokens(pattern))
    if "MM" in tokens:
        return f"{day.year:04d}-{day.month:02d}"
    if tokens & {"YYYY", "YY"}:
        return f"{day.year:04d}"
    return ""


def format_number(pattern: str, seq: int, day: date) -> str:
    """The number `seq` of the pattern for a document dated `day`."""
    _tokens(pattern)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValidationError(f"A sequence number starts at 1, not {seq!r}.", field="seq")
    number = _render(pattern, seq, day)
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValidationError(
            f"The number {number!r} is over {MAX_NUMBER_LENGTH} characters.", field="pattern"
        )
    return number


def next_number(pattern: str, state: CounterState, issue_date: date) -> tuple[str, CounterState]:
    """The number after `state` for a document dated `issue_date`, and the new state.

    Raises Conflict when `issue_date` is before the last number's date. The sequence
    restarts at 1 when `issue_date` falls in another period than the last number.
    """
    if state.last_date is not None and issue_date < state.last_date:
        raise Conflict(
            f"The issue date {issue_date.isoformat()} is before "
            f"{state.last_date.isoformat()}, the date of the last number of this series: "
            "numbers must follow the order of dates.",
            field="issue_date",
        )
    same_period = state.last_date is None or period_key(pattern, state.last_date) == period_key(
        pattern, issue_date
    )
    seq = state.last_seq + 1 if same_period else 1
    return format_number(pattern, seq, issue_date), CounterState(seq, issue_date)
