"""Legal document numbers: unique, chronological, without gaps.

French law (CGI art. 242 nonies A, BOI-TVA-DECLA-30-20-20) asks for one continuous,
chronological sequence per series; a series may restart each year or month when its
number carries that period. EN 16931 and the French rules cap a number at 35 characters.

Patterns: literal text with tokens {YYYY}, {YY}, {MM}, {SEQ} and {SEQ:0N}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from solde.core.errors import Conflict, ValidationError

MAX_NUMBER_LENGTH = 35
_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"^SEQ(?::0(\d{1,2}))?$")
_DATE_TOKENS = {"YYYY", "YY", "MM"}


@dataclass(frozen=True)
class CounterState:
    last_seq: int
    last_date: date | None


def validate_pattern(pattern: str) -> str:
    tokens = _TOKEN.findall(pattern or "")
    for token in tokens:
        if token not in _DATE_TOKENS and not _SEQ.match(token):
            raise ValidationError(f"Unknown token {{{token}}} in the pattern.", field="pattern")
    if sum(1 for token in tokens if _SEQ.match(token)) != 1:
        raise ValidationError("A pattern holds exactly one {SEQ} token.", field="pattern")
    if len(format_number(pattern, 1, date(2000, 1, 1), check=False)) > MAX_NUMBER_LENGTH:
        raise ValidationError(
            "Numbers of this pattern would be over 35 characters.", field="pattern"
        )
    return pattern


def period_key(pattern: str, day: date) -> str:
    tokens = set(_TOKEN.findall(pattern))
    if "MM" in tokens:
        return f"{day.year:04d}-{day.month:02d}"
    if tokens & {"YYYY", "YY"}:
        return f"{day.year:04d}"
    return ""


def format_number(pattern: str, seq: int, day: date, *, check: bool = True) -> str:
    def replace(match: re.Match) -> str:
        token = match.group(1)
        if token == "YYYY":
            return f"{day.year:04d}"
        if token == "YY":
            return f"{day.year % 100:02d}"
        if token == "MM":
            return f"{day.month:02d}"
        seq_match = _SEQ.match(token)
        if not seq_match:
            raise ValidationError(f"Unknown token {{{token}}} in the pattern.", field="pattern")
        width = int(seq_match.group(1) or 1)
        return f"{seq:0{width}d}"

    number = _TOKEN.sub(replace, pattern)
    if check and len(number) > MAX_NUMBER_LENGTH:
        raise ValidationError(f"Number {number!r} is over 35 characters.", field="pattern")
    return number


def next_number(pattern: str, state: CounterState, issue_date: date) -> tuple[str, CounterState]:
    """The number after `state` for a document dated `issue_date`, and the new state."""
    if state.last_date is not None and issue_date < state.last_date:
        raise Conflict(
            f"The issue date {issue_date.isoformat()} is before {state.last_date.isoformat()}, "
            "the date of the last number in this series: numbers must stay chronological.",
            field="issue_date",
        )
    seq = state.last_seq + 1
    return format_number(pattern, seq, issue_date), CounterState(seq, issue_date)
