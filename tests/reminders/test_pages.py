"""The reminder pages: the home, one reminder as sent, tasks, plans, steps and previews."""

from __future__ import annotations

import pytest
from django.urls import reverse

from solde.reminders.models import Reminder, ReminderPlan, ReminderStep

pytestmark = pytest.mark.django_db


def url(name, company, *args):
    return reverse(name, args=[company.slug, *args])


def reminder_of(code: str) -> Reminder:
    return Reminder.objects.select_related("step").get(customer__code=code)


def test_home_shows_the_next_run_what_waits_and_what_was_sent(login, seller, sent):
    page = login("owner").get(url("reminder_home", seller)).content.decode()
    planned = page.split('id="planned"')[1].split('id="waiting"')[0]
    waiting = page.split('id="waiting"')[1].split('id="sent"')[0]
    latest = page.split('id="sent"')[1]
    assert "23 nov. 2026" in planned, "Friday's next working day is Monday"
    assert "Petit SAS" in planned and sent["PETIT"][1].number in planned
    assert "Relance amiable" in planned and "300,00" in planned
    assert "Dupont SARL" not in planned, "reminded today: the gap holds it"
    assert "Martin SARL" in waiting and "Roux SARL" in waiting
    assert "Dupont SARL" not in waiting
    assert "Dupont SARL" in latest and sent["DUPONT"][1].number in latest
    assert "Legrand SARL" in latest and "Mise en demeure" in latest


def test_home_says_when_reminders_are_off_and_links_owners_to_the_settings(login, seller):
    page = login("owner").get(url("reminder_home", seller)).content.decode()
    assert 'id="reminders-off"' in page
    assert url("company_reminders", seller) in page
    seller.reminders_enabled = True
    seller.save(update_fields=["reminders_enabled"])
    assert (
        'id="reminders-off"'
        not in login("owner").get(url("reminder_home", seller)).content.decode()
    )


def test_the_sent_list_pages(login, seller, sent):
    page = login("viewer").get(url("reminder_home", seller), {"page": 2})
    assert page.status_code == 200
    assert "Dupont SARL" not in page.content.decode().split('id="sent"')[1]


def test_marking_a_task_done(login, seller, sent):
    task = reminder_of("ROUX")
    assert task.channel == "task" and task.status == Reminder.OPEN
    response = login("sales").post(url("reminder_done", seller, task.public_id))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Reminder.DONE and task.done_at is not None
    page = login("owner").get(url("reminder_home", seller)).content.decode()
    assert "Roux SARL" not in page.split('id="waiting"')[1].split('id="sent"')[0]
    again = login("owner").post(url("reminder_done", seller, task.public_id), follow=True)
    assert "attend aucune action manuelle" in again.content.decode()


def test_one_reminder_shows_its_text_invoices_fees_and_delivery(login, seller, sent):
    letter = reminder_of("LEGRAND")
    page = login("viewer").get(url("reminder_detail", seller, letter.public_id)).content.decode()
    assert letter.subject in page and "Mise en demeure de payer" in page
    assert sent["LEGRAND"][1].number in page
    assert "compta@legrand.test" in page, "the email's recipients"
    assert "status-queued" in page, "the email's delivery status"
    assert "40,00" in page, "the fixed indemnity"
    assert url("reminder_letter", seller, letter.public_id) in page


def test_a_letter_downloads_as_pdf_and_an_email_has_none(login, seller, sent):
    browser = login("viewer")
    letter = reminder_of("LEGRAND")
    response = browser.get(url("reminder_letter", seller, letter.public_id))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    email = reminder_of("DUPONT")
    page = browser.get(url("reminder_detail", seller, email.public_id)).content.decode()
    assert url("reminder_letter", seller, email.public_id) not in page
    assert browser.get(url("reminder_letter", seller, email.public_id)).status_code == 404


def test_plans_list_their_steps(login, seller):
    page = login("viewer").get(url("reminder_plans", seller)).content.decode()
    for name in ("Relances standard", "Avis de courtoisie", "Mise en demeure", "Escalade"):
        assert name in page
    assert "J-3" in page and "J+30" in page
    assert "{total_with_fees}" in page, "the placeholders are listed"


def _step(offset: int) -> ReminderStep:
    return ReminderStep.objects.get(offset_days=offset)


def _form(step: ReminderStep, **changes) -> dict:
    data = {
        "name": step.name,
        "offset_days": str(step.offset_days),
        "channel": step.channel,
        "tone": step.tone,
        "subject_fr": step.texts["fr"]["subject"],
        "body_fr": step.texts["fr"]["body"],
        "subject_en": step.texts["en"]["subject"],
        "body_en": step.texts["en"]["body"],
    }
    flags = ("attach_invoices", "attach_statement", "with_late_fees")
    data.update({flag: "1" for flag in flags if getattr(step, flag)})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_editing_a_step_saves_it(login, seller):
    step = _step(3)
    plan = ReminderPlan.objects.get()
    response = login("accountant").post(
        url("reminder_step_edit", seller, plan.public_id, step.pk),
        _form(
            step,
            name="Premier rappel",
            offset_days="5",
            with_late_fees="1",
            subject_fr="Rappel {customer}",
        ),
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.name, step.offset_days, step.with_late_fees) == ("Premier rappel", 5, True)
    assert step.texts["fr"]["subject"] == "Rappel {customer}"
    assert step.attach_invoices is True, "unchanged boxes stay ticked"


def test_a_bad_placeholder_is_refused_next_to_its_field(login, seller):
    step = _step(15)
    plan = ReminderPlan.objects.get()
    before = dict(step.texts)
    response = login("owner").post(
        url("reminder_step_edit", seller, plan.public_id, step.pk),
        _form(step, body_en="Please pay {amount_due}."),
    )
    assert response.status_code == 422
    page = response.content.decode()
    error = page.split('id="e-body_en"')[1].split("</small>")[0]
    assert "{amount_due}" in error
    assert 'id="e-body_fr"' not in page
    assert "Please pay {amount_due}." in page, "what was typed is kept"
    step.refresh_from_db()
    assert step.texts == before


def test_a_half_written_language_is_pointed_at(login, seller):
    step = _step(15)
    plan = ReminderPlan.objects.get()
    response = login("owner").post(
        url("reminder_step_edit", seller, plan.public_id, step.pk), _form(step, subject_en="")
    )
    assert response.status_code == 422
    assert 'id="e-subject_en"' in response.content.decode()


def test_a_clashing_offset_is_refused_on_its_field(login, seller):
    step = _step(15)
    plan = ReminderPlan.objects.get()
    response = login("owner").post(
        url("reminder_step_edit", seller, plan.public_id, step.pk), _form(step, offset_days="30")
    )
    assert response.status_code == 422
    assert 'id="e-offset_days"' in response.content.decode()


def test_adding_a_step(login, seller):
    plan = ReminderPlan.objects.get()
    response = login("owner").post(
        url("reminder_step_new", seller, plan.public_id),
        {
            "name": "Appel",
            "offset_days": "10",
            "channel": "task",
            "tone": "firm",
            "subject_fr": "Appeler {customer}",
            "body_fr": "{customer} doit {total_due}.",
        },
    )
    assert response.status_code == 302
    step = plan.steps.get(offset_days=10)
    assert (step.name, step.channel, list(step.texts)) == ("Appel", "task", ["fr"])
    assert (
        reverse("reminder_step_edit", args=[seller.slug, plan.public_id, step.pk])
        in response["Location"]
    )


def test_the_preview_renders_the_step_for_a_real_customer(login, seller, sent):
    step = _step(3)
    plan = ReminderPlan.objects.get()
    dupont, invoice = sent["DUPONT"]
    page = login("viewer").get(
        url("reminder_step_edit", seller, plan.public_id, step.pk), {"customer": dupont.public_id}
    )
    preview = page.content.decode().split('id="preview"')[1]
    assert invoice.number in preview
    assert "Dupont SARL" in preview
    assert "Rappel : facture(s) échue(s) — Atelier Lumière SAS" in preview
    assert "1\u202f200,00" in preview, "the balance, the French way"
    assert sent["PETIT"][1].number not in preview, "another customer's invoices are not listed"


def test_previewing_what_was_typed_with_htmx_returns_the_preview_alone(login, seller, sent):
    step = _step(30)
    plan = ReminderPlan.objects.get()
    legrand, invoice = sent["LEGRAND"]
    response = login("viewer").post(
        url("reminder_step_edit", seller, plan.public_id, step.pk),
        _form(
            step,
            subject_fr="Dernier avis : {total_with_fees}",
            preview="1",
            customer=str(legrand.public_id),
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="preview"')
    # 1,200.00 + 1,200.00 × 12.15 % × 36 / 365 (14.38) + the 40.00 indemnity.
    assert "Dernier avis : 1\u202f254,38" in page
    assert invoice.number in page
    step.refresh_from_db()
    assert step.texts["fr"]["subject"] == "Mise en demeure de payer — {company}", "not saved"


def test_the_main_navigation_leads_to_the_reminders(login, seller):
    page = login("viewer").get(reverse("home", args=[seller.slug])).content.decode()
    assert f'href="{url("reminder_home", seller)}"' in page
    here = login("viewer").get(url("reminder_plans", seller)).content.decode()
    assert f'href="{url("reminder_home", seller)}" aria-current="page"' in here
