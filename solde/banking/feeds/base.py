"""What every PSD2 aggregator connector offers, and the one error they all raise.

A connector speaks one aggregator's API and returns these records; the services in
`feeds.services` never see HTTP. Booked transactions come back as a `Statement` of
the formats' record type, so a pulled day goes through the same import (dedup,
matching) as a statement file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from solde.core import clock
from solde.core.errors import SoldeError
from solde.formats.bankstatement import Statement


class FeedError(SoldeError):
    """A pull or a consent step failed; `kind` says what the services should do about it.

    auth: our credentials are refused (an operator must fix them).
    consent_expired: the company must reconnect (expired, revoked, suspended, deleted).
    rate_limited: wait `retry_after` seconds; nothing is wrong with the feed.
    unavailable: the aggregator or the bank is down; try again at the next pull.
    bad_data: the answer cannot be read (or our request was refused as malformed).
    """

    AUTH = "auth"
    CONSENT_EXPIRED = "consent_expired"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    BAD_DATA = "bad_data"
    KINDS = (AUTH, CONSENT_EXPIRED, RATE_LIMITED, UNAVAILABLE, BAD_DATA)

    code = "feed_error"

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retry_after: int | None = None,
        status: int | None = None,
        field: str | None = None,
    ):
        if kind not in self.KINDS:
            raise ValueError(f"unknown feed error kind {kind!r}")
        super().__init__(message, field=field)
        self.kind = kind
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return f"FeedError({self.kind!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class Institution:
    id: str
    name: str
    bic: str = ""
    countries: tuple[str, ...] = ()
    history_days: int | None = None  # how far back the bank gives transactions
    max_access_days: int | None = None  # longest consent the bank accepts
    logo: str = ""


@dataclass(frozen=True, slots=True)
class ConsentStart:
    """A consent begun: send the person to `link`; the bank sends them back after."""

    requisition_id: str
    link: str
    agreement_id: str = ""


@dataclass(frozen=True, slots=True)
class Consent:
    PENDING, LINKED, EXPIRED, REJECTED, SUSPENDED = (
        "pending",
        "linked",
        "expired",
        "rejected",
        "suspended",
    )

    requisition_id: str
    status: str
    accounts: tuple[str, ...] = ()
    expires_on: date | None = None
    institution_id: str = ""
    provider_status: str = ""  # as the aggregator says it, for messages


@dataclass(frozen=True, slots=True)
class FeedAccount:
    id: str
    iban: str = ""
    currency: str = ""
    name: str = ""
    owner_name: str = ""
    status: str = ""  # the aggregator's own word (READY, EXPIRED…)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    currency: str
    kind: str  # closingBooked, interimAvailable… as the aggregator names it
    on: date | None = None


@dataclass(frozen=True, slots=True)
class Pulled:
    """Booked transactions of one account over a window; pending ones only counted."""

    statement: Statement
    pending: int = 0
    warnings: tuple[str, ...] = field(default=())


@runtime_checkable
class FeedAdapter(Protocol):
    """A connector to one aggregator. Every method may raise FeedError."""

    provider: str

    def institutions(self, country: str) -> list[Institution]: ...

    def start_consent(
        self,
        *,
        institution_id: str,
        redirect_url: str,
        reference: str,
        language: str = "fr",
        history_days: int = 90,
        access_days: int = 90,
    ) -> ConsentStart: ...

    def consent_status(self, requisition_id: str) -> Consent: ...

    def accounts(self, requisition_id: str) -> list[FeedAccount]: ...

    def balances(self, account_id: str) -> list[Balance]: ...

    def transactions(self, account_id: str, date_from: date, date_to: date) -> Pulled: ...

    def revoke(self, requisition_id: str) -> None: ...


# Tools shared by connectors.


@dataclass
class Token:
    access: str
    access_until: float  # time.monotonic() seconds
    refresh: str = ""
    refresh_until: float = 0.0


class TokenCache:
    """Access tokens kept in this process only, per (API, credential): each worker gets
    its own, so nothing assumes one process, and none is ever written to disk."""

    MARGIN = 60.0  # seconds: a token this close to its end is not used

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], Token] = {}
        self._lock = threading.Lock()

    def access(self, key: tuple[str, str], fetch: Callable[[Token | None], Token]) -> str:
        """A live access token; `fetch(old)` gets a new one (refreshing `old` if it can).
        The lock makes it one fetch per process, not one per thread."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached and cached.access_until - self.MARGIN > time.monotonic():
                return cached.access
            self._tokens[key] = fetch(cached)
            return self._tokens[key].access

    def usable_refresh(self, token: Token | None) -> str:
        if token and token.refresh and token.refresh_until - self.MARGIN > time.monotonic():
            return token.refresh
        return ""

    def forget(self, key: tuple[str, str], access: str) -> None:
        with self._lock:
            if key in self._tokens and self._tokens[key].access == access:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


# Reading JSON answers: each value checked, each fault named by its place in the answer.


def bad(message: str, field: str | None = None) -> FeedError:
    return FeedError(FeedError.BAD_DATA, message, field=field)


def expect(kind: type, value: Any, where: str = "response"):
    if not isinstance(value, kind):
        expected = "a list" if kind is list else "an object"
        raise bad(f"{where}: {expected} was expected", field=where)
    return value


def text(parent: Any, key: str, where: str, *, required: bool = False) -> str:
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None or value == "":
        if required:
            raise bad(f"{where}.{key} is missing", field=f"{where}.{key}")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise bad(f"{where}.{key}: text was expected", field=f"{where}.{key}")
    return str(value).strip()


def whole(value: Any, where: str) -> int | None:
    """A whole number, sent as a number or as a string ("540")."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise bad(f"{where}: {value!r} is not a whole number", field=where)


def day(parent: dict, key: str, where: str) -> date | None:
    """A date, or the date part of a date and time."""
    value = parent.get(key)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise bad(f"{where}.{key}: {value!r} is not a date", field=f"{where}.{key}") from exc


def moment(value: Any, where: str) -> datetime | None:
    """A date and time; without an offset it is taken in the company's time zone."""
    if not value:
        return None
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise bad(f"{where}: {value!r} is not a date and time", field=where) from exc
    return found if found.tzinfo else found.replace(tzinfo=clock.time_zone())
