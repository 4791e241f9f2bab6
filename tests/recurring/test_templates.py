"""Templates: what a valid one is, where its schedule starts, what an edit changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solde.audit.models import AuditEvent
from solde.core import clock
from solde.core.errors import ValidationError
from solde.recurring.models import RecurringInvoice
from solde.recurring.services import (
    recurring_create,
    recurring_pause,
    recurring_resume,
    recurring_update,
)
from tests.builders import line, make_customer
from tests.recurring.helpers import run_on

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("start", "day", "frequency", "expected"),
    [
        (date(2026, 11, 20), 1, "monthly", date(2026, 12, 1)),
        (date(2026, 11, 20), 20, "monthly", date(2026, 11, 20)),  # today counts
        (date(2027, 3, 15), 31, "monthly", date(2027, 3, 31)),  # a future start
        # A start in the past: the periods before today are not invoiced.
        (date(2026, 1, 1), 1, "monthly", date(2026, 12, 1)),
        (date(2026, 1, 10), 10, "quarterly", date(2027, 1, 10)),
    ],
)
def test_the_first_occurrence_is_on_or_after_the_start_and_today(
    make_template, start, day, frequency, expected
):
    template = make_template(start_date=start, day_of_month=day, frequency=frequency)
    assert template.next_date == expected


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"frequency": "weekly"}, "frequency"),
        ({"day_of_month": 0}, "day_of_month"),
        ({"day_of_month": "32"}, "day_of_month"),
        ({"day_of_month": "first"}, "day_of_month"),
        ({"end_date": date(2026, 1, 1)}, "end_date"),  # before the start
        ({"start_date": date(2026, 1, 1), "end_date": date(2026, 6, 1)}, "end_date"),  # passed
        ({"mode": "send"}, "mode"),
        ({"notice_days": -1}, "notice_days"),
        ({"notice_days": 400}, "notice_days"),
        ({"currency": "EURO"}, "currency"),
        ({"nature": "art"}, "nature"),
        ({"start_date": None}, "start_date"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_template_names_its_field(make_template, fields, field):
    with pytest.raises(ValidationError) as error:
        make_template(**fields)
    assert error.value.field == field
    assert not RecurringInvoice.objects.exists()


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([line("abc")], "lines[0].unit_price"),
        ([line("-50")], "lines[0].unit_price"),
        ([line("50"), line("100", qty="-1")], "lines"),  # a negative total
    ],
)
def test_wrong_lines_are_refused(make_template, lines, field):
    with pytest.raises(ValidationError) as error:
        make_template(lines=lines)
    assert error.value.field == field


def test_issue_and_send_needs_an_address(company, make_template):
    silent = make_customer(company, name="Sans Email")
    with pytest.raises(ValidationError) as error:
        make_template(customer=silent, mode="issue_and_send")
    assert error.value.field == "mode"
    assert make_template(customer=silent, mode="draft").mode == "draft"


def test_another_companys_customer_is_refused(company, other_company):
    theirs = make_customer(other_company)
    with pytest.raises(ValidationError) as error:
        recurring_create(
            company=company,
            customer=theirs,
            lines=[line()],
            today=TODAY,
            name="X",
            start_date=TODAY,
        )
    assert error.value.field == "customer"


def test_the_totals_are_kept_for_lists_and_notices(make_template):
    template = make_template(
        lines=[line("100", qty="2"), line("10", rate="5.5", description="Livre")]
    )
    assert template.total_excl_tax == Decimal("210.00")
    assert template.total == Decimal("250.55")
    assert [row.net_amount for row in template.lines.all()] == [Decimal("200"), Decimal("10")]


def test_an_edit_of_the_lines_keeps_the_schedule(make_template, owner):
    template = make_template()
    updated = recurring_update(
        template=template, today=TODAY, lines=[line("200")], name="Hébergement pro", actor=owner
    )
    assert updated.next_date == date(2026, 12, 1)
    assert updated.total == Decimal("240.00") and updated.name == "Hébergement pro"
    event = AuditEvent.objects.get(action="recurring_invoice.update")
    assert Decimal(event.before["total"]) == 120 and Decimal(event.after["total"]) == 240
    assert event.actor == owner


def test_a_new_schedule_starts_after_what_is_invoiced(company, make_template):
    template = make_template(day_of_month=1)
    run_on(date(2026, 12, 1))
    with clock.frozen(date(2026, 12, 1)):
        moved = recurring_update(template=template, today=date(2026, 12, 1), day_of_month=15)
    assert moved.next_date == date(2026, 12, 15)
    with clock.frozen(date(2026, 12, 1)):
        back = recurring_update(template=template, today=date(2026, 12, 1), day_of_month=1)
    # 1 December is invoiced already: the next one is January's.
    assert back.next_date == date(2027, 1, 1)


def test_pause_and_resume_are_audited_and_idempotent(make_template):
    template = make_template()
    recurring_pause(template=template)
    assert recurring_pause(template=template).status == "paused"
    resumed = recurring_resume(template=template, today=TODAY)
    assert resumed.status == "active" and resumed.next_date == date(2026, 12, 1)
    actions = AuditEvent.objects.filter(object_id=template.public_id).values_list(
        "action", flat=True
    )
    assert sorted(actions) == [
        "recurring_invoice.create",
        "recurring_invoice.pause",
        "recurring_invoice.resume",
    ]
