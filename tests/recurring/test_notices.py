"""Renewal notices: an email notice_days before each occurrence, once, in the customer's
language, with the company's own wording when it has one."""

from __future__ import annotations

from datetime import date

import pytest

from solde.audit.models import AuditEvent
from solde.mail import compose
from solde.mail.models import OutboundEmail
from solde.mail.services import email_template_set
from solde.recurring.models import Occurrence
from tests.builders import make_customer
from tests.recurring.helpers import run_on

pytestmark = pytest.mark.django_db

DEC_1 = date(2026, 12, 1)


def notices():
    return OutboundEmail.objects.filter(kind="renewal").order_by("id")


def test_the_notice_goes_notice_days_before_and_once(make_template):
    template = make_template(notice_days=7)
    run_on(date(2026, 11, 23))
    assert not notices().exists()

    report = run_on(date(2026, 11, 24))
    run_on(date(2026, 11, 24))
    run_on(date(2026, 11, 30))
    run_on(DEC_1)

    assert report.notices == 1
    email = notices().get()
    assert email.to == ["compta@dupont.test"]
    assert email.subject == "Renouvellement de votre abonnement Hébergement — ACME SAS"
    assert "Votre abonnement Hébergement sera renouvelé le 1 décembre 2026" in email.body
    assert "120,00\xa0€" in email.body
    occurrence = Occurrence.objects.get(template=template, date=DEC_1)
    assert occurrence.noticed_on == date(2026, 11, 24) and occurrence.notice_email == email
    assert occurrence.invoice is not None  # the invoice came on the day, on the same row


def test_each_occurrence_gets_its_own_notice(make_template):
    make_template(notice_days=3)
    for day in (date(2026, 11, 28), DEC_1, date(2026, 12, 29), date(2027, 1, 1)):
        run_on(day)
    assert [e.body.count("renouvelé le") for e in notices()] == [1, 1]
    assert "1 janvier 2027" in notices().last().body


def test_no_notice_without_notice_days(make_template):
    make_template(notice_days=0)
    for day in (date(2026, 11, 25), DEC_1):
        run_on(day)
    assert not notices().exists()


def test_a_notice_whose_window_passed_while_the_worker_was_down_is_not_sent_late(make_template):
    make_template(notice_days=5)
    run_on(DEC_1)  # first run since 20 November: the invoice, no late notice
    assert not notices().exists()


def test_an_english_customer_gets_the_english_wording(company, make_template):
    customer = make_customer(company, name="Smith Ltd", email="ap@smith.test", language="en")
    make_template(customer=customer, notice_days=10, name="Hosting")
    run_on(date(2026, 11, 21))
    email = notices().get()
    assert email.language == "en"
    assert "Your subscription Hosting renews on 1 December 2026 for €120.00." in email.body


def test_the_company_wording_is_used(company, make_template):
    email_template_set(
        company=company,
        kind="renewal",
        language="fr",
        subject="{name} : échéance du {date}",
        body="Montant {total} ({total_excl_tax} HT) pour {customer}.",
    )
    make_template(notice_days=7)
    run_on(date(2026, 11, 25))
    email = notices().get()
    assert email.subject == "Hébergement : échéance du 1 décembre 2026"
    assert email.body == "Montant 120,00\xa0€ (100,00\xa0€ HT) pour Dupont SARL.\n"


def test_a_customer_without_address_gets_no_notice_and_the_error_is_kept(company, make_template):
    silent = make_customer(company, name="Sans Email")
    template = make_template(customer=silent, notice_days=7)
    report = run_on(date(2026, 11, 25))
    assert not notices().exists()
    template.refresh_from_db()
    assert "no email address" in template.last_error
    assert list(report.failures) == [str(template.public_id)]


def test_the_notice_is_audited(make_template):
    template = make_template(notice_days=7)
    run_on(date(2026, 11, 25))
    event = AuditEvent.objects.get(action="recurring_invoice.notice")
    assert event.object_id == template.public_id
    assert event.after["date"] == "2026-12-01"
    assert event.after["email"] == str(notices().get().public_id)


def test_renewal_values_fill_exactly_the_renewal_placeholders(make_template):
    template = make_template()
    values = compose.renewal_values(template, DEC_1, "fr")
    assert sorted(values) == sorted(compose.PLACEHOLDERS["renewal"])
