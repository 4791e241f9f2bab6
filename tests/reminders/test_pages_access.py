"""Who may do what on the reminder pages: viewers read, owners, accountants and sales
people act, only owners change the settings; another company's user finds nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from solde.reminders.models import Dispute, Reminder, ReminderPlan
from solde.reminders.services import dispute_open
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def refs(seller, sent):
    """Every kind of object the pages address, by URL name and arguments."""
    dupont, invoice = sent["DUPONT"]
    plan = ReminderPlan.objects.get()
    step = plan.steps.get(offset_days=3)
    letter = Reminder.objects.get(customer__code="LEGRAND")
    task = Reminder.objects.get(customer__code="ROUX")
    dispute = dispute_open(invoice=sent["LEGRAND"][1], reason="Prix")
    return {
        "reminder_home": (),
        "reminder_plans": (),
        "company_reminders": (),
        "reminder_step_new": (plan.public_id,),
        "reminder_step_edit": (plan.public_id, step.pk),
        "reminder_step_delete": (plan.public_id, step.pk),
        "reminder_plan_new": (),
        "reminder_plan_edit": (plan.public_id,),
        "reminder_plan_delete": (plan.public_id,),
        "reminder_plan_default": (plan.public_id,),
        "reminder_detail": (letter.public_id,),
        "reminder_letter": (letter.public_id,),
        "reminder_done": (task.public_id,),
        "reminder_customer_set": (dupont.public_id,),
        "reminder_promise": (dupont.public_id,),
        "reminder_payment_plan": (dupont.public_id,),
        "reminder_dispute_open": (invoice.public_id,),
        "reminder_dispute_resolve": (dispute.public_id,),
        "customer_detail": (dupont.public_id,),
        "invoice_detail": (invoice.public_id,),
    }


PAGES = [
    "reminder_home",
    "reminder_plans",
    "reminder_step_edit",
    "reminder_detail",
    "customer_detail",
    "invoice_detail",
]
ACTIONS = {
    "reminder_done": {},
    "reminder_customer_set": {"paused": "1", "reason": "x"},
    "reminder_promise": {"promised_date": "2026-11-30"},
    "reminder_payment_plan": {},
    "reminder_dispute_open": {"reason": "x"},
    "reminder_dispute_resolve": {"resolution": "x"},
    "reminder_step_new": {},
    "reminder_step_edit": {"name": "Changé"},
    "company_reminders": {"reminder_hour": "7"},
    "reminder_plan_new": {"name": "Nouveau"},
    "reminder_plan_edit": {"name": "Renommé"},
    "reminder_plan_delete": {},
    "reminder_plan_default": {},
    "reminder_step_delete": {},
}

POST_ONLY = set(ACTIONS) - {"reminder_step_new", "reminder_step_edit", "company_reminders"}


def _url(seller, name, refs):
    return reverse(name, args=[seller.slug, *refs[name]])


@pytest.mark.parametrize("name", PAGES)
def test_viewers_read_every_page(login, seller, refs, name):
    assert login("viewer").get(_url(seller, name, refs)).status_code == 200


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_viewers_may_not_act(login, seller, refs, name):
    response = login("viewer").post(_url(seller, name, refs), ACTIONS[name])
    assert response.status_code == 403
    assert not Reminder.objects.filter(status=Reminder.DONE).exists()
    assert Dispute.objects.filter(resolved_on__isnull=True).count() == 1
    unchanged_plans()


def unchanged_plans() -> None:
    (plan,) = ReminderPlan.objects.all()
    assert (plan.name, plan.is_default, plan.steps.count()) == ("Relances standard", True, 5)


@pytest.mark.parametrize("role", ["owner", "accountant", "sales"])
def test_the_acting_roles_act(login, seller, refs, role):
    response = login(role).post(_url(seller, "reminder_done", refs), {})
    assert response.status_code == 302
    assert Reminder.objects.get(customer__code="ROUX").status == Reminder.DONE


@pytest.mark.parametrize("role", ["accountant", "sales", "viewer"])
def test_only_owners_change_reminder_settings(login, seller, refs, role):
    assert login(role).get(_url(seller, "company_reminders", refs)).status_code == 403


@pytest.mark.parametrize("name", sorted(set(PAGES) | set(ACTIONS) | {"reminder_letter"}))
def test_an_outsider_finds_nothing(client, seller, refs, name):
    other = builders.make_company("ailleurs")
    client.force_login(builders.make_user(other, "owner"))
    ours = _url(seller, name, refs)
    # A POST-only action answers a GET 405 before anything is looked up (as bank pages).
    assert client.get(ours).status_code == (405 if name in POST_ONLY else 404)
    assert client.post(ours, ACTIONS.get(name, {})).status_code == 404
    # Under their own company, this company's objects do not exist either.
    if refs[name]:
        theirs = reverse(name, args=[other.slug, *refs[name]])
        assert client.get(theirs).status_code == (405 if name in POST_ONLY else 404)
        assert client.post(theirs, ACTIONS.get(name, {})).status_code == 404
    unchanged_plans()
