"""The GoCardless connector against recorded API responses: lines, consents, tokens, errors."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import httpx
import pytest

from solde.banking.feeds import FeedAdapter, FeedError, adapter_for
from solde.banking.feeds.base import Consent
from solde.banking.feeds.gocardless import GoCardless
from tests.banking.feeds import ACCOUNT_ID, LINKED, OUR_IBAN, REQUISITION_ID, Bank

WINDOW = (date(2026, 8, 22), date(2026, 11, 20))


def _pull(bank: Bank):
    return bank.adapter().transactions(ACCOUNT_ID, *WINDOW)


def _by_ref(pulled) -> dict:
    return {line.bank_ref: line for line in pulled.statement.lines}


def test_the_connector_is_a_feed_adapter():
    assert isinstance(Bank().adapter(), FeedAdapter)


def test_booked_transactions_become_statement_lines_in_booking_order():
    pulled = _pull(Bank("transactions"))
    lines = pulled.statement.lines
    assert [(line.booking_date, line.amount) for line in lines] == [
        (date(2026, 11, 16), Decimal("1200.00")),
        (date(2026, 11, 17), Decimal("-349.90")),
        (date(2026, 11, 18), Decimal("-4.50")),
        (date(2026, 11, 18), Decimal("84.00")),
    ]
    assert all(isinstance(line.amount, Decimal) and line.currency == "EUR" for line in lines)
    assert pulled.statement.format == "gocardless" and pulled.statement.currency == "EUR"


def test_a_credit_names_its_debtor_and_keeps_the_bank_references():
    dupont = _by_ref(_pull(Bank("transactions")))["2026111600012345-1"]
    assert dupont.counterparty_name == "DUPONT SARL"  # not ACME SAS, the creditor: us
    assert dupont.counterparty_iban == "FR7630004008230001234567819"
    assert dupont.end_to_end_id == "DUPONT-VIR-20261116"
    assert dupont.remittance == "FACTURE F2026-0042"
    assert dupont.bank_code == "PMNT-RCDT-ESCT"
    assert dupont.value_date == date(2026, 11, 16)
    assert dupont.source == "transactions.booked[3]"


def test_a_debit_names_its_creditor_and_falls_back_on_the_internal_id():
    ovh = _by_ref(_pull(Bank("transactions")))["b1f3a9c2e4d54f0a9e7c1d2b3a4f5e6d"]
    assert (ovh.amount, ovh.counterparty_name) == (Decimal("-349.90"), "OVH SAS")
    assert ovh.counterparty_iban == "FR7610278060760002020250145"
    assert ovh.remittance == "PRLV SEPA OVH Facture FR1234567"  # the Array, joined
    assert ovh.bank_code == "PRLV"  # the proprietary code when there is no ISO one


def test_structured_reference_date_time_and_spaced_iban():
    martin = _by_ref(_pull(Bank("transactions")))["2026111800099871-1"]
    assert martin.booking_date == date(2026, 11, 18)  # from bookingDateTime
    assert martin.amount == Decimal("84.00")
    assert martin.counterparty_iban == "FR7620041010050500013026052"
    assert martin.structured_ref == "RF18539007547034"
    assert martin.remittance == "VIR MARTIN ET FILS"  # said twice by the bank, kept once


def test_pending_transactions_are_counted_not_returned():
    pulled = _pull(Bank("transactions"))
    assert pulled.pending == 2
    assert all("PHARMACIE" not in line.remittance for line in pulled.statement.lines)
    assert Decimal("500.00") not in {line.amount for line in pulled.statement.lines}


def test_the_pull_asks_for_the_window_with_the_bearer_token():
    bank = Bank("transactions")
    _pull(bank)
    (request,) = bank.asked("/transactions/")
    assert request.url.params["date_from"] == "2026-08-22"
    assert request.url.params["date_to"] == "2026-11-20"
    assert request.headers["authorization"] == "Bearer eyJhbGciOiJIUzI1NiJ9.access-1"
    token = json.loads(bank.requests[0].content)
    assert token == {"secret_id": "test-secret-id", "secret_key": "test-secret-key"}


def test_the_token_is_fetched_once_per_process():
    bank = Bank("transactions")
    _pull(bank)
    _pull(bank)  # another connector object, same credentials: the cached token
    assert [r.url.path for r in bank.requests].count("/api/v2/token/new/") == 1
    assert len(bank.asked("/transactions/")) == 2


def test_a_token_the_api_calls_invalid_is_fetched_again_once():
    bank = Bank("error_token_invalid", "transactions").on("token_new_again")
    pulled = _pull(bank)
    assert len(pulled.statement.lines) == 4
    calls = bank.asked("/transactions/")
    assert [c.headers["authorization"][-8:] for c in calls] == ["access-1", "access-2"]


def test_institutions_of_a_country():
    bank = Bank("institutions_fr")
    bnp, qonto = bank.adapter().institutions("FR")
    assert bank.asked("/institutions/")[0].url.params["country"] == "fr"
    assert (bnp.id, bnp.bic, bnp.history_days, bnp.max_access_days) == (
        "BNP_PARIBAS_BNPAFRPP",
        "BNPAFRPP",
        730,
        180,
    )
    assert (qonto.history_days, qonto.max_access_days, qonto.countries[0]) == (90, None, "FR")


def test_a_consent_starts_with_an_agreement_of_90_days_then_a_requisition():
    bank = Bank("agreement_created", "requisition_created")
    started = bank.adapter().start_consent(
        institution_id="BNP_PARIBAS_BNPAFRPP",
        redirect_url="https://solde.example/banking/feeds/back/",
        reference="ref-1",
    )
    assert started.requisition_id == REQUISITION_ID
    assert started.link.startswith("https://ob.gocardless.com/")
    agreement, requisition = (json.loads(r.content) for r in bank.asked())
    assert agreement["access_valid_for_days"] == 90 and agreement["max_historical_days"] == 90
    assert agreement["access_scope"] == ["balances", "details", "transactions"]
    assert requisition["agreement"] == started.agreement_id
    assert requisition["redirect"] == "https://solde.example/banking/feeds/back/"
    assert (requisition["reference"], requisition["user_language"]) == ("ref-1", "FR")


def test_a_linked_consent_gives_its_accounts_and_its_end_date():
    bank = Bank(*LINKED)
    adapter = bank.adapter()
    consent = adapter.consent_status(REQUISITION_ID)
    assert (consent.status, consent.accounts) == (Consent.LINKED, (ACCOUNT_ID,))
    assert consent.expires_on == date(2026, 12, 31)  # accepted 2 October + 90 days
    (account,) = adapter.accounts(REQUISITION_ID)
    assert (account.iban, account.currency, account.status) == (OUR_IBAN, "EUR", "READY")
    assert account.name == "Compte courant professionnel"


@pytest.mark.parametrize(
    ("recorded", "status"),
    [
        ("requisition_waiting", Consent.PENDING),
        ("requisition_expired", Consent.EXPIRED),
    ],
)
def test_requisition_statuses(recorded, status):
    bank = Bank(recorded, "agreement_accepted")
    assert bank.adapter().consent_status(REQUISITION_ID).status == status


def test_balances():
    closing, available = Bank("balances").adapter().balances(ACCOUNT_ID)
    assert (closing.kind, closing.amount, closing.on) == (
        "closingBooked",
        Decimal("15320.55"),
        date(2026, 11, 19),
    )
    assert available.amount == Decimal("15808.55")


def test_revoking_deletes_the_requisition():
    bank = Bank("requisition_deleted")
    bank.adapter().revoke(REQUISITION_ID)
    assert [r.method for r in bank.asked()] == ["DELETE"]


# Errors: each kind tells the services what to do.


@pytest.mark.parametrize(
    ("recorded", "kind", "retry_after"),
    [
        ("error_access_expired", FeedError.CONSENT_EXPIRED, None),
        ("error_account_suspended", FeedError.CONSENT_EXPIRED, None),
        ("error_bank_rate_limited", FeedError.RATE_LIMITED, 21600),  # the bank's daily limit
        ("error_unavailable", FeedError.UNAVAILABLE, None),
    ],
)
def test_errors_of_a_pull(recorded, kind, retry_after):
    with pytest.raises(FeedError) as error:
        _pull(Bank(recorded))
    assert (error.value.kind, error.value.retry_after) == (kind, retry_after)
    assert "/transactions/" in error.value.message


def test_the_api_rate_limit_waits_the_seconds_it_names():
    with pytest.raises(FeedError) as error:
        Bank("error_api_rate_limited").adapter().institutions("fr")
    assert (error.value.kind, error.value.retry_after) == (FeedError.RATE_LIMITED, 42)


def test_a_deleted_requisition_needs_a_new_consent():
    with pytest.raises(FeedError) as error:
        Bank("error_requisition_not_found").adapter().consent_status(REQUISITION_ID)
    assert error.value.kind == FeedError.CONSENT_EXPIRED


def test_refused_secrets_are_an_auth_error():
    bank = Bank()
    bank.instead("error_secrets_refused")
    with pytest.raises(FeedError) as error:
        bank.adapter().institutions("fr")
    assert error.value.kind == FeedError.AUTH
    assert "No active account found" in error.value.message


def test_missing_credentials_are_an_auth_error(monkeypatch):
    monkeypatch.delenv("SOLDE_GOCARDLESS_SECRET_ID", raising=False)
    monkeypatch.delenv("SOLDE_GOCARDLESS_SECRET_KEY", raising=False)
    with pytest.raises(FeedError) as error:
        adapter_for("gocardless")
    assert error.value.kind == FeedError.AUTH
    assert "SOLDE_GOCARDLESS_SECRET_ID" in error.value.message


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SOLDE_GOCARDLESS_SECRET_ID", "env-id")
    monkeypatch.setenv("SOLDE_GOCARDLESS_SECRET_KEY", "env-key")
    assert isinstance(adapter_for("gocardless"), GoCardless)
    with pytest.raises(FeedError):
        adapter_for("plaid")


def test_a_network_failure_is_unavailable():
    def down(request):
        raise httpx.ConnectError("connection refused", request=request)

    adapter = GoCardless("id", "key", transport=httpx.MockTransport(down))
    with pytest.raises(FeedError) as error:
        adapter.transactions(ACCOUNT_ID, *WINDOW)
    assert error.value.kind == FeedError.UNAVAILABLE


def _answering(body: dict) -> Bank:
    """A bank whose transactions answer is `body`: broken on purpose."""
    bank = Bank("transactions")
    bank.routes[("GET", f"/api/v2/accounts/{ACCOUNT_ID}/transactions/")] = [
        {"status": 200, "body": body}
    ]
    return bank


GOOD = {
    "transactionId": "T1",
    "bookingDate": "2026-11-16",
    "transactionAmount": {"amount": "10.00", "currency": "EUR"},
}


@pytest.mark.parametrize(
    ("booked", "field"),
    [
        ({"bookingDate": "2026-11-16", "transactionAmount": {"amount": "12,50", "currency": "EUR"}},
         "transactions.booked[0].transactionAmount"),
        ({"bookingDate": "2026-11-16"}, "transactions.booked[0].transactionAmount"),
        ({"bookingDate": "16/11/2026", "transactionAmount": {"amount": "1", "currency": "EUR"}},
         "transactions.booked[0].bookingDate"),
        ({"bookingDate": "2026-11-16", "transactionAmount": {"amount": "1", "currency": "EURO"}},
         "transactions.booked[0].transactionAmount"),
        ({"transactionAmount": {"amount": "1", "currency": "EUR"}}, "transactions.booked[0]"),
    ],
)  # fmt: skip
def test_a_transaction_that_cannot_be_read_refuses_the_whole_pull(booked, field):
    with pytest.raises(FeedError) as error:
        _pull(_answering({"transactions": {"booked": [booked, GOOD], "pending": []}}))
    assert error.value.kind == FeedError.BAD_DATA
    assert error.value.field == field and field in error.value.message


def test_an_answer_without_transactions_is_bad_data():
    with pytest.raises(FeedError) as error:
        _pull(_answering({"booked": [GOOD]}))
    assert (error.value.kind, error.value.field) == (FeedError.BAD_DATA, "transactions")
