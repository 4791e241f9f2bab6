"""Recurring invoice pages through Django's test client: list, create, edit, pause and
resume, occurrences linking to their invoices; who may do what; the renewal wording."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from solde.recurring.models import RecurringInvoice
from tests.builders import make_user
from tests.recurring.helpers import run_on

pytestmark = pytest.mark.django_db


def url(name: str, company, *args) -> str:
    return reverse(name, args=[company.slug, *args])


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form(customer, **changes) -> dict:
    return {
        "customer": str(customer.public_id),
        "name": "Maintenance",
        "frequency": "quarterly",
        "day_of_month": "31",
        "start_date": "2026-11-20",
        "end_date": "",
        "mode": "issue_and_send",
        "notice_days": "10",
        "nature": "services",
        "lines[0].description": "Contrat de maintenance",
        "lines[0].quantity": "1",
        "lines[0].unit_price": "300",
        "lines[0].vat": "S:20",
        **changes,
    }


def test_creating_from_the_page(browser, company, buyer):
    response = browser.post(url("recurring_new", company), form(buyer))
    assert response.status_code == 302
    template = RecurringInvoice.objects.get(company=company)
    assert response["Location"] == url("recurring_detail", company, template.public_id)
    assert template.next_date == date(2026, 11, 30)  # the 31st: November's last day
    assert template.notice_days == 10 and template.frequency == "quarterly"
    assert template.lines.get().description == "Contrat de maintenance"
    html = browser.get(response["Location"]).content.decode()
    assert "Maintenance" in html and "€360.00" in html


def test_errors_come_back_next_to_their_field(browser, company, buyer):
    response = browser.post(url("recurring_new", company), form(buyer, day_of_month="40"))
    assert response.status_code == 422
    error = re.search(r'id="e-day_of_month">(.*?)</small>', response.content.decode(), re.S)
    assert error and "between 1 and 31" in unescape(error.group(1))
    assert 'value="Contrat de maintenance"' in response.content.decode()  # lines kept
    assert not RecurringInvoice.objects.exists()


def test_the_list_shows_next_date_amount_mode_and_status(browser, company, make_template):
    make_template(name="Hosting", mode="issue_and_send")
    paused = make_template(name="Support", mode="draft")
    browser.post(url("recurring_pause", company, paused.public_id))
    html = browser.get(url("recurring_list", company)).content.decode()
    rows = re.findall(r"<tr>\s*<td><a[^>]*>(.*?)</a></td>(.*?)</tr>", html, re.S)
    cells = {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rest)) for name, rest in rows}
    assert "1 Dec 2026" in cells["Hosting"] and "€120.00" in cells["Hosting"]
    assert "Issue and email" in cells["Hosting"] and "Active" in cells["Hosting"]
    assert "Draft, for me to review" in cells["Support"] and "Paused" in cells["Support"]
    assert 'aria-current="page"' in html  # the navigation marks the section
    paused_only = browser.get(url("recurring_list", company) + "?status=paused").content
    assert b"Support" in paused_only and b"Hosting" not in paused_only


def test_pause_and_resume_from_the_page(browser, company, make_template):
    template = make_template()
    response = browser.post(url("recurring_pause", company, template.public_id))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.status == "paused"
    assert "Resume" in browser.get(url("recurring_detail", company, template.public_id)).text
    browser.post(url("recurring_resume", company, template.public_id))
    template.refresh_from_db()
    assert template.status == "active"


def test_editing_from_the_page(browser, company, buyer, make_template):
    template = make_template()
    page = browser.get(url("recurring_edit", company, template.public_id)).content.decode()
    assert 'value="Hébergement"' in page and 'value="Abonnement"' in page
    changed = form(buyer, name="Hébergement+", **{"lines[0].unit_price": "150"})
    response = browser.post(url("recurring_edit", company, template.public_id), changed)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Hébergement+" and template.total == 180


def test_the_occurrences_link_to_their_invoices(browser, company, make_template):
    template = make_template(mode="issue_and_send")
    run_on(date(2026, 12, 1))
    invoice = template.occurrences.get().invoice
    html = browser.get(url("recurring_detail", company, template.public_id)).content.decode()
    assert url("invoice_detail", company, invoice.public_id) in html
    assert invoice.number in html


def test_the_navigation_links_to_the_list(browser, company):
    assert url("recurring_list", company) in browser.get(url("home", company)).content.decode()


def test_a_viewer_reads_but_does_not_edit(client, company, make_template, buyer):
    template = make_template()
    client.force_login(make_user(company, "viewer"))
    assert client.get(url("recurring_list", company)).status_code == 200
    detail = client.get(url("recurring_detail", company, template.public_id))
    assert detail.status_code == 200 and b"/pause" not in detail.content
    assert client.get(url("recurring_new", company)).status_code == 403
    assert client.post(url("recurring_new", company), form(buyer)).status_code == 403
    assert client.post(url("recurring_pause", company, template.public_id)).status_code == 403
    assert client.get(url("recurring_edit", company, template.public_id)).status_code == 403
    template.refresh_from_db()
    assert template.status == "active" and RecurringInvoice.objects.count() == 1


@pytest.mark.parametrize("role", ["accountant", "sales"])
def test_accountants_and_sales_may_edit(client, company, make_template, role):
    template = make_template()
    client.force_login(make_user(company, role))
    assert client.post(url("recurring_pause", company, template.public_id)).status_code == 302
    template.refresh_from_db()
    assert template.status == "paused"


def test_an_outsider_gets_404(client, company, outsider, make_template, buyer):
    template = make_template()
    client.force_login(outsider)
    ref = template.public_id
    assert client.get(url("recurring_list", company)).status_code == 404
    assert client.get(url("recurring_detail", company, ref)).status_code == 404
    assert client.post(url("recurring_pause", company, ref)).status_code == 404
    assert client.post(url("recurring_new", company), form(buyer)).status_code == 404
    template.refresh_from_db()
    assert template.status == "active"


def test_another_companys_template_is_404_in_ones_own_pages(client, other_company, make_template):
    template = make_template()
    client.force_login(make_user(other_company, "owner"))
    for name in ("recurring_detail", "recurring_edit"):
        assert client.get(url(name, other_company, template.public_id)).status_code == 404
    assert client.post(url("recurring_pause", other_company, template.public_id)).status_code == 404


def test_the_renewal_wording_is_on_the_settings_page_with_a_preview(
    browser, company, make_template
):
    make_template(name="Hosting")
    listing = browser.get(reverse("company_email_templates", args=[company.slug])).content
    edit = reverse("company_email_template_edit", args=[company.slug, "renewal", "en"])
    assert edit.encode() in listing
    html = unescape(browser.get(edit).content.decode())
    assert "Subscription renewal notice" in html
    subject = re.search(r'<span id="preview-subject">(.*?)</span>', html, re.S).group(1)
    assert subject == "Renewal of your subscription Hosting — ACME SAS"
    assert re.findall(r"<code>\{(\w+)\}</code>", html)[:3] == ["company", "customer", "name"]
