"""Company settings pages: only owners, identity checked field by field, logo and colour on
the PDF, numbering series, members and roles."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from solde.audit.models import AuditEvent
from solde.companies.models import ApiToken, Company, Membership
from solde.companies.services import company_update, membership_remove, token_create
from solde.companies.views import FIELDS
from solde.core.errors import Conflict
from solde.invoicing.models import Series
from solde.invoicing.pdf import _context, render_pdf
from solde.invoicing.services import series_create, series_update
from tests.builders import make_invoice, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    ("company_settings", {}),
    ("company_series", {}),
    ("company_users", {}),
]


def url(name: str, company, **kwargs) -> str:
    return reverse(name, kwargs={"company": company.slug, **kwargs})


@pytest.fixture
def browser(client, owner):
    """The owner, signed in, reading English (the source strings)."""
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def identity_form(company: Company, **changes) -> dict:
    """The identity form as the page shows it, with some values changed."""
    form = {}
    for name, _label, kind, _choices in FIELDS:
        if kind == "checkbox":
            continue
        value = getattr(company, name)
        form[name] = "" if value is None else str(value)
    if company.vat_on_debits:
        form["vat_on_debits"] = "1"
    form.update(changes)
    return form


def png(size=(60, 30), colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def error_of(html: str, field: str) -> str:
    """The error message shown next to a field, or ''."""
    found = re.search(rf'<small class="field-error" id="e-{field}">(.*?)</small>', html, re.S)
    return found.group(1) if found else ""


# -- who may open the pages ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_owner_opens_every_settings_page(browser, company, name, kwargs):
    response = browser.get(url(name, company, **kwargs))
    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("role", ["accountant", "sales", "viewer"])
def test_other_roles_get_403(client, company, name, kwargs, role):
    client.force_login(make_user(company, role))
    assert client.get(url(name, company, **kwargs)).status_code == 403
    assert client.post(url(name, company, **kwargs), {}).status_code == 403


@pytest.mark.parametrize(
    "name", ["company_settings", "company_series", "company_users", "company_user_remove"]
)
def test_outsider_gets_404(client, company, owner, outsider, name):
    client.force_login(outsider)
    assert client.get(url(name, company)).status_code == 404
    response = client.post(url(name, company), {"email": owner.email, "confirmed": "1"})
    assert response.status_code == 404
    assert Membership.objects.filter(company=company, user=owner).exists()


def test_outsider_cannot_edit_a_series_of_another_company(client, company, other_company, owner):
    theirs = Series.objects.filter(company=other_company).first()
    client.force_login(owner)
    edit = url("company_series_edit", company, ref=theirs.public_id)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "X", "pattern": "X-{SEQ}"}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, company):
    response = client.get(url("company_settings", company))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_settings_link_shows_for_owners_only(client, company, owner):
    client.force_login(owner)
    assert url("company_settings", company) in client.get(url("home", company)).content.decode()
    client.force_login(make_user(company, "accountant"))
    assert url("company_settings", company) not in client.get(url("home", company)).content.decode()


# -- identity ------------------------------------------------------------------------------


def test_owner_sees_the_identity_form_with_labels(browser, company):
    html = browser.get(url("company_settings", company)).content.decode()
    for name in ("name", "siret", "vat_number", "iban", "late_penalty_rate", "brand_colour"):
        assert f'<label for="f-{name}">' in html
        assert f'id="f-{name}"' in html
    assert 'for="f-logo"' in html and 'enctype="multipart/form-data"' in html
    assert 'value="ACME SAS"' in html


def test_amounts_are_shown_as_number_inputs_read_them_in_french_too(client, company, owner):
    company_update(company=company, share_capital="50000", late_penalty_rate="12.5")
    client.force_login(owner)
    html = client.get(url("company_settings", company)).content.decode()
    assert 'lang="fr"' in html
    assert 'value="50000.00"' in html and 'value="12.500"' in html


def test_owner_saves_identity(browser, company):
    form = identity_form(
        company,
        name="ACME Industries SAS",
        legal_form="SAS",
        share_capital="10 000,50",
        siret="732 829 320 00074",
        vat_number="FR44732829320",
        rcs_city="Lyon",
        iban="FR76 3000 6000 0112 3456 7890 189",
        payment_terms_days="45",
        late_penalty_rate="",
        early_payment_discount="2 % à 10 jours",
        vat_on_debits="1",
        brand_colour="#AA3300",
        email_sender_name="ACME Facturation",
        email_reply_to="compta@acme.test",
    )
    response = browser.post(url("company_settings", company), form, follow=True)
    assert response.status_code == 200
    assert "Company settings saved." in response.content.decode()
    company.refresh_from_db()
    assert company.name == "ACME Industries SAS"
    assert str(company.share_capital) == "10000.50"
    assert (company.siren, company.siret) == ("732829320", "73282932000074")
    assert company.iban == "FR7630006000011234567890189"
    assert company.payment_terms_days == 45
    assert company.late_penalty_rate is None  # the legal default
    assert company.vat_on_debits is True
    assert company.brand_colour == "#aa3300"
    assert (company.email_sender_name, company.email_reply_to) == (
        "ACME Facturation",
        "compta@acme.test",
    )
    event = AuditEvent.objects.filter(company=company, action="company.update").latest("id")
    assert event.after["siret"] == "73282932000074" and "country" not in event.after


def test_bad_siret_is_shown_next_to_its_field(browser, company):
    response = browser.post(
        url("company_settings", company), identity_form(company, siret="73282932000075")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "not a valid SIRET" in error_of(html, "siret")
    assert 'aria-invalid="true" aria-describedby="e-siret"' in html
    assert 'value="73282932000075"' in html  # what was typed is kept
    company.refresh_from_db()
    assert company.siret == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("vat_number", "FR00123456789"),
        ("iban", "FR76 0000"),
        ("currency", "EURO"),
        ("payment_terms_days", "thirty"),
        ("late_penalty_rate", "ten"),
        ("share_capital", "-5"),
        ("email", "not-an-email"),
        ("email_reply_to", "compta@"),
        ("brand_colour", "red"),
    ],
)
def test_each_wrong_value_names_its_field(browser, company, field, value):
    response = browser.post(
        url("company_settings", company), identity_form(company, **{field: value})
    )
    assert response.status_code == 422
    assert error_of(response.content.decode(), field)


def test_sender_name_is_one_line(browser, company):
    form = identity_form(company, email_sender_name="ACME\r\nBcc: all@example.com")
    response = browser.post(url("company_settings", company), form)
    assert response.status_code == 422
    assert error_of(response.content.decode(), "email_sender_name")


# -- logo and brand colour -------------------------------------------------------------------


def test_logo_upload_reaches_the_invoice_pdf(browser, company, customer):
    form = identity_form(company, brand_colour="#aa3300")
    form["logo"] = SimpleUploadedFile("my logo.png", png(), content_type="image/png")
    response = browser.post(url("company_settings", company), form)
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.logo.name.startswith("logos/") and company.logo.name.endswith(".png")
    page = browser.get(url("company_settings", company)).content.decode()
    assert 'src="data:image/png;base64,' in page  # the preview

    invoice = make_invoice(company, customer)
    context = _context(invoice)
    assert context["colour"] == "#aa3300"
    assert context["logo"].startswith("data:image/png;base64,")
    pdf = render_pdf(invoice)
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


def test_without_logo_or_colour_the_pdf_keeps_its_defaults(company, customer):
    context = _context(make_invoice(company, customer))
    assert context["colour"] == "#1f4e79"
    assert context["logo"] == ""


def test_svg_logo_is_accepted(browser, company):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        b'<rect width="40" height="20" fill="#123456"/></svg>'
    )
    form = identity_form(company)
    form["logo"] = SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")
    assert browser.post(url("company_settings", company), form).status_code == 302
    company.refresh_from_db()
    assert company.logo_data_uri().startswith("data:image/svg+xml;base64,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "PNG, JPEG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"broken", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "1 MB"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="file:///etc/passwd"/></svg>',
            "refer to other files",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://evil.test/x)"/></svg>',
            "refer to other files",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "event handlers"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE",
        ),
        (b"<html><body>hello</body></html>", "not an SVG"),
    ],
)
def test_wrong_logos_are_refused_next_to_the_field(browser, company, content, message):
    form = identity_form(company)
    form["logo"] = SimpleUploadedFile("logo", content)
    response = browser.post(url("company_settings", company), form)
    assert response.status_code == 422
    assert message in error_of(response.content.decode(), "logo")
    company.refresh_from_db()
    assert not company.logo


def test_logo_can_be_removed(browser, company):
    form = identity_form(company)
    form["logo"] = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    browser.post(url("company_settings", company), form)
    browser.post(url("company_settings", company), identity_form(company, logo_remove="1"))
    company.refresh_from_db()
    assert not company.logo


# -- numbering series ------------------------------------------------------------------------


def test_series_list_shows_patterns_and_last_number(browser, company, customer):
    make_invoice(company, customer)
    html = browser.get(url("company_series", company)).content.decode()
    assert "FA-{YYYY}-{SEQ:05}" in html and "AV-{YYYY}-{SEQ:05}" in html
    assert "FA-2026-00001" in html  # the last number of the invoice series


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("FA-{YYYY}", "exactly one {SEQ}"),
        ("FA-{YEAR}-{SEQ}", "Unknown token"),
        ("FA-{MM}-{SEQ}", "without {YYYY}"),
        ("FA-{YYYY}-{SEQ", "brace"),
        ("FACTURE-DU-CLIENT-NUMERO-{YYYY}-{SEQ:05}", "over 35 characters"),
        ("FA-{YYYY}-{SEQ:06}", "already numbers with"),  # same numbers as the default series
        ("", "required"),
    ],
)
def test_series_pattern_is_validated(browser, company, pattern, message):
    response = browser.post(
        url("company_series", company), {"kind": "invoice", "name": "Export", "pattern": pattern}
    )
    assert response.status_code == 422
    assert message in error_of(response.content.decode(), "pattern")
    assert Series.objects.filter(company=company).count() == 3


def test_owner_adds_a_series_and_makes_it_the_default(browser, company, customer):
    response = browser.post(
        url("company_series", company),
        {"kind": "invoice", "name": "Export", "pattern": "EX{YY}{MM}-{SEQ:04}", "is_default": "1"},
    )
    assert response.status_code == 302
    export = Series.objects.get(company=company, name="Export")
    assert export.is_default
    assert not Series.objects.get(company=company, pattern="FA-{YYYY}-{SEQ:05}").is_default
    assert make_invoice(company, customer).number == "EX2611-0001"
    assert AuditEvent.objects.filter(company=company, action="series.create").exists()


def test_pattern_changes_only_before_the_first_number(browser, company, customer):
    series = Series.objects.get(company=company, kind="invoice")
    edit = url("company_series_edit", company, ref=series.public_id)
    response = browser.post(edit, {"name": "Ventes", "pattern": "V-{YYYY}-{SEQ:04}"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.name, series.pattern) == ("Ventes", "V-{YYYY}-{SEQ:04}")

    make_invoice(company, customer)
    html = browser.get(edit).content.decode()
    assert "can no longer change" in html and 'name="pattern"' not in html
    with pytest.raises(Conflict):
        series_update(series=series, pattern="W-{YYYY}-{SEQ:04}")
    browser.post(edit, {"name": "Ventes France", "pattern": "W-{SEQ}"})
    series.refresh_from_db()
    assert (series.name, series.pattern) == ("Ventes France", "V-{YYYY}-{SEQ:04}")


def test_a_kind_always_keeps_a_default_series(company):
    invoices = Series.objects.get(company=company, kind="invoice")
    with pytest.raises(Conflict):
        series_update(series=invoices, is_default=False)
    other = series_create(company=company, kind="invoice", name="B", pattern="B-{SEQ}")
    series_update(series=other, is_default=True)
    invoices.refresh_from_db()
    assert not invoices.is_default


# -- users and roles -------------------------------------------------------------------------


def test_owner_adds_a_user_who_has_no_password_yet(browser, company):
    response = browser.post(
        url("company_users", company),
        {"email": "Anne@Acme.test", "role": "accountant"},
        follow=True,
    )
    html = response.content.decode()
    membership = Membership.objects.get(company=company, user__username="anne@acme.test")
    assert membership.role == "accountant"
    assert not membership.user.has_usable_password()
    assert (
        "solde user create anne@acme.test --company acme --role accountant --password-stdin" in html
    )
    assert AuditEvent.objects.filter(company=company, action="membership.set").exists()


def test_adding_a_member_twice_is_refused(browser, company, owner):
    response = browser.post(url("company_users", company), {"email": owner.email, "role": "viewer"})
    assert response.status_code == 422
    assert "already a member" in error_of(response.content.decode(), "email")
    assert Membership.objects.get(company=company, user=owner).role == "owner"


@pytest.mark.parametrize(
    ("email", "role", "field"), [("nobody", "viewer", "email"), ("a@b.test", "boss", "role")]
)
def test_bad_new_user_names_its_field(browser, company, email, role, field):
    response = browser.post(url("company_users", company), {"email": email, "role": role})
    assert response.status_code == 422
    assert error_of(response.content.decode(), field)


def test_owner_changes_a_role(browser, company):
    anne = make_user(company, "sales", email="anne@acme.test")
    response = browser.post(
        url("company_user_role", company), {"email": "anne@acme.test", "role": "accountant"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(company=company, user=anne).role == "accountant"
    event = AuditEvent.objects.filter(company=company, action="membership.set").latest("id")
    assert event.before["role"] == "sales" and event.after["role"] == "accountant"


def test_the_last_owner_cannot_be_demoted(browser, company, owner):
    response = browser.post(
        url("company_user_role", company), {"email": owner.email, "role": "viewer"}, follow=True
    )
    assert "last owner" in response.content.decode()
    assert Membership.objects.get(company=company, user=owner).role == "owner"


def test_removing_a_member_asks_first(browser, company):
    anne = make_user(company, "sales", email="anne@acme.test")
    remove = url("company_user_remove", company)
    response = browser.post(remove, {"email": "anne@acme.test"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alertdialog"' in html and 'name="confirmed"' in html
    assert Membership.objects.filter(company=company, user=anne).exists()

    response = browser.post(remove, {"email": "anne@acme.test", "confirmed": "1"})
    assert response.status_code == 302
    assert not Membership.objects.filter(company=company, user=anne).exists()
    assert AuditEvent.objects.filter(company=company, action="membership.remove").exists()


def test_removing_the_last_owner_is_refused(browser, company, owner):
    response = browser.post(
        url("company_user_remove", company), {"email": owner.email, "confirmed": "1"}, follow=True
    )
    assert "last owner" in response.content.decode()
    assert Membership.objects.filter(company=company, user=owner).exists()


def test_an_owner_may_leave_when_another_owner_stays(browser, company, owner):
    make_user(company, "owner", email="second@acme.test")
    response = browser.post(
        url("company_user_remove", company), {"email": owner.email, "confirmed": "1"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("start")
    assert browser.get(url("company_settings", company)).status_code == 404


def test_removal_revokes_the_members_api_keys(company, owner):
    anne = make_user(company, "accountant", email="anne@acme.test")
    token, _key = token_create(user=anne, company=company)
    membership_remove(membership=Membership.objects.get(company=company, user=anne), actor=owner)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_unknown_member_is_404(browser, company):
    response = browser.post(
        url("company_user_role", company), {"email": "x@y.test", "role": "viewer"}
    )
    assert response.status_code == 404
