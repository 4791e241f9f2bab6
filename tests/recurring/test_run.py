"""The daily run: one invoice per occurrence due, never two, missed periods still owed,
drafts or issued and emailed, and a template that fails does not stop the others."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.audit.models import AuditEvent
from solde.core import clock
from solde.invoicing.models import Invoice
from solde.mail.models import OutboundEmail
from solde.recurring.models import Occurrence, RecurringInvoice
from solde.recurring.services import recurring_pause, recurring_resume
from tests.builders import line, make_customer
from tests.recurring.helpers import run_on

pytestmark = pytest.mark.django_db

DEC_1 = date(2026, 12, 1)


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


def recurring_invoices(company):
    return Invoice.objects.for_company(company).filter(origin="recurring").order_by("sale_date")


def test_a_monthly_template_run_every_day_makes_one_invoice_a_month(company, make_template):
    template = make_template()
    for day in days(date(2026, 11, 20), date(2027, 3, 10)):
        run_on(day)
    invoices = list(recurring_invoices(company))
    assert [i.sale_date for i in invoices] == [
        DEC_1,
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]
    assert [i.lines.get().description for i in invoices] == [
        "Abonnement — décembre 2026",
        "Abonnement — janvier 2027",
        "Abonnement — février 2027",
        "Abonnement — mars 2027",
    ]
    template.refresh_from_db()
    assert template.next_date == date(2027, 4, 1)
    assert list(template.occurrences.values_list("invoice", flat=True)) == [
        i.pk for i in reversed(invoices)
    ]


def test_two_runs_on_the_same_day_make_nothing_more(company, make_template):
    make_template(mode="issue_and_send")
    first = run_on(DEC_1)
    second = run_on(DEC_1)
    assert len(first.invoices) == 1 and second.invoices == []
    assert recurring_invoices(company).count() == 1
    assert OutboundEmail.objects.filter(kind="invoice").count() == 1


def test_a_run_after_a_three_month_outage_makes_the_missed_invoices_once(company, make_template):
    make_template(mode="issue_and_send")
    run_on(DEC_1)
    back = date(2027, 3, 15)  # the worker was down from 2 December

    report = run_on(back)
    run_on(back)
    run_on(back + timedelta(days=1))

    missed = list(recurring_invoices(company))[1:]
    assert len(report.invoices) == 3
    assert [i.sale_date for i in missed] == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    # Issued today, in the order of the periods: the numbers stay chronological.
    assert {i.issue_date for i in missed} == {back}
    assert [i.number for i in missed] == sorted(i.number for i in missed)
    assert missed[0].lines.get().description == "Abonnement — janvier 2027"
    assert OutboundEmail.objects.filter(kind="invoice").count() == 4


def test_the_end_date_is_the_last_occurrence(company, make_template):
    template = make_template(end_date=date(2027, 1, 1))
    for day in (DEC_1, date(2027, 1, 1), date(2027, 2, 1), date(2027, 6, 1)):
        run_on(day)
    assert recurring_invoices(company).count() == 2
    template.refresh_from_db()
    assert template.next_date is None


def test_draft_mode_leaves_drafts_and_sends_nothing(company, make_template):
    make_template(mode="draft")
    run_on(DEC_1)
    invoice = recurring_invoices(company).get()
    assert invoice.state == Invoice.DRAFT and invoice.number == ""
    assert invoice.sale_date == DEC_1
    assert invoice.total == Decimal("120.00")
    assert not OutboundEmail.objects.exists()


def test_issue_and_send_issues_today_and_queues_one_email_with_the_pdf(company, make_template):
    make_template(mode="issue_and_send", lines=[line("50", qty="2", description="Licence")])
    run_on(date(2026, 12, 2))  # a day late
    invoice = recurring_invoices(company).get()
    assert invoice.state == Invoice.ISSUED
    assert invoice.issue_date == date(2026, 12, 2) and invoice.sale_date == DEC_1
    email = OutboundEmail.objects.get()
    assert email.kind == "invoice" and email.invoice == invoice
    assert email.to == ["compta@dupont.test"]
    attachment = email.attachments.get()
    assert attachment.filename == f"{invoice.number}.pdf"
    assert bytes(attachment.content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("frequency", "occurrence", "label"),
    [
        ("monthly", date(2026, 12, 1), "décembre 2026"),
        ("quarterly", date(2026, 12, 1), "décembre 2026 – février 2027"),
        ("yearly", date(2026, 12, 1), "décembre 2026 – novembre 2027"),
    ],
)
def test_each_line_names_the_period_it_bills(company, make_template, frequency, occurrence, label):
    make_template(frequency=frequency)
    run_on(occurrence)
    assert recurring_invoices(company).get().lines.get().description == f"Abonnement — {label}"


def test_an_english_customer_reads_the_period_in_english(company, make_template):
    customer = make_customer(company, name="Smith Ltd", email="ap@smith.test", language="en")
    make_template(customer=customer)
    run_on(DEC_1)
    assert recurring_invoices(company).get().lines.get().description == (
        "Abonnement — December 2026"
    )


def test_a_paused_template_does_nothing_and_resuming_skips_the_paused_periods(
    company, make_template
):
    template = make_template(notice_days=5)
    recurring_pause(template=template)
    for day in (date(2026, 11, 26), DEC_1, date(2027, 1, 1)):
        run_on(day)
    assert not recurring_invoices(company).exists()
    assert not OutboundEmail.objects.exists()

    with clock.frozen(date(2027, 1, 10)):
        resumed = recurring_resume(template=template, today=date(2027, 1, 10))
    assert resumed.next_date == date(2027, 2, 1)
    run_on(date(2027, 2, 1))
    assert [i.sale_date for i in recurring_invoices(company)] == [date(2027, 2, 1)]


def test_an_occurrence_already_invoiced_is_never_invoiced_again(company, make_template):
    """The Occurrence row is the guard, whatever next_date says (an edit, a race)."""
    template = make_template()
    run_on(DEC_1)
    RecurringInvoice.objects.filter(pk=template.pk).update(next_date=DEC_1)
    assert run_on(DEC_1).invoices == []
    assert recurring_invoices(company).count() == 1
    assert Occurrence.objects.filter(template=template, date=DEC_1).count() == 1


def test_a_failing_template_keeps_its_error_and_the_others_run(company, make_template, buyer):
    silent = make_customer(company, name="Sans Email")
    failing = make_template(mode="draft", customer=silent, name="Muet")
    RecurringInvoice.objects.filter(pk=failing.pk).update(mode="issue_and_send")
    working = make_template(mode="issue_and_send")

    report = run_on(DEC_1)

    assert list(report.failures) == [str(failing.public_id)]
    failing.refresh_from_db()
    assert "no email address" in failing.last_error
    assert failing.next_date == DEC_1  # tried again next run
    assert not Invoice.objects.filter(customer=silent).exists()  # nothing half made
    working.refresh_from_db()
    assert working.next_date == date(2027, 1, 1) and working.last_error == ""

    RecurringInvoice.objects.filter(pk=failing.pk).update(mode="draft")
    run_on(date(2026, 12, 2))
    failing.refresh_from_db()
    assert failing.last_error == "" and failing.next_date == date(2027, 1, 1)


def test_one_company_can_be_run_alone(company, other_company, make_template):
    make_template()
    theirs = make_customer(other_company, email="a@b.test")
    with clock.frozen(date(2026, 11, 20)):
        from solde.recurring.services import recurring_create

        recurring_create(
            company=other_company,
            customer=theirs,
            lines=[line()],
            today=date(2026, 11, 20),
            name="Other",
            start_date=date(2026, 11, 20),
            mode="draft",
        )
    assert len(run_on(DEC_1, company=other_company).invoices) == 1
    assert not recurring_invoices(company).exists()


def test_the_run_is_audited(company, make_template):
    template = make_template(mode="issue_and_send")
    run_on(DEC_1)
    invoice = recurring_invoices(company).get()
    event = AuditEvent.objects.get(action="recurring_invoice.run")
    assert event.object_id == template.public_id
    assert event.actor_label == "recurring"
    assert event.after == {"invoices": [str(invoice.public_id)], "next_date": "2027-01-01"}
    assert AuditEvent.objects.filter(action="invoice.issue", object_id=invoice.public_id).exists()
