"""An invoice reaches a real SMTP server once, with its frozen PDF attached."""

import hashlib

import pytest

from solde.customers.services import contact_add
from solde.invoicing.pdf import invoice_pdf_bytes
from solde.mail.models import OutboundEmail
from solde.mail.services import invoice_send, outbox_deliver
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(company):
    customer = make_customer(company, "DUPONT", name="Dupont SARL", email="compta@dupont.test")
    contact_add(customer=customer, email="anne@dupont.test", name="Anne")
    contact_add(customer=customer, email="paul@dupont.test", receives_invoices=False)
    return make_invoice(company, customer)


def test_the_invoice_arrives_with_its_pdf(invoice, smtp_server):
    email = invoice_send(invoice=invoice)
    assert email.status == OutboundEmail.QUEUED

    email = outbox_deliver(email_id=email.pk)

    assert email.status == OutboundEmail.SENT and email.sent_at and email.attempts == 1
    assert email.eml_path == ""
    [(envelope_to, message)] = smtp_server.received
    assert envelope_to == ["anne@dupont.test"]
    assert message["To"] == "anne@dupont.test"
    assert message["Subject"] == f"Facture {invoice.number} — ACME SAS"
    assert message["From"] == "ACME SAS <noreply@solde.test>"
    assert message["Message-ID"] == email.message_id
    assert f"facture {invoice.number}" in message.get_body(("plain",)).get_content()
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    content = attachment.get_content()
    invoice.refresh_from_db()
    assert content == invoice_pdf_bytes(invoice=invoice)
    assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256


def test_delivering_the_same_row_twice_sends_once(invoice, smtp_server):
    email = invoice_send(invoice=invoice)
    first = outbox_deliver(email_id=email.pk)
    second = outbox_deliver(email_id=email.pk)
    assert first.status == second.status == OutboundEmail.SENT
    assert second.attempts == 1
    assert len(smtp_server.messages) == 1


def test_a_refused_connection_keeps_the_row_queued_with_its_error(invoice, smtp_down):
    email = invoice_send(invoice=invoice)

    email = outbox_deliver(email_id=email.pk)

    assert email.status == OutboundEmail.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.sent_at is None


def test_a_later_attempt_sends_it_with_the_same_message_id(invoice, smtp_down, start_smtp):
    email = invoice_send(invoice=invoice)
    outbox_deliver(email_id=email.pk)

    inbox = start_smtp(port=smtp_down)  # the server is back
    email = outbox_deliver(email_id=email.pk)

    assert email.status == OutboundEmail.SENT
    assert email.attempts == 2
    assert email.last_error == ""
    [message] = inbox.messages
    assert message["Message-ID"] == email.message_id
