"""The daily check: consent expiry told at 7 days and 1 day, silent feeds told loudly, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from solde.audit.models import AuditEvent
from solde.banking.feeds.services import (
    business_days_after,
    feed_link,
    feed_pull,
    feeds_check,
)
from solde.banking.models import BankAccount, BankFeed
from solde.core import clock
from tests.banking.feeds import LINKED, OUR_IBAN, REQUISITION_ID, Bank

pytestmark = pytest.mark.django_db

ENDS = date(2026, 12, 31)  # the recorded consent: accepted 2 October 2026 for 90 days


@pytest.fixture
def feed(company, owner):
    account = BankAccount.objects.create(company=company, number=OUR_IBAN, iban=OUR_IBAN)
    feed = BankFeed.objects.create(
        company=company, account=account, provider="gocardless", requisition_id=REQUISITION_ID
    )
    feed = feed_link(feed=feed, adapter=Bank(*LINKED).adapter())
    _brought_lines_on(feed, date(2026, 12, 31))  # never silent, unless a test says so
    return feed


def _brought_lines_on(feed, day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    BankFeed.objects.filter(pk=feed.pk).update(last_new_line_at=moment, silence_warned_on=None)


def _told(feed, kind: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_id=feed.public_id, action=f"bank_feed.{kind}").order_by(
            "id"
        )
    )


def _check_every_day(first: date, last: date) -> list[dict]:
    days = (last - first).days + 1
    return [feeds_check(today=first + timedelta(days=n)) for n in range(days)]


def test_the_consent_end_is_told_at_7_days_and_at_1_day_only(feed):
    _check_every_day(date(2026, 12, 1), ENDS)
    told = _told(feed, "consent_expiring")
    assert [event.after["days_left"] for event in told] == [7, 1]
    assert told[0].after["to"] == ["owner@acme.test"]
    assert "prend fin dans 7 jours (2026-12-31)" in told[0].after["message"]
    feed.refresh_from_db()
    assert feed.status == BankFeed.ACTIVE  # still usable on its last day


@pytest.mark.parametrize(
    ("first_check", "told_days_left"),
    [
        (date(2026, 12, 24), [7, 1]),
        (date(2026, 12, 27), [4, 1]),  # the worker was down at 7 days: told late, once
        (date(2026, 12, 30), [1]),
        (date(2026, 12, 31), [0]),
    ],
)
def test_a_check_that_starts_late_still_tells_each_stage_once(feed, first_check, told_days_left):
    _check_every_day(first_check, ENDS)
    assert [e.after["days_left"] for e in _told(feed, "consent_expiring")] == told_days_left


def test_two_checks_the_same_day_tell_once(feed):
    assert feeds_check(today=date(2026, 12, 24))["expiry_warnings"] == 1
    assert feeds_check(today=date(2026, 12, 24))["expiry_warnings"] == 0
    assert len(_told(feed, "consent_expiring")) == 1


def test_the_day_after_the_end_the_feed_is_expired_and_told_once(feed):
    counts = feeds_check(today=date(2027, 1, 1))
    assert counts["expired"] == 1
    feed.refresh_from_db()
    assert feed.status == BankFeed.EXPIRED
    assert "2026-12-31" in feed.last_error
    assert feeds_check(today=date(2027, 1, 2))["expired"] == 0
    assert len(_told(feed, "consent_expired")) == 1


def test_a_silent_feed_is_told_loudly_once_per_silence(feed):
    _brought_lines_on(feed, date(2026, 11, 12))  # a Thursday
    # Fri 13, Mon 16, Tue 17: three business days is not yet a silence.
    assert feeds_check(today=date(2026, 11, 17))["silence_warnings"] == 0
    assert feeds_check(today=date(2026, 11, 18))["silence_warnings"] == 1
    for day in (18, 19, 20, 23):
        assert feeds_check(today=date(2026, 11, day))["silence_warnings"] == 0
    (told,) = _told(feed, "silent")
    assert told.after["message"].startswith("AUCUNE NOUVELLE OPÉRATION BANCAIRE")
    assert (told.after["business_days"], told.after["since"]) == (4, "2026-11-12")


def test_a_feed_that_brings_lines_again_ends_the_silence(feed):
    _brought_lines_on(feed, date(2026, 11, 12))
    feeds_check(today=date(2026, 11, 18))
    feed.refresh_from_db()
    assert feed.silence_warned_on == date(2026, 11, 18)
    pulled = feed_pull(
        feed=feed, today=date(2026, 11, 20), adapter=Bank("transactions").adapter(), match=False
    )
    assert pulled.added == 4
    feed.refresh_from_db()
    assert feed.silence_warned_on is None
    after = feed.last_new_line_at.astimezone(clock.time_zone()).date()
    assert feeds_check(today=after + timedelta(days=1))["silence_warnings"] == 0
    # A new silence after that one is told again.
    assert feeds_check(today=after + timedelta(days=8))["silence_warnings"] == 1
    assert len(_told(feed, "silent")) == 2


def test_a_pull_that_brings_nothing_new_does_not_end_the_silence(feed):
    feed_pull(feed=feed, adapter=Bank("transactions").adapter(), match=False)
    _brought_lines_on(feed, date(2026, 11, 12))
    feeds_check(today=date(2026, 11, 18))
    feed_pull(feed=feed, adapter=Bank("transactions").adapter(), match=False)  # duplicates
    feed.refresh_from_db()
    assert feed.silence_warned_on == date(2026, 11, 18)
    assert feeds_check(today=date(2026, 11, 19))["silence_warnings"] == 0


def test_a_feed_whose_consent_was_never_given_is_told_silent_too(company):
    account = BankAccount.objects.create(company=company, number=OUR_IBAN, iban=OUR_IBAN)
    feed = BankFeed.objects.create(company=company, account=account, provider="gocardless")
    created = feed.created_at.date()
    assert feeds_check(today=created + timedelta(days=7))["silence_warnings"] == 1


def test_expired_and_revoked_feeds_are_not_checked(feed):
    _brought_lines_on(feed, date(2026, 11, 1))
    for status in (BankFeed.EXPIRED, BankFeed.REVOKED):
        BankFeed.objects.filter(pk=feed.pk).update(status=status)
        assert feeds_check(today=date(2026, 12, 30)) == {
            "expiry_warnings": 0,
            "expired": 0,
            "silence_warnings": 0,
        }


@pytest.mark.parametrize(
    ("start", "end", "business_days"),
    [
        (date(2026, 11, 12), date(2026, 11, 12), 0),  # Thursday, same day
        (date(2026, 11, 12), date(2026, 11, 13), 1),  # Thursday → Friday
        (date(2026, 11, 13), date(2026, 11, 15), 0),  # Friday → Sunday
        (date(2026, 11, 13), date(2026, 11, 16), 1),  # Friday → Monday
        (date(2026, 11, 12), date(2026, 11, 18), 4),
        (date(2026, 11, 14), date(2026, 11, 28), 10),  # Saturday → Saturday, two weeks
        (date(2026, 11, 20), date(2026, 11, 12), 0),  # backwards
    ],
)
def test_business_days(start, end, business_days):
    assert business_days_after(start, end) == business_days


def test_a_warning_is_emailed_to_the_owners_through_the_outbox(feed):
    from solde.mail.models import OutboundEmail

    _brought_lines_on(feed, date(2026, 11, 12))
    feeds_check(today=date(2026, 11, 18))
    (email,) = OutboundEmail.objects.filter(company=feed.company, kind="notice")
    assert email.to == ["owner@acme.test"]
    assert str(feed.account) in email.body and "2026-11-12" in email.body
    feeds_check(today=date(2026, 11, 19))
    assert OutboundEmail.objects.filter(company=feed.company, kind="notice").count() == 1
