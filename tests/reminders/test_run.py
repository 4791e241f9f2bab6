"""The reminder run through its service: what is queued, once, and what is not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from solde.core import clock
from solde.mail.models import OutboundEmail
from solde.payments.services import payment_record
from solde.reminders.models import Reminder, ReminderLine
from solde.reminders.run import reminders_run
from tests import builders

MONDAY = date(2026, 11, 16)


def test_one_message_per_customer_for_all_its_overdue_invoices(seller, make_due):
    dupont = builders.make_customer(
        seller, "DUPONT", name="Dupont SARL", email="compta@dupont.test"
    )
    first = make_due(seller, dupont, date(2026, 11, 10))
    second = make_due(seller, dupont, date(2026, 11, 12), price="50")
    with clock.frozen(MONDAY):
        report = reminders_run(company=seller)
    assert [m.customer_code for m in report.messages] == ["DUPONT"]
    message = report.messages[0]
    assert [line.invoice_id for line in message.lines] == [first.pk, second.pk]
    assert message.step_name == "Relance amiable"
    assert message.total_due == Decimal("180.00")
    email = OutboundEmail.objects.get()
    assert email.to == ["compta@dupont.test"]
    assert first.number in email.body and second.number in email.body
    assert "180,00" in email.body
    assert email.kind == "reminder"


def test_a_second_run_the_same_day_sends_nothing(seller, make_due):
    dupont = builders.make_customer(seller, "DUPONT", email="compta@dupont.test")
    make_due(seller, dupont, date(2026, 11, 10))
    with clock.frozen(MONDAY):
        reminders_run(company=seller)
        again = reminders_run(company=seller)
    assert again.messages == []
    assert OutboundEmail.objects.count() == 1
    assert ReminderLine.objects.count() == 1


def test_a_paid_invoice_gets_no_reminder(seller, make_due):
    dupont = builders.make_customer(seller, "DUPONT", email="compta@dupont.test")
    invoice = make_due(seller, dupont, date(2026, 11, 10))
    payment_record(
        company=seller,
        customer=dupont,
        amount="120.00",
        date=date(2026, 11, 15),
        invoices=[invoice],
    )
    with clock.frozen(MONDAY):
        report = reminders_run(company=seller)
    assert report.messages == []
    assert not OutboundEmail.objects.exists()


def test_dry_run_writes_nothing(seller, make_due):
    dupont = builders.make_customer(seller, "DUPONT", email="compta@dupont.test")
    make_due(seller, dupont, date(2026, 11, 10))
    with clock.frozen(MONDAY):
        report = reminders_run(company=seller, dry_run=True)
    assert len(report.messages) == 1
    assert not Reminder.objects.exists() and not OutboundEmail.objects.exists()


def test_formal_notice_claims_late_fees_and_the_indemnity(seller, make_due):
    dupont = builders.make_customer(seller, "DUPONT", email="compta@dupont.test")
    make_due(seller, dupont, date(2026, 10, 1), price="1000")
    with clock.frozen(date(2026, 11, 2)):  # J+32: the formal notice is the latest step due
        report = reminders_run(company=seller)
    (message,) = report.messages
    assert message.channel == "letter"
    line = message.lines[0].chased
    # 1,200.00 × (2.15 + 10) % × 32 / 365 = 12.7824… → 12.78; the €40 indemnity.
    assert line.interest == Decimal("12.78")
    assert line.indemnity == Decimal("40")
    reminder = Reminder.objects.get()
    assert reminder.late_fees == Decimal("52.78")
    email = OutboundEmail.objects.get()
    assert [a.source for a in email.attachments.all()] == [f"reminder-letter:{reminder.public_id}"]


def test_a_customer_without_address_waits_for_a_person(seller, make_due):
    nobody = builders.make_customer(seller, "NOMAIL")
    make_due(seller, nobody, date(2026, 11, 10))
    with clock.frozen(MONDAY):
        report = reminders_run(company=seller)
    assert report.by_hand == 1
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.OPEN and reminder.email is None
    notice = OutboundEmail.objects.get()
    assert notice.kind == "notice" and notice.to == ["patron@lumiere.test"]


def test_attachments_are_drawn_at_delivery_and_kept_with_the_email(seller, make_due):
    """A firm reminder carries the statement and the invoices' PDFs; a formal notice its
    letter. They are drawn when the email leaves and stored with it."""
    from pypdf import PdfReader

    from solde.mail.services import outbox_deliver

    legrand = builders.make_customer(seller, "LEGRAND", email="compta@legrand.test")
    make_due(seller, legrand, date(2026, 10, 1), price="1000")  # the letter on 02/11 (J+32)
    with clock.frozen(date(2026, 11, 2)):
        reminders_run(company=seller)
    dupont = builders.make_customer(seller, "DUPONT", email="compta@dupont.test")
    firm = make_due(seller, dupont, date(2026, 10, 30))  # J+17 on 16/11: the firm reminder
    with clock.frozen(MONDAY):
        reminders_run(company=seller)
    emails = {e.customer.code: e for e in OutboundEmail.objects.filter(kind="reminder")}
    for email in emails.values():
        assert outbox_deliver(email_id=email.pk).status == "sent"
    attached = {
        code: {a.filename: bytes(a.content) for a in email.attachments.all()}
        for code, email in emails.items()
    }
    assert set(attached["DUPONT"]) == {"releve.pdf", f"{firm.number}.pdf"}
    assert set(attached["LEGRAND"]) == {"mise-en-demeure.pdf"}
    for files in attached.values():
        assert all(content.startswith(b"%PDF-") for content in files.values())
    letter = PdfReader(__import__("io").BytesIO(attached["LEGRAND"]["mise-en-demeure.pdf"]))
    text = " ".join(page.extract_text() for page in letter.pages)
    assert "Mise en demeure" in text and "L441-10" in text and "40,00" in text
    assert all(a.sha256 for e in emails.values() for a in e.attachments.all()), (
        "the bytes sent are kept, with their SHA-256"
    )
