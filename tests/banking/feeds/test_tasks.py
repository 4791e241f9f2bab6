"""The scheduled jobs: every active feed pulled, one worker per feed, a daily check."""

from __future__ import annotations

from datetime import date

import pytest
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from solde.banking import tasks
from solde.banking.feeds import services
from solde.banking.feeds.services import feed_link
from solde.banking.models import BankAccount, BankFeed, BankLine
from solde.core import clock
from tests.banking.feeds import LINKED, OUR_IBAN, REQUISITION_ID, Bank

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_jobs():
    """Huey runs each job as it is queued, in memory."""
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


@pytest.fixture
def bank(monkeypatch):
    """The recorded GoCardless stands in for the one the environment would name."""
    bank = Bank("transactions")
    monkeypatch.setattr(services, "adapter_for", lambda provider: bank.adapter())
    return bank


def _feed(company, number: str, status: str = BankFeed.ACTIVE) -> BankFeed:
    account = BankAccount.objects.create(company=company, number=number, iban=number)
    feed = BankFeed.objects.create(
        company=company, account=account, provider="gocardless", requisition_id=REQUISITION_ID
    )
    feed = feed_link(feed=feed, adapter=Bank(*LINKED).adapter())
    BankFeed.objects.filter(pk=feed.pk).update(status=status)
    return feed


def test_the_schedule_pulls_each_active_feed_once(company, other_company, bank, immediate_jobs):
    active = _feed(company, OUR_IBAN)
    _feed(other_company, OUR_IBAN, status=BankFeed.EXPIRED)
    assert tasks.pull_feeds.call_local() == 1
    assert len(bank.asked("/transactions/")) == 1
    assert BankLine.objects.filter(account=active.account).count() == 4


def test_a_feed_being_pulled_is_not_pulled_by_a_second_worker(company, bank):
    feed = _feed(company, OUR_IBAN)
    with HUEY.lock_task(f"banking-feed-pull-{feed.pk}"), pytest.raises(TaskLockedException):
        tasks.pull_feed.call_local(feed.pk)
    assert bank.asked() == []
    assert tasks.pull_feed.call_local(feed.pk) == "pulled"  # the lock was let go


def test_a_feed_deleted_since_it_was_queued_is_skipped(bank):
    assert tasks.pull_feed.call_local(123456) == "gone"


def test_the_daily_check_warns_of_a_consent_ending_in_7_days(company):
    feed = _feed(company, OUR_IBAN)
    with clock.frozen(date(2026, 12, 24)):
        counts = tasks.check_feeds.call_local()
    assert counts["expiry_warnings"] == 1
    feed.refresh_from_db()
    assert feed.expiry_warned_on == date(2026, 12, 24)
