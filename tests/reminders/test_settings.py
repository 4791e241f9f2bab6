"""A company's reminder settings: the service's rules and the owners' page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from solde.audit.models import AuditEvent
from solde.core.errors import ValidationError
from solde.reminders.models import ReminderPlan
from solde.reminders.services import reminder_settings_set
from tests import builders

pytestmark = pytest.mark.django_db


def test_settings_change_and_are_audited(seller):
    company = reminder_settings_set(
        company=seller,
        reminders_enabled=True,
        reminder_hour="7",
        reminder_min_gap_days=10,
        reminders_on_working_days=False,
        holiday_region="57",
    )
    company.refresh_from_db()
    assert (
        company.reminders_enabled,
        company.reminder_hour,
        company.reminder_min_gap_days,
        company.reminders_on_working_days,
        company.holiday_region,
    ) == (True, 7, 10, False, "57")
    event = AuditEvent.objects.get(action="company.reminder_settings")
    assert event.after["reminder_hour"] == 7 and event.before["reminder_hour"] == 9


def test_nothing_changed_writes_no_audit_event(seller):
    reminder_settings_set(company=seller, reminder_hour=9)
    assert not AuditEvent.objects.filter(action="company.reminder_settings").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reminder_hour", "24"),
        ("reminder_hour", "-1"),
        ("reminder_hour", "neuf"),
        ("reminder_hour", True),
        ("reminder_min_gap_days", "91"),
        ("reminder_min_gap_days", ""),
        ("holiday_region", "75"),
        ("holiday_region", "971"),
        ("colour", "red"),
    ],
)
def test_bad_settings_are_refused_with_the_field_named(seller, field, value):
    with pytest.raises(ValidationError) as error:
        reminder_settings_set(company=seller, **{field: value})
    assert error.value.field == field


def test_the_default_plan_moves(seller):
    standard = ReminderPlan.objects.get()
    big = ReminderPlan.objects.create(company=seller, name="Grands comptes")
    reminder_settings_set(company=seller, default_plan=big)
    assert ReminderPlan.objects.get(is_default=True) == big
    standard.refresh_from_db()
    assert not standard.is_default
    event = AuditEvent.objects.get(action="company.reminder_settings")
    assert event.after == {"default_plan": "Grands comptes"}


def test_another_companys_plan_cannot_be_the_default(seller):
    other = builders.make_company("ailleurs")
    foreign = ReminderPlan.objects.create(company=other, name="Autre")
    with pytest.raises(ValidationError) as error:
        reminder_settings_set(company=seller, default_plan=foreign)
    assert error.value.field == "default_plan"
    assert ReminderPlan.objects.get(company=seller, is_default=True).name == "Relances standard"


def test_the_settings_page_saves(login, seller):
    browser = login("owner")
    page = reverse("company_reminders", args=[seller.slug])
    assert browser.get(page).status_code == 200
    big = ReminderPlan.objects.create(company=seller, name="Grands comptes")
    response = browser.post(
        page,
        {
            "reminders_enabled": "1",
            "reminder_hour": "8",
            "reminder_min_gap_days": "7",
            "holiday_region": "68",
            "default_plan": str(big.public_id),
        },
    )
    assert response.status_code == 302
    seller.refresh_from_db()
    assert (seller.reminders_enabled, seller.reminder_hour, seller.reminder_min_gap_days) == (
        True,
        8,
        7,
    )
    assert seller.reminders_on_working_days is False, "an unticked box"
    assert seller.holiday_region == "68"
    assert ReminderPlan.objects.get(is_default=True) == big


def test_the_settings_page_names_a_bad_field(login, seller):
    response = login("owner").post(
        reverse("company_reminders", args=[seller.slug]),
        {"reminder_hour": "25", "reminder_min_gap_days": "5"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="e-reminder_hour"' in page and 'value="25"' in page
    seller.refresh_from_db()
    assert seller.reminder_hour == 9
