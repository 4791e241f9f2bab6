"""Pulling a feed: connect, link, import once, and what each failure does to the feed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.audit.models import AuditEvent
from solde.banking.feeds import FeedError
from solde.banking.feeds.services import (
    FAILING_AFTER,
    FeedPullResult,
    feed_connect,
    feed_link,
    feed_pull,
    feed_renew,
    feed_revoke,
)
from solde.banking.models import BankAccount, BankFeed, BankLine, BankStatement
from solde.core import clock
from tests.banking.feeds import ACCOUNT_ID, LINKED, OUR_IBAN, REQUISITION_ID, Bank
from tests.builders import line, make_invoice

pytestmark = pytest.mark.django_db

BACK = "https://solde.example/banking/feeds/back/"


@pytest.fixture
def account(company):
    # No service creates an empty account yet (statement imports do, from their files).
    return BankAccount.objects.create(company=company, number=OUR_IBAN, iban=OUR_IBAN)


def _connected(account, *linked: str) -> BankFeed:
    bank = Bank("agreement_created", "requisition_created", *linked)
    feed, link = feed_connect(
        account=account, institution_id="BNP_PARIBAS_BNPAFRPP", redirect_url=BACK,
        adapter=bank.adapter(), actor="test",
    )  # fmt: skip
    assert link.startswith("https://ob.gocardless.com/")
    return feed


@pytest.fixture
def feed(account):
    feed = _connected(account)
    return feed_link(feed=feed, adapter=Bank(*LINKED).adapter())


def _pull(feed, bank: Bank, today=date(2026, 11, 20)) -> FeedPullResult:
    return feed_pull(feed=feed, today=today, adapter=bank.adapter(), match=False)


def _warnings(feed, kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=feed.public_id, action=f"bank_feed.{kind}"))


def test_a_connected_feed_waits_for_the_consent_then_links_its_account(account):
    feed = _connected(account)
    assert (feed.requisition_id, feed.external_account_id) == (REQUISITION_ID, "")
    waiting = feed_pull(feed=feed, adapter=Bank("requisition_waiting").adapter(), match=False)
    assert waiting.outcome == FeedPullResult.SKIPPED
    linked = feed_link(feed=feed, adapter=Bank(*LINKED).adapter())
    assert linked.external_account_id == ACCOUNT_ID
    assert linked.consent_expires_on == date(2026, 12, 31)
    assert (linked.status, linked.last_error) == (BankFeed.ACTIVE, "")


def test_a_pull_imports_the_booked_lines(feed):
    result = _pull(feed, Bank("transactions"))
    assert (result.outcome, result.lines, result.added, result.pending) == ("pulled", 4, 4, 2)
    lines = BankLine.objects.filter(account=feed.account).order_by("booking_date", "amount")
    assert [(line.amount, line.counterparty_name, line.status) for line in lines] == [
        (Decimal("1200.000"), "DUPONT SARL", BankLine.UNMATCHED),
        (Decimal("-349.900"), "OVH SAS", BankLine.DEBIT),
        (Decimal("-4.500"), "BOULANGERIE DU COIN", BankLine.DEBIT),
        (Decimal("84.000"), "Martin & Fils", BankLine.UNMATCHED),
    ]
    dupont = lines[0]
    assert (dupont.bank_ref, dupont.counterparty_iban) == (
        "2026111600012345-1",
        "FR7630004008230001234567819",
    )
    statement = BankStatement.objects.get(account=feed.account)
    assert statement.file_name == "gocardless 2026-08-22..2026-11-20"
    feed.refresh_from_db()
    assert feed.last_pulled_at is not None and feed.last_new_line_at is not None


def test_the_first_pull_asks_for_90_days(feed):
    bank = Bank("transactions")
    _pull(feed, bank)
    params = bank.asked("/transactions/")[0].url.params
    assert (params["date_from"], params["date_to"]) == ("2026-08-22", "2026-11-20")


def test_a_second_identical_pull_adds_nothing(feed):
    _pull(feed, Bank("transactions"))
    feed.refresh_from_db()
    first_new_line_at = feed.last_new_line_at
    again = _pull(feed, Bank("transactions"))
    assert (again.outcome, again.added, again.duplicates) == ("pulled", 0, 4)
    assert BankLine.objects.filter(account=feed.account).count() == 4
    assert BankStatement.objects.filter(account=feed.account).count() == 1  # no empty rows
    feed.refresh_from_db()
    assert feed.last_new_line_at == first_new_line_at


def test_a_later_pull_overlaps_and_adds_only_the_new_lines(feed):
    _pull(feed, Bank("transactions"))
    bank = Bank("transactions_later")
    later = _pull(feed, bank, today=date(2026, 11, 24))
    assert (later.lines, later.added, later.duplicates) == (6, 2, 4)
    # From the last booked line (18 November) minus 5 days of overlap.
    assert bank.asked("/transactions/")[0].url.params["date_from"] == "2026-11-13"
    pharmacy = BankLine.objects.get(account=feed.account, remittance="CB PHARMACIE 19/11")
    assert pharmacy.booking_date == date(2026, 11, 21)  # pending at the first pull, booked now


def test_an_expired_consent_marks_the_feed_expired_and_warns_once(feed, owner):
    result = _pull(feed, Bank("error_access_expired"))
    assert result.outcome == FeedPullResult.EXPIRED
    feed.refresh_from_db()
    assert feed.status == BankFeed.EXPIRED
    assert "Access has expired" in feed.last_error
    (warning,) = _warnings(feed, "consent_expired")
    assert warning.after["to"] == ["owner@acme.test"]
    bank = Bank("transactions")
    assert _pull(feed, bank).outcome == FeedPullResult.SKIPPED  # no longer pulled
    assert bank.asked() == []
    assert len(_warnings(feed, "consent_expired")) == 1


def test_a_consent_past_its_end_date_is_not_pulled(feed):
    BankFeed.objects.filter(pk=feed.pk).update(consent_expires_on=date(2026, 11, 19))
    bank = Bank("transactions")
    assert _pull(feed, bank).outcome == FeedPullResult.EXPIRED
    assert bank.asked() == []
    feed.refresh_from_db()
    assert feed.status == BankFeed.EXPIRED and len(_warnings(feed, "consent_expired")) == 1


def test_a_rate_limit_backs_off_without_failing_the_feed(feed, monkeypatch):
    limited = _pull(feed, Bank("error_bank_rate_limited"))
    assert limited.outcome == FeedPullResult.RATE_LIMITED
    assert limited.retry_at - clock.now() > timedelta(hours=5)  # the bank's reset: 6 hours
    feed.refresh_from_db()
    assert (feed.status, feed.failures) == (BankFeed.ACTIVE, 0)
    assert "Daily request limit" in feed.last_error
    bank = Bank("transactions")
    waiting = _pull(feed, bank)
    assert waiting.outcome == FeedPullResult.RATE_LIMITED and bank.asked() == []
    later = clock.now() + timedelta(hours=6, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _pull(feed, bank).added == 4
    feed.refresh_from_db()
    assert (feed.status, feed.failures, feed.last_error) == (BankFeed.ACTIVE, 0, "")


def test_repeated_failures_mark_the_feed_failing_once_and_a_success_recovers_it(feed):
    for attempt in range(1, FAILING_AFTER + 2):
        assert _pull(feed, Bank("error_unavailable")).outcome == FeedPullResult.FAILED
        feed.refresh_from_db()
        assert feed.failures == attempt
    assert feed.status == BankFeed.FAILING
    assert "Institution service unavailable" in feed.last_error
    assert len(_warnings(feed, "failing")) == 1
    assert _pull(feed, Bank("transactions")).added == 4  # a failing feed is still pulled
    feed.refresh_from_db()
    assert (feed.status, feed.failures, feed.last_error) == (BankFeed.ACTIVE, 0, "")


def test_a_consent_for_another_account_is_refused(company):
    other = BankAccount.objects.create(
        company=company, number="FR7616958000011234567890177", iban="FR7616958000011234567890177"
    )
    feed = _connected(other)
    with pytest.raises(FeedError) as error:
        feed_link(feed=feed, adapter=Bank(*LINKED).adapter())
    assert OUR_IBAN in error.value.message
    result = feed_pull(feed=feed, adapter=Bank(*LINKED).adapter(), match=False)
    assert result.outcome == FeedPullResult.FAILED
    feed.refresh_from_db()
    assert feed.external_account_id == "" and feed.failures == 1


def test_renewing_starts_a_new_consent_and_clears_the_warnings(feed):
    BankFeed.objects.filter(pk=feed.pk).update(
        status=BankFeed.EXPIRED, expiry_warned_on=date(2026, 12, 30)
    )
    feed.refresh_from_db()
    bank = Bank("agreement_created", "requisition_created")
    link = feed_renew(feed=feed, redirect_url=BACK, adapter=bank.adapter())
    assert link.startswith("https://ob.gocardless.com/")
    feed.refresh_from_db()
    assert (feed.status, feed.external_account_id, feed.expiry_warned_on) == ("active", "", None)
    assert BankFeed.objects.filter(account=feed.account).count() == 1
    relinked = _pull(feed, Bank(*LINKED, "transactions"))
    assert relinked.added == 4


def test_revoking_stops_the_feed(feed):
    bank = Bank("requisition_deleted")
    feed = feed_revoke(feed=feed, adapter=bank.adapter())
    assert feed.status == BankFeed.REVOKED
    assert [r.method for r in bank.asked()] == ["DELETE"]
    assert _pull(feed, Bank("transactions")).outcome == FeedPullResult.SKIPPED


def test_the_new_credits_go_to_the_matcher(feed, customer):
    invoice = make_invoice(
        feed.company, customer, lines=[line(price="1000")], issue_date=date(2026, 11, 2)
    )  # 1200.00
    result = feed_pull(feed=feed, adapter=Bank("transactions").adapter())
    assert result.added == 4
    assert result.auto_matched + result.suggested + result.unmatched == 2  # the two credits
    dupont = BankLine.objects.get(bank_ref="2026111600012345-1")
    # Same amount, same name: matched or proposed, as the engine decides.
    assert dupont.status in (BankLine.SUGGESTED, BankLine.MATCHED)
    assert result.auto_matched + result.suggested >= 1
    assert invoice.number in str(dupont.proposals)
