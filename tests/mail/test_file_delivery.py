"""Without SOLDE_EMAIL_URL, every message is written as an .eml file in the outbox folder."""

from email import message_from_bytes, policy

import pytest

from solde.mail.models import OutboundEmail
from solde.mail.services import invoice_send, outbox_deliver
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def test_the_message_is_written_where_the_row_says(company, outbox_folder):
    customer = make_customer(company, name="Dupont SARL", email="compta@dupont.test")
    invoice = make_invoice(company, customer)

    email = outbox_deliver(email_id=invoice_send(invoice=invoice).pk)

    path = outbox_folder / f"{email.public_id}.eml"
    assert email.status == OutboundEmail.SENT
    assert email.eml_path == str(path)
    assert [p.name for p in outbox_folder.iterdir()] == [path.name]  # no partial file left
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "compta@dupont.test"
    assert message["Subject"] == f"Facture {invoice.number} — ACME SAS"
    assert message["Message-ID"] == email.message_id
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == f"{invoice.number}.pdf"
