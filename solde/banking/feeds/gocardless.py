"""GoCardless Bank Account Data (formerly Nordigen), API v2: the connector.

Credentials come from the environment (SOLDE_GOCARDLESS_SECRET_ID, _SECRET_KEY). The
access token lives 24 hours; it is cached in this process only (each worker gets its
own, which the API allows), refreshed with the refresh token, and fetched anew when
the API calls it invalid. Banks may allow as few as 4 transaction reads a day per
account, so a pull makes one call (transactions) and nothing else.
"""

from __future__ import annotations

import os
import re
import time
from datetime import date, timedelta
from typing import Any

import httpx

from solde.banking.feeds.base import (
    Balance,
    Consent,
    ConsentStart,
    FeedAccount,
    FeedError,
    Institution,
    Pulled,
    Token,
    TokenCache,
    bad,
    day,
    expect,
    moment,
    text,
    whole,
)
from solde.core import clock
from solde.core.errors import ValidationError
from solde.core.money import check_currency, currency_decimals, round_to, to_decimal
from solde.formats.bankstatement import Statement, StatementLine

BASE_URL = "https://bankaccountdata.gocardless.com/api/v2"
ENV_SECRET_ID = "SOLDE_GOCARDLESS_SECRET_ID"
ENV_SECRET_KEY = "SOLDE_GOCARDLESS_SECRET_KEY"
SCOPE = ["balances", "details", "transactions"]
DEFAULT_RETRY_AFTER = 3600  # seconds, when a 429 names no reset time
DEFAULT_ACCESS_DAYS = 90  # the API's default agreement
FORMAT = "gocardless"

# Requisition codes that end the journey; the others (CR, GC, UA, SA, GA) are on the way.
_CONSENT = {"LN": Consent.LINKED, "EX": Consent.EXPIRED, "RJ": Consent.REJECTED}
_CONSENT |= {"SU": Consent.SUSPENDED}
# Words of a refusal only a new consent cures (AccessExpiredError, "EUA … has expired",
# AccountInactiveError, "Account suspended").
_RECONNECT = re.compile(r"expired|revoked|inactive|suspended|deactivated", re.IGNORECASE)
_SECONDS = re.compile(r"(\d+)\s*seconds?", re.IGNORECASE)


_tokens = TokenCache()


def clear_token_cache() -> None:
    """Forget every cached token of this process (tests, rotated credentials)."""
    _tokens.clear()


class GoCardless:
    provider = "gocardless"

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        *,
        base_url: str = BASE_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ):
        if not secret_id or not secret_key:
            raise FeedError(
                FeedError.AUTH,
                f"GoCardless credentials are missing: set {ENV_SECRET_ID} and {ENV_SECRET_KEY}.",
            )
        self._secrets = {"secret_id": secret_id, "secret_key": secret_key}
        self._key = (base_url.rstrip("/"), secret_id)
        self._transport = transport
        self._timeout = timeout

    @classmethod
    def from_env(cls, **options) -> GoCardless:
        return cls(os.environ.get(ENV_SECRET_ID, ""), os.environ.get(ENV_SECRET_KEY, ""), **options)

    # The API.

    def institutions(self, country: str) -> list[Institution]:
        body = expect(
            list, self._call("GET", "/institutions/", params={"country": country.lower()})
        )
        return [_institution(expect(dict, item, f"[{i}]"), f"[{i}]") for i, item in enumerate(body)]

    def start_consent(
        self,
        *,
        institution_id: str,
        redirect_url: str,
        reference: str,
        language: str = "fr",
        history_days: int = 90,
        access_days: int = DEFAULT_ACCESS_DAYS,
    ) -> ConsentStart:
        terms = {"institution_id": institution_id, "max_historical_days": history_days}
        terms |= {"access_valid_for_days": access_days, "access_scope": SCOPE}
        agreement = expect(dict, self._call("POST", "/agreements/enduser/", json=terms))
        agreement_id = text(agreement, "id", "agreement", required=True)
        asked = {"redirect": redirect_url, "institution_id": institution_id}
        asked |= {"reference": reference, "agreement": agreement_id}
        asked |= {"user_language": language.upper()}
        requisition = expect(dict, self._call("POST", "/requisitions/", json=asked))
        return ConsentStart(
            requisition_id=text(requisition, "id", "requisition", required=True),
            link=text(requisition, "link", "requisition", required=True),
            agreement_id=agreement_id,
        )

    def consent_status(self, requisition_id: str) -> Consent:
        requisition = expect(dict, self._call("GET", f"/requisitions/{requisition_id}/"))
        code = text(requisition, "status", "requisition").upper()
        accounts = expect(list, requisition.get("accounts") or [], "requisition.accounts")
        status = _CONSENT.get(code, Consent.PENDING)
        return Consent(
            requisition_id=requisition_id,
            status=status,
            accounts=tuple(str(account) for account in accounts),
            expires_on=self._expiry(requisition) if status == Consent.LINKED else None,
            institution_id=text(requisition, "institution_id", "requisition"),
            provider_status=code,
        )

    def accounts(self, requisition_id: str) -> list[FeedAccount]:
        """The consent's accounts: metadata (IBAN, status), then details (currency, name)."""
        found = []
        for account_id in self.consent_status(requisition_id).accounts:
            meta = expect(dict, self._call("GET", f"/accounts/{account_id}/"), "account")
            details = expect(dict, self._call("GET", f"/accounts/{account_id}/details/"), "details")
            about = expect(dict, details.get("account") or {}, "details.account")
            found.append(
                FeedAccount(
                    id=account_id,
                    iban=text(meta, "iban", "account") or text(about, "iban", "details"),
                    currency=text(about, "currency", "details"),
                    name=text(about, "name", "details") or text(about, "product", "details"),
                    owner_name=text(about, "ownerName", "details")
                    or text(meta, "owner_name", "account"),
                    status=text(meta, "status", "account"),
                )
            )
        return found

    def balances(self, account_id: str) -> list[Balance]:
        body = expect(dict, self._call("GET", f"/accounts/{account_id}/balances/"))
        found = []
        for i, row in enumerate(expect(list, body.get("balances"), "balances")):
            where = f"balances[{i}]"
            row = expect(dict, row, where)
            amount, currency = _amount(row.get("balanceAmount"), f"{where}.balanceAmount")
            kind = text(row, "balanceType", where)
            found.append(Balance(amount, currency, kind, day(row, "referenceDate", where)))
        return found

    def transactions(self, account_id: str, date_from: date, date_to: date) -> Pulled:
        window = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
        body = self._call("GET", f"/accounts/{account_id}/transactions/", params=window)
        block = expect(dict, expect(dict, body).get("transactions"), "transactions")
        booked = expect(list, block.get("booked") or [], "transactions.booked")
        pending = expect(list, block.get("pending") or [], "transactions.pending")
        warnings: list[str] = []
        lines = [_line(tx, f"transactions.booked[{i}]", warnings) for i, tx in enumerate(booked)]
        lines.sort(key=lambda line: line.booking_date)  # stable: twins keep their order
        statement = Statement(
            account="",  # the feed names its account: statements_import is given it
            currency=lines[0].currency if lines else "",
            lines=tuple(lines),
            statement_id=f"{account_id} {window['date_from']}..{window['date_to']}",
            format=FORMAT,
            warnings=tuple(warnings),
        )
        return Pulled(statement=statement, pending=len(pending), warnings=tuple(warnings))

    def revoke(self, requisition_id: str) -> None:
        try:
            self._call("DELETE", f"/requisitions/{requisition_id}/")
        except FeedError as error:
            if error.status != 404:  # already gone is what was wanted
                raise

    def _expiry(self, requisition: dict) -> date | None:
        """When access ends: accepted (else created) + access_valid_for_days."""
        start, days = requisition.get("created"), DEFAULT_ACCESS_DAYS
        if requisition.get("agreement"):
            path = f"/agreements/enduser/{requisition['agreement']}/"
            agreement = expect(dict, self._call("GET", path), "agreement")
            start = agreement.get("accepted") or agreement.get("created") or start
            days = whole(agreement.get("access_valid_for_days"), "agreement") or days
        began = moment(start, "agreement.accepted")
        if began is None:
            return None
        return (began + timedelta(days=days)).astimezone(clock.time_zone()).date()

    # HTTP.

    def _call(self, method: str, path: str, *, params=None, json=None) -> Any:
        token = self._token()
        response = self._send(method, path, params=params, json=json, token=token)
        if response.status_code == 401 and _is_token_error(response):
            _tokens.forget(
                self._key, token
            )  # revoked or expired early: one more try with a new one
            response = self._send(method, path, params=params, json=json, token=self._token())
        if response.is_success:
            return _json(response, method, path)
        raise _error(response, method, path)

    def _send(self, method, path, *, params=None, json=None, token=None) -> httpx.Response:
        headers = {"accept": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        url = self._key[0] + path
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout) as client:
                return client.request(method, url, params=params, json=json, headers=headers)
        except httpx.HTTPError as exc:
            message = f"GoCardless {method} {path}: {type(exc).__name__}: {exc}"
            raise FeedError(FeedError.UNAVAILABLE, message) from exc

    def _token(self) -> str:
        return _tokens.access(self._key, self._fetch_token)

    def _fetch_token(self, old: Token | None) -> Token:
        refresh = _tokens.usable_refresh(old)
        if refresh:
            fresh = self._token_from("/token/refresh/", {"refresh": refresh})
            if fresh is not None:
                return fresh
        return self._token_from("/token/new/", self._secrets)

    def _token_from(self, path: str, sent: dict) -> Token | None:
        response = self._send("POST", path, json=sent)
        if not response.is_success:
            if path == "/token/refresh/":
                return None  # the refresh token was refused: ask for a new pair
            error = _error(response, "POST", path)
            if response.status_code in (401, 403):  # the secrets themselves are refused
                raise FeedError(FeedError.AUTH, error.message, status=response.status_code)
            raise error
        now = time.monotonic()
        body = expect(dict, _json(response, "POST", path), "token")
        access = text(body, "access", "token", required=True)
        life = now + (whole(body.get("access_expires"), "token.access_expires") or 0)
        if "refresh" in sent:  # a new access token only; the pair is renewed after it
            return Token(access, life, sent["refresh"], life)
        refresh_life = whole(body.get("refresh_expires"), "token.refresh_expires") or 0
        return Token(access, life, text(body, "refresh", "token"), now + refresh_life)


# Responses.


def _json(response: httpx.Response, method: str, path: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise _bad(f"{method} {path}: the answer is not JSON") from exc


def _problem(response: httpx.Response) -> tuple[str, str]:
    """The error's type and its summary and detail, as the API writes them."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:200]
    if not isinstance(body, dict):
        return "", str(body)[:200]
    said = ": ".join(str(body[key]) for key in ("summary", "detail") if body.get(key))
    return str(body.get("type") or ""), said


def _is_token_error(response: httpx.Response) -> bool:
    kind, said = _problem(response)
    return "token" in said.lower() and not _RECONNECT.search(kind)


def _error(response: httpx.Response, method: str, path: str) -> FeedError:
    status = response.status_code
    kind, said = _problem(response)
    message = f"GoCardless {method} {path}: {status} {said or response.reason_phrase}"
    if status == 429:
        wait = _retry_after(response, said)
        return FeedError(FeedError.RATE_LIMITED, message, retry_after=wait, status=status)
    reconnect = bool(_RECONNECT.search(f"{kind} {said}"))
    if status in (401, 403):
        token = _is_token_error(response)
        chosen = FeedError.CONSENT_EXPIRED if reconnect and not token else FeedError.AUTH
    elif status == 404 and path.startswith(("/accounts/", "/requisitions/")):
        chosen = FeedError.CONSENT_EXPIRED  # the connection was deleted
    elif status in (400, 409) and reconnect:
        chosen = FeedError.CONSENT_EXPIRED
    elif status == 409 or status >= 500:
        chosen = FeedError.UNAVAILABLE  # e.g. the account is still being processed
    else:
        chosen = FeedError.BAD_DATA
    return FeedError(chosen, message, status=status)


def _retry_after(response: httpx.Response, said: str) -> int:
    """Seconds to wait: Retry-After, the detail's "try again in N seconds", else the reset
    header of the limit that was hit (the bank's per-account one, or the API's)."""
    headers = response.headers
    in_text = _SECONDS.search(said)
    account_spent = headers.get("HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING") == "0"
    for value in (
        headers.get("Retry-After"),
        in_text.group(1) if in_text else None,
        headers.get("HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET") if account_spent else None,
        headers.get("HTTP_X_RATELIMIT_RESET"),
        headers.get("HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET"),
    ):
        if value and value.strip().isdigit():
            return max(1, int(value))
    return DEFAULT_RETRY_AFTER


# Records.


def _bad(message: str, field: str | None = None) -> FeedError:
    return bad(f"GoCardless: {message}", field=field)


def _amount(block: Any, where: str, warnings: list[str] | None = None):
    block = expect(dict, block, where)
    try:
        currency = check_currency(text(block, "currency", where, required=True))
        value = to_decimal(block.get("amount"), field=f"{where}.amount")
    except ValidationError as exc:
        raise _bad(f"{where}: {exc.message}", field=where) from exc
    exact = round_to(value, currency_decimals(currency))
    if exact != value and warnings is not None:  # kept as sent, as the file readers do
        warnings.append(f"{where}: {value} {currency} has more decimals than the currency")
        return value, currency
    return exact, currency


def _institution(item: dict, where: str) -> Institution:
    return Institution(
        id=text(item, "id", where, required=True),
        name=text(item, "name", where),
        bic=text(item, "bic", where),
        countries=tuple(expect(list, item.get("countries") or [], f"{where}.countries")),
        history_days=whole(item.get("transaction_total_days"), f"{where}.transaction_total_days"),
        max_access_days=whole(item.get("max_access_valid_for_days"), f"{where}.max_access"),
        logo=text(item, "logo", where),
    )


def _line(tx: Any, where: str, warnings: list[str]) -> StatementLine:
    """One booked transaction; the counterparty is the debtor of a credit, the creditor
    of a debit."""
    tx = expect(dict, tx, where)
    amount, currency = _amount(tx.get("transactionAmount"), f"{where}.transactionAmount", warnings)
    booked = day(tx, "bookingDate", where) or day(tx, "bookingDateTime", where)
    value_date = day(tx, "valueDate", where) or day(tx, "valueDateTime", where)
    if booked is None:
        if value_date is None:
            raise _bad(f"{where}: a booked transaction without a date", field=where)
        warnings.append(f"{where}: no booking date, the value date is used")
        booked = value_date
    party = "debtor" if amount > 0 else "creditor"
    return StatementLine(
        booking_date=booked,
        amount=amount,
        currency=currency,
        value_date=value_date,
        bank_ref=text(tx, "transactionId", where) or text(tx, "internalTransactionId", where),
        end_to_end_id=text(tx, "endToEndId", where),
        counterparty_name=" ".join(text(tx, f"{party}Name", where).split()),
        counterparty_iban=text(tx.get(f"{party}Account"), "iban", where).replace(" ", ""),
        remittance=" ".join(_texts(tx, "remittanceInformationUnstructured", where)),
        structured_ref=next(iter(_texts(tx, "remittanceInformationStructured", where)), ""),
        bank_code=text(tx, "bankTransactionCode", where)
        or text(tx, "proprietaryBankTransactionCode", where),
        source=where,
    )


def _texts(tx: dict, key: str, where: str) -> list[str]:
    """The field and its …Array twin, whitespace tidied, each text once (some banks send
    the same text in both)."""
    found: list[str] = []
    for name in (key, key + "Array"):
        value = tx.get(name) or []
        for item in [value] if isinstance(value, str) else expect(list, value, f"{where}.{name}"):
            said = " ".join(str(item).split()) if isinstance(item, str | int) else ""
            if said and said not in found:
                found.append(said)
    return found
