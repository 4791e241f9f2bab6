"""The plans page: creating a plan (from a copy of another's steps), renaming it and
changing its segments, making it the default, deleting it or one of its steps after a
confirmation; refusals shown next to their field or as a message."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from solde.core.errors import Conflict
from solde.reminders.models import ReminderPlan, ReminderStep
from solde.reminders.services import plan_create, plan_delete, step_delete
from tests import builders

pytestmark = pytest.mark.django_db


def url(name, company, *args):
    return reverse(name, args=[company.slug, *args])


def _default() -> ReminderPlan:
    return ReminderPlan.objects.get(is_default=True)


def flashes(response, level: str) -> list[str]:
    page = response.content.decode()
    return re.findall(rf'<p class="flash-{level}">(.*?)</p>', page, flags=re.S)


def refusal(act) -> str:
    """The message a service refuses with, as a page shows it."""
    with pytest.raises(Conflict) as error:
        act()
    return escape(error.value.message)


def test_acting_members_get_the_forms_and_viewers_do_not(login, seller):
    plans = url("reminder_plans", seller)
    page = login("sales").get(plans).content.decode()
    plan = _default()
    assert url("reminder_plan_new", seller) in page
    edit = f'action="{url("reminder_plan_edit", seller, plan.public_id)}"'
    assert edit in page
    assert url("reminder_plan_default", seller, plan.public_id) not in page, "owners only"
    assert "?confirm=delete-step&amp;plan=" in page
    viewer = login("viewer").get(plans).content.decode()
    assert url("reminder_plan_new", seller) not in viewer
    assert edit not in viewer
    assert "confirm=delete" not in viewer


def test_a_plan_is_created_from_the_defaults_steps(login, seller):
    builders.make_customer(seller, "EXP", segment="export")
    browser = login("accountant")
    form = browser.get(url("reminder_plans", seller)).content.decode()
    chooser = form.split('name="copy_from"')[1].split("</select>")[0]
    assert f'value="{_default().public_id}" selected' in chooser, "the default plan's steps"
    known = form.split('id="segments-known"')[1].split("</datalist>")[0]
    assert '<option value="export">' in known, "the customers' segments are suggested"
    response = browser.post(
        url("reminder_plan_new", seller),
        {"name": "Export", "segments": "export, ue", "copy_from": str(_default().public_id)},
    )
    plan = ReminderPlan.objects.get(name="Export")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#plan-{plan.public_id}")
    assert (plan.segments, plan.steps.count(), plan.is_default) == (["export", "ue"], 5, False)
    page = browser.get(url("reminder_plans", seller)).content.decode()
    section = page.split(f'id="plan-{plan.public_id}"')[1].split("</section>")[0]
    assert "export, ue" in section and "Mise en demeure" in section


def test_a_plan_may_start_empty(login, seller):
    login("owner").post(url("reminder_plan_new", seller), {"name": "Vide", "copy_from": ""})
    assert ReminderPlan.objects.get(name="Vide").steps.count() == 0


def test_a_taken_segment_is_refused_next_to_its_field_and_what_was_typed_kept(login, seller):
    plan_create(company=seller, name="Public", segments=["public"])
    response = login("owner").post(
        url("reminder_plan_new", seller),
        {"name": "Mairies", "segments": "mairies, public", "copy_from": ""},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="e-segments"' in page and "Public" in page.split('id="e-segments"')[1]
    assert 'value="Mairies"' in page and 'value="mairies, public"' in page
    assert not ReminderPlan.objects.filter(name="Mairies").exists()


def test_a_plan_is_renamed_and_its_segments_changed(login, seller):
    plan = plan_create(company=seller, name="Export", segments=["export"])
    response = login("sales").post(
        url("reminder_plan_edit", seller, plan.public_id), {"name": "Étranger", "segments": "ue"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.segments) == ("Étranger", ["ue"])


def test_a_wrong_change_is_shown_on_that_plans_form_only(login, seller):
    plan = plan_create(company=seller, name="Export", segments=["export"])
    ref = plan.public_id
    response = login("owner").post(
        url("reminder_plan_edit", seller, ref), {"name": "", "segments": "export"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    section = page.split(f'id="plan-{ref}"')[1].split("</section>")[0]
    assert f'id="e-name-{ref}"' in section and "<details open>" in section
    other = page.split(f'id="plan-{_default().public_id}"')[1].split("</section>")[0]
    assert "field-error" not in other and "<details open>" not in other
    plan.refresh_from_db()
    assert plan.name == "Export"


def test_a_plan_is_deleted_after_its_confirmation(login, seller):
    plan = plan_create(company=seller, name="Export", copy_from=_default())
    browser = login("sales")
    asked = browser.get(
        url("reminder_plans", seller), {"confirm": "delete-plan", "plan": plan.public_id}
    )
    dialog = asked.content.decode().split('role="alertdialog"')[1].split("</article>")[0]
    assert url("reminder_plan_delete", seller, plan.public_id) in dialog and "Export" in dialog
    assert ReminderPlan.objects.filter(pk=plan.pk).exists(), "asking deletes nothing"
    response = browser.post(url("reminder_plan_delete", seller, plan.public_id), follow=True)
    assert not ReminderPlan.objects.filter(pk=plan.pk).exists()
    assert flashes(response, "success") and not flashes(response, "error")


def test_deleting_the_default_plan_is_refused_with_its_reason(login, seller):
    plan = _default()
    response = login("owner").post(url("reminder_plan_delete", seller, plan.public_id), follow=True)
    assert flashes(response, "error") == [refusal(lambda: plan_delete(plan=plan))]
    assert ReminderPlan.objects.filter(pk=plan.pk).exists()


def test_a_step_is_deleted_after_its_confirmation_unless_reminders_were_sent(login, seller, sent):
    plan, browser = _default(), login("accountant")
    unused, used = plan.steps.get(offset_days=-3), plan.steps.get(offset_days=3)
    asked = browser.get(
        url("reminder_plans", seller),
        {"confirm": "delete-step", "plan": plan.public_id, "step": unused.pk},
    ).content.decode()
    dialog = asked.split('role="alertdialog"')[1].split("</article>")[0]
    assert url("reminder_step_delete", seller, plan.public_id, unused.pk) in dialog
    browser.post(url("reminder_step_delete", seller, plan.public_id, unused.pk))
    assert not ReminderStep.objects.filter(pk=unused.pk).exists()
    response = browser.post(
        url("reminder_step_delete", seller, plan.public_id, used.pk), follow=True
    )
    assert flashes(response, "error") == [refusal(lambda: step_delete(step=used))]
    assert ReminderStep.objects.filter(pk=used.pk).exists()


def test_an_unknown_confirmation_asks_nothing(login, seller):
    page = login("owner").get(
        url("reminder_plans", seller), {"confirm": "delete-step", "plan": "nope", "step": "1"}
    )
    assert 'role="alertdialog"' not in page.content.decode()


def test_an_owner_makes_another_plan_the_default(login, seller):
    plan = plan_create(company=seller, name="Neuf", copy_from=_default())
    browser = login("owner")
    page = browser.get(url("reminder_plans", seller)).content.decode()
    assert url("reminder_plan_default", seller, plan.public_id) in page
    response = browser.post(url("reminder_plan_default", seller, plan.public_id))
    assert response.status_code == 302
    assert _default() == plan
    assert (
        login("sales").post(url("reminder_plan_default", seller, plan.public_id)).status_code == 403
    )
