"""Managing reminder plans: creating one (from a copy of another's steps), renaming it
and choosing its segments, deleting plans and steps; what is refused, with its field."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.audit.models import AuditEvent
from solde.core.errors import Conflict, ValidationError
from solde.reminders.models import CustomerReminders, Reminder, ReminderPlan, ReminderStep
from solde.reminders.planning import plans_load
from solde.reminders.run import reminders_run
from solde.reminders.services import (
    customer_reminders_set,
    plan_create,
    plan_default_ensure,
    plan_delete,
    plan_update,
    reminder_settings_set,
    step_delete,
)
from tests import builders

pytestmark = pytest.mark.django_db
STEP_FIELDS = ("name", "offset_days", "channel", "tone", "texts", "with_late_fees")


def _default(company) -> ReminderPlan:
    return ReminderPlan.objects.get(company=company, is_default=True)


def _steps(plan) -> list[tuple]:
    return [tuple(getattr(s, f) for f in STEP_FIELDS) for s in plan.steps.order_by("offset_days")]


# -- creating ---------------------------------------------------------------------------------


def test_a_new_plan_starts_from_a_copy_of_the_default_plans_steps(seller):
    default = _default(seller)
    plan = plan_create(
        company=seller,
        name="  Grands   comptes ",
        segments=["grands", " pme ", "grands", ""],
        copy_from=default,
    )
    assert (plan.name, plan.segments, plan.is_default) == (
        "Grands comptes",
        ["grands", "pme"],
        False,
    )
    assert _steps(plan) == _steps(default)
    assert set(plan.steps.values_list("pk", flat=True)).isdisjoint(
        default.steps.values_list("pk", flat=True)
    ), "copies, not the default's own steps"
    event = AuditEvent.objects.get(action="reminder_plan.create", object_id=plan.public_id)
    assert event.after == {
        "name": "Grands comptes",
        "segments": ["grands", "pme"],
        "copied_from": "Relances standard",
    }


def test_a_plan_may_start_empty_and_its_copy_does_not_follow_the_original(seller):
    empty = plan_create(company=seller, name="Vide")
    assert list(empty.steps.all()) == [] and empty.segments == []
    copy = plan_create(company=seller, name="Copie", copy_from=_default(seller))
    step = _default(seller).steps.get(offset_days=3)
    step.name = "Changé"
    step.save()
    assert copy.steps.get(offset_days=3).name == "Relance amiable"


@pytest.mark.parametrize(
    ("name", "segments", "field"),
    [
        ("", [], "name"),
        ("   ", [], "name"),
        ("relances STANDARD", [], "name"),  # the default plan's name, whatever the case
        ("Export", "export", "segments"),  # a text, not a list
        ("Export", ["export", 3], "segments"),
        ("Export", ["x" * 51], "segments"),
        ("Export", ["public"], "segments"),  # the "Public" plan below already takes it
    ],
)
def test_a_wrong_plan_is_refused_naming_its_field(seller, name, segments, field):
    plan_create(company=seller, name="Public", segments=["public"])
    with pytest.raises(ValidationError) as error:
        plan_create(company=seller, name=name, segments=segments)
    assert error.value.field == field
    assert ReminderPlan.objects.filter(company=seller).count() == 2


def test_the_refusal_of_a_taken_segment_names_it_and_its_plan(seller):
    plan_create(company=seller, name="Public", segments=["public", "collectivités"])
    with pytest.raises(ValidationError) as error:
        plan_create(company=seller, name="Mairies", segments=["mairies", "collectivités"])
    assert "collectivités" in error.value.message and "Public" in error.value.message


def test_another_companys_plan_cannot_be_copied(seller):
    other = builders.make_company("ailleurs")
    foreign = plan_default_ensure(company=other)
    with pytest.raises(ValidationError) as error:
        plan_create(company=seller, name="Copie", copy_from=foreign)
    assert error.value.field == "copy_from"
    assert not ReminderPlan.objects.filter(company=seller, name="Copie").exists()


def test_two_companies_may_use_the_same_names_and_segments(seller):
    other = builders.make_company("ailleurs")
    plan_create(company=seller, name="Export", segments=["export"])
    theirs = plan_create(company=other, name="Export", segments=["export"])
    assert theirs.segments == ["export"]


# -- changing ---------------------------------------------------------------------------------


def test_a_plan_is_renamed_and_its_segments_changed_and_audited(seller):
    plan = plan_create(company=seller, name="Export", segments=["export"])
    changed = plan_update(plan=plan, name="Étranger", segments=["export", "ue"])
    assert (changed.name, changed.segments) == ("Étranger", ["export", "ue"])
    plan.refresh_from_db()
    assert plan.segments == ["export", "ue"]
    event = AuditEvent.objects.get(action="reminder_plan.update")
    assert event.before == {"name": "Export", "segments": ["export"]}
    assert event.after == {"name": "Étranger", "segments": ["export", "ue"]}


def test_a_plan_keeps_its_own_name_and_segments_and_nothing_changed_is_not_audited(seller):
    plan = plan_create(company=seller, name="Export", segments=["export"])
    plan_update(plan=plan, name="Export", segments=["export"])
    assert not AuditEvent.objects.filter(action="reminder_plan.update").exists()


def test_a_change_taking_another_plans_segment_or_name_changes_nothing(seller):
    plan_create(company=seller, name="Public", segments=["public"])
    plan = plan_create(company=seller, name="Export", segments=["export"])
    for name, segments, field in (("Export", ["public"], "segments"), ("Public", [], "name")):
        with pytest.raises(ValidationError) as error:
            plan_update(plan=plan, name=name, segments=segments)
        assert error.value.field == field
    plan.refresh_from_db()
    assert (plan.name, plan.segments) == ("Export", ["export"])


def test_a_segment_moved_to_a_new_plan_is_followed_by_its_customers(seller, make_due):
    customer = builders.make_customer(
        seller, "EXP", name="Export SA", email="a@export.test", segment="export"
    )
    make_due(seller, customer, date(2026, 11, 17))  # J+3 today
    plan = plan_create(company=seller, name="Export", segments=["export"])
    ReminderStep.objects.create(
        plan=plan,
        name="Reminder",
        offset_days=3,
        tone="friendly",
        texts={"en": {"subject": "Unpaid", "body": "{invoices}"}},
    )
    (message,) = reminders_run(company=seller, dry_run=True).messages
    assert message.step_name == "Reminder"


# -- deleting ---------------------------------------------------------------------------------


def test_the_default_plan_cannot_be_deleted(seller):
    with pytest.raises(Conflict):
        plan_delete(plan=_default(seller))
    assert _default(seller).steps.count() == 5


def test_deleting_a_plan_takes_its_steps_and_its_customers_go_back_to_the_default(seller):
    plan = plan_create(company=seller, name="Export", copy_from=_default(seller))
    customer = builders.make_customer(seller, "EXP")
    customer_reminders_set(customer=customer, plan=plan)
    plan_delete(plan=plan)
    assert not ReminderPlan.objects.filter(pk=plan.pk).exists()
    assert not ReminderStep.objects.filter(plan_id=plan.pk).exists()
    assert CustomerReminders.objects.get(customer=customer).plan is None
    event = AuditEvent.objects.get(action="reminder_plan.delete")
    assert event.object_id == plan.public_id
    assert event.before["steps"] == 5 and event.after == {"customers_back_to_default": 1}


def test_a_plan_reminders_were_sent_through_stays(seller, sent):
    old = _default(seller)
    reminder_settings_set(company=seller, default_plan=plan_create(company=seller, name="Neuf"))
    with pytest.raises(Conflict) as error:
        plan_delete(plan=old)
    assert "historique" in error.value.message
    assert old.steps.count() == 5 and Reminder.objects.filter(step__plan=old).count() == 4


def test_a_step_is_deleted_unless_a_reminder_was_sent_for_it(seller, sent):
    plan = _default(seller)
    sent_step = plan.steps.get(offset_days=3)  # DUPONT's and MARTIN's friendly reminder
    with pytest.raises(Conflict):
        step_delete(step=sent_step)
    assert ReminderStep.objects.filter(pk=sent_step.pk).exists()
    unused = plan.steps.get(offset_days=-3)
    step_delete(step=unused)
    assert list(plan.steps.values_list("offset_days", flat=True)) == [3, 15, 30, 45]
    event = AuditEvent.objects.get(action="reminder_step.delete")
    assert event.object_id == plan.public_id and event.before["offset_days"] == -3


def test_a_former_default_plan_without_history_can_be_deleted(seller):
    old = _default(seller)
    new = plan_create(company=seller, name="Neuf", copy_from=old)
    reminder_settings_set(company=seller, default_plan=new)
    plan_delete(plan=old)
    assert list(ReminderPlan.objects.filter(company=seller)) == [new]
    assert ReminderPlan.objects.get(company=seller).is_default


# -- invariant --------------------------------------------------------------------------------

SEGMENTS = ["pme", "export", "public", "grands"]
_slugs = count()
operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "update"]),
        st.integers(0, 3),  # which plan an update changes
        st.lists(st.sampled_from(SEGMENTS), max_size=3),
    ),
    min_size=1,
    max_size=8,
)


def _taken(company) -> dict[int, list[str]]:
    return dict(ReminderPlan.objects.filter(company=company).values_list("pk", "segments"))


def test_a_segment_never_follows_two_plans(db):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(ops=operations)
    def check(ops):
        company = builders.make_company(f"plans{next(_slugs)}")
        plan_default_ensure(company=company)
        for n, (verb, which, segments) in enumerate(ops):
            before = _taken(company)
            plans = list(ReminderPlan.objects.filter(company=company).order_by("pk"))
            try:
                if verb == "create":
                    plan_create(company=company, name=f"Plan {n}", segments=segments)
                else:
                    plan = plans[which % len(plans)]
                    plan_update(plan=plan, name=plan.name, segments=segments)
            except ValidationError as error:
                assert error.field == "segments"
                assert _taken(company) == before, "a refusal changes nothing"
            every = [s for segs in _taken(company).values() for s in segs]
            assert len(every) == len(set(every))
            by_segment = plans_load(company).by_segment
            for pk, segs in _taken(company).items():
                assert all(by_segment[s] == pk for s in segs)

    check()
