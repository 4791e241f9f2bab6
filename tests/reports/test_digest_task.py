"""The weekly digest's schedule: due on the company's weekday from its hour (local time),
sent once per week whatever the number of workers, never when switched off."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from solde.companies.models import Company
from solde.companies.services import company_update
from solde.companies.views import FIELDS
from solde.core import clock
from solde.mail.models import DIGEST, OutboundEmail
from solde.reports.models import DigestSent
from solde.reports.tasks import schedule_digests
from solde.reports.weekly import digest_run, digest_week_end, digests_due
from tests import builders

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SUNDAY = date(2026, 11, 15)  # the end of the week a digest of Monday 16 tells about


def at(text: str) -> datetime:
    """A local (Paris) time."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def due_for(company, now: datetime) -> list[date]:
    return [week_end for pk, week_end in digests_due(now) if pk == company.pk]


def digests_of(company) -> int:
    return OutboundEmail.objects.filter(company=company, kind=DIGEST).count()


@pytest.mark.parametrize(
    ("when", "due"),
    [
        ("2026-11-16 08:00", True),  # Monday, at the default hour
        ("2026-11-16 23:30", True),  # later that Monday: a worker that was down
        ("2026-11-16 07:59", False),  # before the hour
        ("2026-11-17 08:00", False),  # Tuesday
        ("2026-11-15 08:00", False),  # Sunday
    ],
)
def test_due_on_monday_from_8_by_default(company, when, due):
    assert due_for(company, at(when)) == ([SUNDAY] if due else [])


def test_the_hour_is_local_time(company):
    # 07:00 UTC is 08:00 in Paris in November (UTC+1).
    assert due_for(company, datetime(2026, 11, 16, 7, 0, tzinfo=UTC)) == [SUNDAY]
    assert due_for(company, datetime(2026, 11, 16, 6, 59, tzinfo=UTC)) == []


def test_a_company_chooses_its_day_and_hour(company):
    company_update(company=company, digest_weekday="4", digest_hour="17")
    assert due_for(company, at("2026-11-16 08:00")) == []
    assert due_for(company, at("2026-11-20 16:59")) == []
    # A Friday digest tells about Friday 13 to Thursday 19.
    assert due_for(company, at("2026-11-20 17:00")) == [date(2026, 11, 19)]
    assert digest_week_end(at("2026-11-20 17:00")) == date(2026, 11, 19)


def test_switched_off_it_is_never_due(company):
    company_update(company=company, digest_enabled=False)
    assert due_for(company, at("2026-11-16 09:00")) == []


def test_sent_once_then_no_longer_due_that_week(company, owner):
    assert digest_run(company_id=company.pk, week_end=SUNDAY) is True
    assert due_for(company, at("2026-11-16 09:00")) == []
    assert digest_run(company_id=company.pk, week_end=SUNDAY) is False
    assert digests_of(company) == 1
    # The next Monday tells about the next week.
    assert due_for(company, at("2026-11-23 08:00")) == [date(2026, 11, 22)]


@pytest.fixture
def immediate_jobs():
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


@pytest.fixture
def now_is(monkeypatch):
    """Set the clock's instant (clock.now), the way the scheduler reads it."""

    def set_now(local: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: local.astimezone(UTC))

    return set_now


def test_the_hourly_task_sends_each_due_digest_once(
    company, owner, other_company, immediate_jobs, now_is
):
    builders.make_user(other_company, "owner", email="patron@globex.test")
    company_update(company=other_company, digest_enabled=False)
    now_is(at("2026-11-16 07:10"))
    assert schedule_digests.call_local() == 0  # before the hour
    now_is(at("2026-11-16 08:10"))
    assert schedule_digests.call_local() == 1
    assert schedule_digests.call_local() == 0  # the next hour, or a second scheduler
    assert digests_of(company) == 1 and digests_of(other_company) == 0
    assert list(DigestSent.objects.values_list("company_id", "week_end")) == [(company.pk, SUNDAY)]
    email = OutboundEmail.objects.get(company=company, kind=DIGEST)
    assert email.to == ["owner@acme.test"] and email.status == OutboundEmail.QUEUED


def test_two_jobs_queued_for_the_same_week_send_it_once(company, owner, immediate_jobs):
    from solde.reports.tasks import send_digest

    send_digest(company.pk, SUNDAY.isoformat())
    send_digest(company.pk, SUNDAY.isoformat())
    assert digests_of(company) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_week_send_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SOLDE_DATABASE_URL is not a PostgreSQL URL")
    company = builders.make_company("racing")
    for n in range(3):
        builders.make_user(company, "owner", email=f"owner{n}@racing.test")

    def run(_):
        try:
            return digest_run(company_id=company.pk, week_end=SUNDAY)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(run, range(4)))
    assert sorted(outcomes) == [False, False, False, True]
    assert DigestSent.objects.filter(company=company).count() == 1
    assert digests_of(company) == 3  # one per owner, once


# -- the switch on the company settings page -------------------------------------------


def settings_form(company: Company, **changes) -> dict:
    """The identity form as the page fills it (checkboxes ticked when on)."""
    form = {}
    for name, _label, kind, _choices in FIELDS:
        value = getattr(company, name)
        if kind == "checkbox":
            if value:
                form[name] = "1"
            continue
        form[name] = "" if value is None else str(value)
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_settings_page_shows_the_digest_on_by_default(browser, company):
    page = reverse("company_settings", kwargs={"company": company.slug})
    html = browser.get(page).content.decode()
    assert "Weekly digest" in html
    assert 'id="f-digest_enabled" name="digest_enabled" value="1" checked' in html
    assert '<option value="0" selected>Monday</option>' in html
    assert 'id="f-digest_hour" name="digest_hour" value="8"' in html


def test_the_owner_turns_it_off_and_moves_it(browser, company):
    page = reverse("company_settings", kwargs={"company": company.slug})
    form = settings_form(company, digest_enabled=None, digest_weekday="4", digest_hour="17")
    assert browser.post(page, form).status_code == 302
    company.refresh_from_db()
    assert (company.digest_enabled, company.digest_weekday, company.digest_hour) == (
        False,
        4,
        17,
    )
    assert due_for(company, at("2026-11-20 17:00")) == []


@pytest.mark.parametrize(("field", "value"), [("digest_hour", "24"), ("digest_weekday", "7")])
def test_a_day_or_hour_out_of_range_is_refused_on_its_field(browser, company, field, value):
    page = reverse("company_settings", kwargs={"company": company.slug})
    response = browser.post(page, settings_form(company, **{field: value}))
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.content.decode()
    company.refresh_from_db()
    assert (company.digest_weekday, company.digest_hour) == (0, 8)
