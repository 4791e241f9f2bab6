"""What can be sent, to whom, with what: invoices, credit notes, quotes, statements."""

import pytest
from django.db import transaction

from solde.audit.models import AuditEvent
from solde.core.errors import Conflict, ValidationError
from solde.customers.services import contact_add
from solde.invoicing import quotes
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.mail.models import OutboundEmail
from solde.mail.services import invoice_send, quote_send, statement_send
from tests.builders import line, make_customer, make_invoice

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n% a statement\n%%EOF\n"


@pytest.fixture
def customer(company):
    return make_customer(company, "DUPONT", name="Dupont SARL", email="compta@dupont.test")


def test_a_draft_invoice_cannot_be_sent(company, customer, owner):
    draft = make_invoice(company, customer, issue=False)
    with pytest.raises(Conflict, match="draft"):
        invoice_send(invoice=draft, actor=owner)
    assert not OutboundEmail.objects.exists()


def test_contacts_who_receive_invoices_come_before_the_customer_address(company, customer):
    contact_add(customer=customer, email="anne@dupont.test")
    contact_add(customer=customer, email="bob@dupont.test")
    contact_add(customer=customer, email="ceo@dupont.test", receives_invoices=False)
    email = invoice_send(invoice=make_invoice(company, customer))
    assert email.to == ["anne@dupont.test", "bob@dupont.test"]


def test_without_contacts_the_customer_address_is_used(company, customer):
    assert invoice_send(invoice=make_invoice(company, customer)).to == ["compta@dupont.test"]


def test_addresses_given_replace_the_contacts(company, customer):
    email = invoice_send(invoice=make_invoice(company, customer), to=["x@y.test", "x@y.test"])
    assert email.to == ["x@y.test"]


@pytest.mark.parametrize("to", [None, ["not an address"]])
def test_no_valid_address_is_refused(company, to):
    nobody = make_customer(company, name="Sans Email")
    with pytest.raises(ValidationError) as error:
        invoice_send(invoice=make_invoice(company, nobody), to=to)
    assert error.value.field == "to"


def test_the_email_commits_or_rolls_back_with_the_caller(company, customer):
    invoice = make_invoice(company, customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_send(invoice=invoice)
        raise RuntimeError("the caller fails after queueing")
    assert not OutboundEmail.objects.exists()


def test_sending_is_audited(company, customer, owner):
    invoice = make_invoice(company, customer)
    email = invoice_send(invoice=invoice, actor=owner)
    event = AuditEvent.objects.get(action="invoice.email")
    assert event.object_id == invoice.public_id
    assert event.actor == owner
    assert event.after["email"] == str(email.public_id)
    assert event.after["attachments"] == [f"{invoice.number}.pdf"]


def test_a_credit_note_has_its_own_wording(company, customer):
    invoice = make_invoice(company, customer)
    note = invoice_issue(invoice=credit_note_create(invoice=invoice, reason="Erreur"))
    email = invoice_send(invoice=note)
    assert email.kind == "credit_note"
    assert email.subject == f"Avoir {note.number} — ACME SAS"
    assert [a.filename for a in email.attachments.all()] == [f"{note.number}.pdf"]


def test_a_quote_is_sent_once_numbered_with_its_pdf(company, customer):
    quote = quotes.quote_create(company=company, customer=customer, lines=[line("500")])
    with pytest.raises(Conflict):
        quote_send(quote=quote)
    quote = quotes.quote_send(quote=quote)
    email = quote_send(quote=quote)
    assert email.kind == "quote" and email.quote == quote
    assert email.subject == f"Devis {quote.number} — ACME SAS"
    assert "600,00" in email.body
    assert [a.filename for a in email.attachments.all()] == [f"{quote.number}.pdf"]
    assert AuditEvent.objects.filter(action="quote.email", object_id=quote.public_id).exists()


def test_a_statement_carries_the_pdf_it_is_given(company, customer):
    make_invoice(company, customer, lines=[line("100")])
    email = statement_send(customer=customer, pdf=PDF, period_label="Novembre 2026")
    [attachment] = email.attachments.all()
    assert attachment.filename == "releve-dupont-novembre-2026.pdf"
    assert bytes(attachment.content) == PDF
    assert email.subject == "Relevé de compte Novembre 2026 — ACME SAS"
    assert "Solde à ce jour : 120,00\xa0€" in email.body
    assert email.customer == customer and email.invoice is None


@pytest.mark.parametrize(
    ("pdf", "period", "field"),
    [(b"<html>", "Novembre 2026", "pdf"), ("%PDF-", "Novembre", "pdf"), (PDF, " ", "period_label")],
)
def test_a_statement_needs_a_pdf_and_a_period(customer, pdf, period, field):
    with pytest.raises(ValidationError) as error:
        statement_send(customer=customer, pdf=pdf, period_label=period)
    assert error.value.field == field
