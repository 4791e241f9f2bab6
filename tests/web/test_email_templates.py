"""Email wording in the company settings: owners edit the subject and text of each kind
and language, see the placeholders and a preview on their own data, and go back to the
default; the wording saved is the one the next email uses."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from solde.audit.models import AuditEvent
from solde.core.errors import ValidationError
from solde.invoicing import quotes
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.mail import compose, texts
from solde.mail.models import EmailTemplate, OutboundEmail
from solde.mail.services import email_template_clean, email_template_reset, email_template_set
from tests.builders import line, make_customer, make_invoice, make_user

pytestmark = pytest.mark.django_db

KINDS = ["invoice", "credit_note", "quote", "statement", "renewal"]
NEW_SUBJECT = "Votre facture {number} de {company} ({total})"
NEW_BODY = "Bonjour {customer},\nvoici la facture {number}, à régler avant le {due_date}.\n"


def url(name: str, company, **kwargs) -> str:
    return reverse(name, kwargs={"company": company.slug, **kwargs})


def edit_url(company, kind="invoice", language="fr") -> str:
    return url("company_email_template_edit", company, kind=kind, language=language)


def reset_url(company, kind="invoice", language="fr") -> str:
    return url("company_email_template_reset", company, kind=kind, language=language)


@pytest.fixture
def browser(client, owner):
    """The owner, signed in, reading English (the source strings)."""
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_credit_note(company, customer):
    return invoice_issue(invoice=credit_note_create(invoice=make_invoice(company, customer)))


@pytest.fixture
def buyer(company):
    return make_customer(company, "DUPONT", name="Dupont SARL", email="compta@dupont.test")


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<small class="field-error" id="e-{field}">(.*?)</small>', html, re.S)
    return unescape(found.group(1)) if found else ""


def preview_of(html: str) -> tuple[str, str]:
    subject = re.search(r'<span id="preview-subject">(.*?)</span>', html, re.S)
    body = re.search(r'<div id="preview-body"[^>]*>(.*?)</div>', html, re.S)
    return unescape(subject.group(1)), unescape(body.group(1))


# -- the list ------------------------------------------------------------------------------


def test_the_list_shows_every_kind_and_language_with_its_subject(browser, company):
    email_template_set(
        company=company, kind="quote", language="en", subject="Our quote {number}", body="B"
    )
    html = browser.get(url("company_email_templates", company)).content.decode()
    assert 'aria-current="page"' in html
    for kind in KINDS:
        for language in texts.LANGUAGES:
            assert edit_url(company, kind, language) in html
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S
    )
    assert len(rows) == len(KINDS) * len(texts.LANGUAGES)
    by_subject = {unescape(subject): source for _kind, _lang, subject, source in rows}
    assert "own" in by_subject["Our quote {number}"]
    assert by_subject[texts.DEFAULTS[("invoice", "fr")][0]] == "Default"
    assert by_subject[texts.DEFAULTS[("statement", "en")][0]] == "Default"


def test_the_settings_menu_links_to_the_page(browser, company):
    html = browser.get(url("company_settings", company)).content.decode()
    assert url("company_email_templates", company) in html


def test_the_page_is_in_french_by_default(client, company, owner):
    client.force_login(owner)
    html = client.get(url("company_email_templates", company)).content.decode()
    assert 'lang="fr"' in html and "Par défaut" in html


# -- editing, then sending -----------------------------------------------------------------


def test_an_edited_subject_is_used_by_the_next_invoice_email(browser, company, buyer):
    response = browser.post(edit_url(company), {"subject": NEW_SUBJECT, "body": NEW_BODY})
    assert response.status_code == 302
    assert response["Location"] == url("company_email_templates", company)
    invoice = make_invoice(company, buyer)

    sent = browser.post(url("invoice_email", company, ref=invoice.public_id))
    assert sent.status_code == 302
    email = OutboundEmail.objects.get(invoice=invoice)
    assert email.subject == f"Votre facture {invoice.number} de ACME SAS (120,00\xa0€)"
    assert email.body.startswith(f"Bonjour Dupont SARL,\nvoici la facture {invoice.number}, ")
    assert AuditEvent.objects.filter(company=company, action="email_template.set").exists()


def test_the_form_shows_the_wording_in_use(browser, company):
    html = unescape(browser.get(edit_url(company, "quote", "en")).content.decode())
    subject, body = texts.DEFAULTS[("quote", "en")]
    assert f'value="{subject}"' in html
    assert body.strip() in html
    assert "These emails use the default wording" in html


@pytest.mark.parametrize(
    ("kind", "form", "field", "message"),
    [
        ("invoice", {"subject": "Facture {numero}", "body": "B"}, "subject", "{numero}"),
        ("invoice", {"subject": "S", "body": "Payez {amount_due}"}, "body", "{amount_due}"),
        ("quote", {"subject": "S", "body": "Avant le {due_date}"}, "body", "{due_date}"),
        ("statement", {"subject": "{number}", "body": "B"}, "subject", "{number}"),
        ("invoice", {"subject": "  ", "body": "B"}, "subject", "empty"),
        ("invoice", {"subject": "S", "body": ""}, "body", "empty"),
    ],
)
def test_errors_are_shown_next_to_their_field(browser, company, kind, form, field, message):
    response = browser.post(edit_url(company, kind), form)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in error_of(html, field)
    assert f'aria-describedby="e-{field}"' in html
    assert not EmailTemplate.objects.filter(company=company).exists()


def test_an_unknown_placeholder_error_names_the_known_ones(company):
    with pytest.raises(ValidationError) as error:
        email_template_set(
            company=company, kind="quote", language="fr", subject="S", body="{due_date}"
        )
    assert error.value.field == "body"
    assert "{valid_until}" in error.value.message and "{number}" in error.value.message


def test_the_placeholders_listed_are_the_ones_the_kind_fills(browser, company):
    for kind in KINDS:
        html = browser.get(edit_url(company, kind)).content.decode()
        listed = re.findall(r"<code>\{(\w+)\}</code>", html)
        assert listed == list(compose.PLACEHOLDERS[kind])


def test_each_kind_fills_exactly_its_placeholders(company, buyer):
    """The table the page lists and the service checks is what sending fills."""
    invoice = make_invoice(company, buyer)
    note = make_credit_note(company, buyer)
    quote = quotes.quote_send(
        quote=quotes.quote_create(company=company, customer=buyer, lines=[line()])
    )
    filled = {
        "invoice": compose.invoice_values(invoice, "fr"),
        "credit_note": compose.invoice_values(note, "fr"),
        "quote": compose.quote_values(quote, "fr"),
        "statement": compose.statement_values(buyer, "2026", "fr"),
    }
    for kind, values in filled.items():
        assert sorted(values) == sorted(compose.PLACEHOLDERS[kind]), kind


@pytest.mark.parametrize(("kind", "language"), list(texts.DEFAULTS))
def test_the_default_wordings_pass_the_check(kind, language):
    subject, body = texts.DEFAULTS[(kind, language)]
    assert email_template_clean(kind=kind, language=language, subject=subject, body=body)


# -- preview -------------------------------------------------------------------------------


def test_the_preview_uses_the_latest_invoice_of_the_company(browser, company, buyer):
    make_invoice(company, buyer)
    latest = make_invoice(company, buyer, lines=[line("250")])
    html = browser.get(edit_url(company, "invoice", "en")).content.decode()
    subject, body = preview_of(html)
    assert subject == f"Invoice {latest.number} — ACME SAS"
    assert "€300.00" in body and "{" not in body
    assert f"invoice {latest.number}" in unescape(html)
    assert "<td>Dupont SARL</td>" in html  # the value of {customer}


def test_previewing_typed_text_checks_it_and_saves_nothing(browser, company, buyer):
    invoice = make_invoice(company, buyer)
    response = browser.post(
        edit_url(company), {"subject": NEW_SUBJECT, "body": NEW_BODY, "preview": "1"}
    )
    assert response.status_code == 200
    subject, body = preview_of(response.content.decode())
    assert subject == f"Votre facture {invoice.number} de ACME SAS (120,00\xa0€)"
    assert body.startswith("Bonjour Dupont SARL,")
    assert not EmailTemplate.objects.filter(company=company).exists()

    wrong = browser.post(edit_url(company), {"subject": "{nope}", "body": "B", "preview": "1"})
    assert wrong.status_code == 422 and "{nope}" in error_of(wrong.content.decode(), "subject")


@pytest.mark.parametrize(
    ("kind", "made", "expected"),
    [
        ("quote", "quote", "Quote DE-2026-00001 — ACME SAS"),
        ("credit_note", "credit_note", "Credit note AV-2026-00001 — ACME SAS"),
        ("statement", "customer", "Statement of account 01/01/2026 – 20/11/2026 — ACME SAS"),
    ],
)
def test_each_kind_previews_with_a_document_of_its_own(
    browser, company, buyer, kind, made, expected
):
    if made == "quote":
        draft = quotes.quote_create(company=company, customer=buyer, lines=[line()])
        quotes.quote_send(quote=draft)
    elif made == "credit_note":
        make_credit_note(company, buyer)
    subject, _body = preview_of(browser.get(edit_url(company, kind, "en")).content.decode())
    assert subject == expected


def test_without_a_document_there_is_no_preview(browser, company):
    html = browser.get(edit_url(company, "quote", "en")).content.decode()
    assert 'id="preview-subject"' not in html
    assert "no such document yet" in html


# -- back to the default -------------------------------------------------------------------


def test_back_to_the_default_wording(browser, company, buyer):
    email_template_set(company=company, kind="invoice", language="fr", subject="Mine", body="B")
    page = browser.get(edit_url(company) + "?confirm=reset").content.decode()
    assert 'role="alertdialog"' in page and reset_url(company) in page

    response = browser.post(reset_url(company))
    assert response.status_code == 302
    assert not EmailTemplate.objects.filter(company=company).exists()
    assert AuditEvent.objects.filter(company=company, action="email_template.reset").exists()
    invoice = make_invoice(company, buyer)
    browser.post(url("invoice_email", company, ref=invoice.public_id))
    assert (
        OutboundEmail.objects.get(invoice=invoice).subject == f"Facture {invoice.number} — ACME SAS"
    )
    html = browser.get(edit_url(company)).content.decode()
    assert "Back to the default wording" not in html


def test_resetting_a_default_changes_nothing(company, other_company):
    email_template_set(company=other_company, kind="invoice", language="fr", subject="S", body="B")
    assert email_template_reset(company=company, kind="invoice", language="fr") is False
    assert EmailTemplate.objects.filter(company=other_company).count() == 1


# -- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["accountant", "sales", "viewer"])
def test_other_roles_get_403(client, company, role):
    email_template_set(company=company, kind="invoice", language="fr", subject="Mine", body="B")
    client.force_login(make_user(company, role))
    form = {"subject": "Hacked {number}", "body": "B"}
    assert client.get(url("company_email_templates", company)).status_code == 403
    assert client.get(edit_url(company)).status_code == 403
    assert client.post(edit_url(company), form).status_code == 403
    assert client.post(reset_url(company)).status_code == 403
    assert EmailTemplate.objects.get(company=company).subject == "Mine"


def test_an_outsider_gets_404(client, company, outsider):
    email_template_set(company=company, kind="invoice", language="fr", subject="Mine", body="B")
    client.force_login(outsider)
    assert client.get(url("company_email_templates", company)).status_code == 404
    assert client.get(edit_url(company)).status_code == 404
    assert client.post(edit_url(company), {"subject": "X", "body": "B"}).status_code == 404
    assert client.post(reset_url(company)).status_code == 404
    assert EmailTemplate.objects.get(company=company).subject == "Mine"


@pytest.mark.parametrize(("kind", "language"), [("letter", "fr"), ("invoice", "de")])
def test_an_unknown_kind_or_language_is_404(browser, company, kind, language):
    assert browser.get(edit_url(company, kind, language)).status_code == 404
    assert browser.post(reset_url(company, kind, language)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, company):
    response = client.get(url("company_email_templates", company))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
