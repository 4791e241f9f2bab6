"""The daily job: 06:30, one worker at a time, every company, today from the clock."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from solde.core import clock
from solde.invoicing.models import Invoice
from solde.recurring import tasks
from tests.builders import line, make_customer

pytestmark = pytest.mark.django_db


def test_it_runs_every_day_at_half_past_six():
    job = tasks.run_recurring_invoices.task_class()
    assert job.validate_datetime(datetime(2026, 12, 1, 6, 30))
    assert not job.validate_datetime(datetime(2026, 12, 1, 7, 30))
    assert not job.validate_datetime(datetime(2026, 12, 1, 6, 31))


def test_it_invoices_every_company_on_the_clocks_today(company, other_company, make_template):
    from solde.recurring.services import recurring_create

    make_template()
    recurring_create(
        company=other_company,
        customer=make_customer(other_company),
        lines=[line()],
        today=clock.today(),
        name="Other",
        start_date=clock.today(),
        mode="draft",
    )
    with clock.frozen(date(2026, 12, 1)):
        assert tasks.run_recurring_invoices.call_local() == {
            "invoices": 2,
            "notices": 0,
            "failures": 0,
        }
        assert tasks.run_recurring_invoices.call_local()["invoices"] == 0
    assert Invoice.objects.filter(origin="recurring").count() == 2


def test_a_second_worker_is_turned_away_while_one_runs(make_template):
    make_template()
    with (
        clock.frozen(date(2026, 12, 1)),
        HUEY.lock_task("recurring-invoices-run"),
        pytest.raises(TaskLockedException),
    ):
        tasks.run_recurring_invoices.call_local()
    assert not Invoice.objects.filter(origin="recurring").exists()
