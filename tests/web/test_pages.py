"""The pages a user works in, through Django's test client: each renders, each form
calls its service, errors come back next to their field, another company's page is 404."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from solde.invoicing.models import Invoice
from tests.builders import line, make_invoice, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def url(name, company, *args):
    return reverse(name, args=[company.slug, *args])


def test_sign_in_leads_to_the_company_home(client, company):
    make_user(company, "owner", email="ana@acme.test", password="a-long-password")
    response = client.post(
        reverse("login"), {"username": "Ana@Acme.test", "password": "a-long-password"}
    )
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == url("home", company)
    assert "Total receivable" in response.content.decode() or "Total à recevoir" in (
        response.content.decode()
    )


def test_a_page_asks_to_sign_in(client, company):
    response = client.get(url("invoice_list", company))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize(
    "name", ["home", "customer_list", "invoice_list", "quote_list", "payment_list", "invoice_new"]
)
def test_every_section_renders(browser, company, customer, name):
    make_invoice(company, customer)
    assert browser.get(url(name, company)).status_code == 200


def test_another_companys_pages_do_not_exist(browser, other_company):
    invoice = make_invoice(other_company)
    assert browser.get(url("invoice_list", other_company)).status_code == 404
    assert browser.get(url("invoice_detail", other_company, invoice.public_id)).status_code == 404


def test_a_viewer_cannot_write(client, company):
    client.force_login(make_user(company, "viewer"))
    assert client.get(url("invoice_list", company)).status_code == 200
    assert client.get(url("invoice_new", company)).status_code == 403
    assert client.get(url("customer_new", company)).status_code == 403


def test_creating_a_customer_and_an_error_next_to_its_field(browser, company):
    bad = browser.post(url("customer_new", company), {"name": "Durand", "siren": "123"})
    assert bad.status_code == 422
    assert 'id="e-siren"' in bad.content.decode()
    good = browser.post(
        url("customer_new", company), {"name": "Durand SA", "siren": "552100554", "kind": "company"}
    )
    assert good.status_code == 302
    listing = browser.get(url("customer_list", company), {"q": "durand"})
    assert "Durand SA" in listing.content.decode()


def _draft(browser, company, customer, **lines):
    data = {"customer": str(customer.public_id), "kind": "invoice", "nature": "services"}
    data.update(lines)
    return browser.post(url("invoice_new", company), data)


def test_the_editor_creates_a_draft_and_shows_live_totals(browser, company, customer):
    lines = {
        "lines[0].description": "Conseil",
        "lines[0].quantity": "2",
        "lines[0].unit_price": "450",
        "lines[0].vat": "S:20",
        "lines[1].description": "Livre",
        "lines[1].quantity": "1",
        "lines[1].unit_price": "20",
        "lines[1].vat": "S:5.5",
    }
    totals = browser.post(url("invoice_totals", company), lines)
    text = totals.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "1 101,10" in text or "1,101.10" in text  # 900 + 180 + 20 + 1.10
    response = _draft(browser, company, customer, **lines)
    assert response.status_code == 302
    invoice = Invoice.objects.get(company=company, state="draft")
    assert invoice.total == Decimal("1101.10")


def test_a_wrong_line_is_shown_next_to_the_line(browser, company, customer):
    response = _draft(
        browser,
        company,
        customer,
        **{"lines[0].description": "Conseil", "lines[0].unit_price": "abc"},
    )
    assert response.status_code == 422
    assert 'name="lines[0].unit_price" value="abc"' in response.content.decode()
    assert 'class="field-error"' in response.content.decode()


def test_issue_pay_in_two_steps_and_correct(browser, company, customer):
    invoice = make_invoice(company, customer, issue=False, lines=[line("100")])
    detail = url("invoice_detail", company, invoice.public_id)
    assert 'role="alertdialog"' in browser.get(detail + "?confirm=issue").content.decode()
    browser.post(url("invoice_issue", company, invoice.public_id), {})
    invoice.refresh_from_db()
    assert invoice.number and invoice.state == "issued"

    pay = url("invoice_payment", company, invoice.public_id)
    browser.post(pay, {"amount": "50", "date": "2026-11-20", "method": "transfer"})
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid" and invoice.balance == Decimal("70.00")
    browser.post(pay, {"amount": "70,00", "date": "2026-11-20", "method": "cheque"})
    invoice.refresh_from_db()
    assert invoice.status == "paid"

    pdf = browser.get(url("invoice_pdf", company, invoice.public_id))
    assert pdf["Content-Type"] == "application/pdf"
    invoice.refresh_from_db()
    assert hashlib.sha256(pdf.content).hexdigest() == invoice.pdf_sha256

    response = browser.post(url("invoice_credit_note", company, invoice.public_id), {})
    note = Invoice.objects.get(company=company, kind="credit_note")
    assert response.url == url("invoice_detail", company, note.public_id)
    browser.post(url("invoice_issue", company, note.public_id), {})
    note.refresh_from_db()
    assert note.state == "issued" and note.corrects_id == invoice.id


def test_a_payment_from_the_payments_page_pays_the_chosen_invoices(browser, company, customer):
    first = make_invoice(company, customer, lines=[line("100")])
    second = make_invoice(company, customer, lines=[line("50")])
    response = browser.post(
        url("payment_new", company),
        {
            "customer": str(customer.public_id),
            "amount": "200",
            "date": "2026-11-19",
            "method": "transfer",
            "invoices": [str(first.public_id), str(second.public_id)],
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "paid"
    detail = browser.get(response.url).content.decode()
    assert "20,00" in detail  # 200 − 120 − 60 left as credit


def test_the_home_page_shows_what_is_overdue(browser, company, customer):
    from datetime import date
    from html import unescape

    make_invoice(company, customer, lines=[line("100")], issue_date=date(2026, 9, 1))
    page = browser.get(url("home", company)).content.decode()
    # The dashboard's overdue figure opens the overdue invoices, oldest first.
    overdue = url("report_invoices", company) + "?as_of=2026-11-20&amp;bucket=overdue"
    assert f'<a href="{overdue}">120,00' in page
    assert "FA-2026-00001" in browser.get(unescape(overdue)).content.decode()


def test_language_switch(browser, company):
    response = browser.post(
        reverse("set_language"), {"language": "en", "next": url("home", company)}
    )
    assert response.status_code == 302
    assert "Total receivable" in browser.get(url("home", company)).content.decode()


def test_sending_an_invoice_by_email_queues_it_in_the_outbox(browser, company, customer):
    from solde.mail.models import OutboundEmail

    invoice = make_invoice(company, customer, lines=[line("100")])
    response = browser.post(
        url("invoice_email", company, invoice.public_id), {"to": "compta@dupont.test"}
    )
    assert response.status_code == 302
    email = OutboundEmail.objects.get(company=company, invoice=invoice)
    assert email.to == ["compta@dupont.test"]
    assert invoice.number in email.subject
    assert "compta@dupont.test" in browser.get(url("email_list", company)).content.decode()


def test_an_invoice_email_without_address_says_why(browser, company, customer):
    invoice = make_invoice(company, customer, lines=[line("100")])
    response = browser.post(url("invoice_email", company, invoice.public_id), {}, follow=True)
    assert "Dupont SARL" in response.content.decode()  # "... has no email address"
    from solde.mail.models import OutboundEmail

    assert not OutboundEmail.objects.filter(company=company).exists()


def test_the_customer_statement_pdf(browser, company, customer):
    make_invoice(company, customer, lines=[line("100")])
    response = browser.get(
        url("customer_statement", company, customer.public_id),
        {"from": "2026-01-01", "to": "2026-11-20"},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
