"""Wordings: built-in French and English, a company's own per kind and language, and
placeholders that can only be replaced, never evaluated."""

import pytest

from solde.core.errors import ValidationError
from solde.mail.models import EmailTemplate
from solde.mail.queries import email_template_get
from solde.mail.services import email_template_set, invoice_send
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def test_an_english_customer_gets_english_text(company):
    customer = make_customer(company, name="Smith Ltd", email="ap@smith.test", language="en")
    invoice = make_invoice(company, customer)
    email = invoice_send(invoice=invoice)
    assert email.language == "en"
    assert email.subject == f"Invoice {invoice.number} — ACME SAS"
    assert "Please find attached our invoice" in email.body
    assert "€120.00" in email.body
    assert "due by 20 December 2026" in email.body


def test_the_language_can_be_chosen_per_send(company, customer):
    customer = make_customer(company, email="compta@dupont.test")
    email = invoice_send(invoice=make_invoice(company, customer), language="en")
    assert email.subject.startswith("Invoice ")
    with pytest.raises(ValidationError):
        invoice_send(invoice=make_invoice(company, customer), language="de")


def test_a_company_wording_is_used_for_its_kind_and_language_only(company, other_company):
    email_template_set(
        company=company,
        kind="invoice",
        language="fr",
        subject="Votre facture {number} ({total})",
        body="Bonjour {customer},\nmerci de régler {balance} avant le {due_date}.\n{company}",
    )
    customer = make_customer(company, name="Dupont SARL", email="compta@dupont.test")
    invoice = make_invoice(company, customer)
    email = invoice_send(invoice=invoice)
    assert email.subject == f"Votre facture {invoice.number} (120,00\xa0€)"
    assert email.body.startswith("Bonjour Dupont SARL,\nmerci de régler 120,00\xa0€ avant le ")
    english = make_customer(company, email="ap@smith.test", language="en")
    assert invoice_send(invoice=make_invoice(company, english)).subject.startswith("Invoice ")
    assert email_template_get(company=other_company, kind="invoice", language="fr")[0] == (
        "Facture {number} — {company}"
    )


def test_setting_a_wording_twice_replaces_it(company):
    for subject in ("First {number}", "Second {number}"):
        email_template_set(company=company, kind="quote", language="en", subject=subject, body="B")
    assert email_template_get(company=company, kind="quote", language="en") == (
        "Second {number}",
        "B\n",
    )


@pytest.mark.parametrize(
    "written",
    [
        "{unknown}",
        "{number.__class__.__mro__}",
        "{total:>999999999}",
        "{customer!r}",
        "{0}",
        "{",
        "}",
        "{number",
    ],
)
def test_anything_but_a_known_placeholder_stays_as_written(company, customer, written):
    # Stored as is (email_template_set refuses unknown names): the renderer must still
    # never evaluate what a row holds, however it got there.
    EmailTemplate.objects.create(
        company=company, kind="invoice", language="fr", subject="S", body=f"[{written}]\n"
    )
    customer = make_customer(company, email="compta@dupont.test")
    assert invoice_send(invoice=make_invoice(company, customer)).body == f"[{written}]\n"


def test_doubled_braces_are_literal_braces(company):
    email_template_set(
        company=company, kind="invoice", language="fr", subject="S", body="{{number}} {number}"
    )
    customer = make_customer(company, email="compta@dupont.test")
    invoice = make_invoice(company, customer)
    assert invoice_send(invoice=invoice).body == f"{{number}} {invoice.number}\n"


def test_a_subject_stays_on_one_line(company):
    email_template_set(
        company=company, kind="invoice", language="fr", subject="Facture {customer}", body="B"
    )
    customer = make_customer(company, name="Dupont\nSARL", email="compta@dupont.test")
    assert invoice_send(invoice=make_invoice(company, customer)).subject == "Facture Dupont SARL"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "letter"}, "kind"),
        ({"language": "de"}, "language"),
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 301}, "subject"),
        ({"body": ""}, "body"),
    ],
)
def test_a_wording_is_checked(company, fields, field):
    values = {"kind": "invoice", "language": "fr", "subject": "S", "body": "B", **fields}
    with pytest.raises(ValidationError) as error:
        email_template_set(company=company, **values)
    assert error.value.field == field
