"""The late fees a reminder claimed, as a draft invoice: one interest line and one
indemnity line per chased invoice, outside the scope of VAT (category O), amounts as
frozen at the run; never twice for the same fees; issued like any invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from solde.core import clock
from solde.core.errors import Conflict
from solde.formats import en16931
from solde.invoicing.einvoice import invoice_cii
from solde.invoicing.models import Invoice
from solde.invoicing.services import invoice_cancel, invoice_delete_draft, invoice_issue
from solde.payments.services import payment_record
from solde.reminders.latefee_invoice import EXEMPTION, latefee_invoice_create
from solde.reminders.models import Reminder
from solde.reminders.run import reminders_run
from solde.reminders.services import policy_rate_set
from tests import builders
from tests.api.api_helpers import PROBLEM, client_for
from tests.reminders.api_helpers import owner_api

pytestmark = pytest.mark.django_db

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement (art. D441-5 du Code de commerce) "
    "— facture {}"
)


def reminder_of(code: str, step: str | None = None) -> Reminder:
    rows = Reminder.objects.filter(customer__code=code)
    return rows.get(step__name=step) if step else rows.get()


def lines_of(invoice: Invoice) -> list[tuple[str, Decimal, str, Decimal, str]]:
    return [
        (line.description, line.net_amount, line.vat_category, line.vat_rate, line.exemption_reason)
        for line in invoice.lines.all()
    ]


def test_one_interest_and_one_indemnity_line_per_invoice_as_frozen_at_the_run(seller, sent):
    letter = reminder_of("LEGRAND")  # the formal notice of FA-2026-00002, due 15/10/2026
    (chased,) = letter.lines.all()
    assert (chased.interest, chased.indemnity) == (Decimal("14.38"), Decimal("40"))
    payment_record(company=seller, amount="500", date=date(2026, 11, 20), invoices=[chased.invoice])

    invoice = latefee_invoice_create(reminder=letter, actor=None)

    assert (invoice.state, invoice.kind, invoice.customer) == ("draft", "invoice", letter.customer)
    number = chased.invoice.number
    assert lines_of(invoice) == [
        (
            f"Pénalités de retard sur la facture {number} du 16/10/2026 au 20/11/2026, "
            "taux 12,15 %",  # ECB rate of 1 July 2026 (2.15) + 10 points
            Decimal("14.38"),
            "O",
            Decimal("0"),
            EXEMPTION,
        ),
        (INDEMNITY.format(number), Decimal("40"), "O", Decimal("0"), EXEMPTION),
    ]
    assert EXEMPTION == ("Hors champ d'application de la TVA — indemnités de retard (art. 256 CGI)")
    assert (invoice.total_excl_tax, invoice.total_tax, invoice.total) == (
        Decimal("54.38"),
        Decimal("0"),
        letter.late_fees,
    )
    assert "relance du 20/11/2026" in invoice.notes
    letter.refresh_from_db()
    assert letter.latefee_invoice == invoice


def test_several_invoices_interest_lines_first_then_indemnities(seller, make_due):
    customer = builders.make_customer(seller, "BLANC", name="Blanc SA", email="b@blanc.test")
    first = make_due(seller, customer, date(2026, 10, 20), price="1000")
    second = make_due(seller, customer, date(2026, 10, 21), price="2000")
    reminders_run(company=seller)
    reminder = reminder_of("BLANC")
    assert reminder.step.name == "Mise en demeure" and reminder.lines.count() == 2

    invoice = latefee_invoice_create(reminder=reminder, actor=None)

    descriptions = [line.description for line in invoice.lines.all()]
    assert descriptions == [
        f"Pénalités de retard sur la facture {first.number} du 21/10/2026 au 20/11/2026, "
        "taux 12,15 %",
        f"Pénalités de retard sur la facture {second.number} du 22/10/2026 au 20/11/2026, "
        "taux 12,15 %",
        INDEMNITY.format(first.number),
        INDEMNITY.format(second.number),
    ]
    by_number = {line.invoice.number: line for line in reminder.lines.all()}
    assert [line.net_amount for line in invoice.lines.all()] == [
        by_number[first.number].interest,
        by_number[second.number].interest,
        Decimal("40"),
        Decimal("40"),
    ]
    assert invoice.total == reminder.late_fees


@pytest.mark.parametrize(
    ("rate", "shown"), [(Decimal("12.5"), "taux 12,5 %"), (Decimal("15"), "taux 15 %")]
)
def test_a_contractual_rate_is_the_rate_named(seller, make_due, rate, shown):
    seller.late_penalty_rate = rate
    seller.save(update_fields=["late_penalty_rate"])
    customer = builders.make_customer(seller, "NOIR", name="Noir SAS", email="n@noir.test")
    make_due(seller, customer, date(2026, 10, 21))
    reminders_run(company=seller)

    invoice = latefee_invoice_create(reminder=reminder_of("NOIR"), actor=None)

    assert invoice.lines.first().description.endswith(f"au 20/11/2026, {shown}")


def test_a_period_across_two_half_years_names_both_legal_rates(seller, make_due):
    policy_rate_set(start=date(2026, 6, 10), rate="2.40")  # in force on 1 July 2026
    customer = builders.make_customer(seller, "VERT", name="Vert SA", email="v@vert.test")
    invoice = make_due(seller, customer, date(2026, 6, 5))
    with clock.frozen(date(2026, 7, 6)):
        reminders_run(company=seller, today=date(2026, 7, 6))
        drafted = latefee_invoice_create(reminder=reminder_of("VERT"), actor=None)

    assert drafted.lines.first().description == (
        f"Pénalités de retard sur la facture {invoice.number} du 06/06/2026 au 06/07/2026, "
        "taux 12,15 % puis 12,4 %"
    )


def test_a_second_time_is_refused_and_nothing_more_is_drafted(seller, sent):
    letter = reminder_of("LEGRAND")
    first = latefee_invoice_create(reminder=letter, actor=None)
    with pytest.raises(Conflict, match="déjà facturées"):
        latefee_invoice_create(reminder=letter, actor=None)
    issued = invoice_issue(invoice=first)
    with pytest.raises(Conflict, match=issued.number):
        latefee_invoice_create(reminder=letter, actor=None)
    assert Invoice.objects.filter(origin="latefee").count() == 1


def test_a_reminder_that_claims_no_fee_is_refused(seller, sent):
    friendly = reminder_of("DUPONT")  # a friendly reminder: no late fees
    assert friendly.late_fees == 0
    with pytest.raises(Conflict, match="aucune pénalité de retard à facturer"):
        latefee_invoice_create(reminder=friendly, actor=None)
    assert not Invoice.objects.filter(origin="latefee").exists()
    friendly.refresh_from_db()
    assert friendly.latefee_invoice is None


def test_a_deleted_draft_frees_the_reminder(seller, sent):
    letter = reminder_of("LEGRAND")
    invoice_delete_draft(invoice=latefee_invoice_create(reminder=letter, actor=None))
    letter.refresh_from_db()
    assert letter.latefee_invoice is None
    assert latefee_invoice_create(reminder=letter, actor=None).total == Decimal("54.38")


@pytest.fixture
def two_steps(seller, make_due):
    """One invoice due 21/10/2026: the formal notice on 20/11 (J+30), the escalation task
    on Monday 07/12 (J+45 falls on a Saturday); both claim the late fees."""
    customer = builders.make_customer(seller, "GRIS", name="Gris SARL", email="g@gris.test")
    invoice = make_due(seller, customer, date(2026, 10, 21), price="1000")
    reminders_run(company=seller, today=date(2026, 11, 20))
    with clock.frozen(date(2026, 12, 7)):
        reminders_run(company=seller, today=date(2026, 12, 7))
    letter, task = reminder_of("GRIS", "Mise en demeure"), reminder_of("GRIS", "Escalade")
    assert letter.lines.get().interest < task.lines.get().interest
    return invoice, letter, task


def test_a_later_reminder_claims_only_the_interest_since_and_no_second_indemnity(two_steps):
    invoice, letter, task = two_steps
    latefee_invoice_create(reminder=letter, actor=None)

    later = latefee_invoice_create(reminder=task, actor=None)

    since = task.lines.get().interest - letter.lines.get().interest
    assert [(line.description, line.net_amount) for line in later.lines.all()] == [
        (
            f"Pénalités de retard sur la facture {invoice.number} du 21/11/2026 au 07/12/2026, "
            "taux 12,15 %",
            since,
        )
    ]


def test_the_earlier_reminder_has_nothing_left_once_the_later_is_invoiced(two_steps):
    _invoice, letter, task = two_steps
    assert latefee_invoice_create(reminder=task, actor=None).total == task.late_fees
    with pytest.raises(Conflict, match="aucune pénalité de retard à facturer"):
        latefee_invoice_create(reminder=letter, actor=None)


def test_a_cancelled_late_fee_invoice_claims_nothing(two_steps):
    _invoice, letter, task = two_steps
    first = invoice_issue(invoice=latefee_invoice_create(reminder=letter, actor=None))
    invoice_cancel(invoice=first, reason="Geste commercial")
    assert Invoice.objects.get(pk=first.pk).status == Invoice.CANCELLED
    assert latefee_invoice_create(reminder=task, actor=None).total == task.late_fees


def test_the_draft_issues_for_a_seller_with_a_vat_number(seller, sent):
    assert seller.vat_number
    draft = latefee_invoice_create(reminder=reminder_of("LEGRAND"), actor=None)

    issued = invoice_issue(invoice=draft)

    assert issued.number.startswith("FA-2026-") and issued.status == Invoice.OPEN
    assert issued.balance == issued.total == Decimal("54.38")
    assert [(g.category, g.rate, g.taxable, g.tax) for g in issued.vat_breakdown.all()] == [
        ("O", Decimal("0"), Decimal("54.38"), Decimal("0"))
    ]
    xml = invoice_cii(issued)
    assert not en16931.check_xsd(xml)
    tree = etree.fromstring(xml)
    taxes = tree.xpath("//ram:ApplicableTradeTax", namespaces=NS)
    assert {t.findtext("ram:CategoryCode", namespaces=NS) for t in taxes} == {"O"}
    assert not tree.xpath("//ram:RateApplicablePercent", namespaces=NS)  # BR-O-05
    assert tree.xpath("//ram:ExemptionReason/text()", namespaces=NS) == [EXEMPTION]


def test_its_e_invoice_passes_the_en16931_rules(seller, sent):
    issued = invoice_issue(
        invoice=latefee_invoice_create(reminder=reminder_of("LEGRAND"), actor=None)
    )
    xml = invoice_cii(issued)
    assert not en16931.fatal(en16931.check_rules(xml))
    assert b'schemeID="VA"' not in xml and b'schemeID="FC"' in xml


# -- the reminder page and the API ------------------------------------------------------------


def page_url(name: str, company, reminder) -> str:
    return reverse(name, args=[company.slug, reminder.public_id])


def test_the_reminder_page_drafts_it_then_links_to_it(login, seller, sent):
    letter, owner = reminder_of("LEGRAND"), login("owner")
    detail = page_url("reminder_detail", seller, letter)
    action = page_url("reminder_latefee_invoice", seller, letter)
    assert action in owner.get(detail).content.decode()

    response = owner.post(action)

    invoice = Invoice.objects.get(origin="latefee")
    assert response.url == reverse("invoice_detail", args=[seller.slug, invoice.public_id])
    page = owner.get(detail).content.decode()
    assert action not in page and f"/invoices/{invoice.public_id}/" in page
    again = owner.post(action, follow=True).content.decode()
    assert "already invoiced" in again or "déjà facturées" in again
    assert Invoice.objects.filter(origin="latefee").count() == 1


def test_the_page_offers_nothing_without_fees_and_refuses_with_a_message(login, seller, sent):
    friendly, owner = reminder_of("DUPONT"), login("owner")
    action = page_url("reminder_latefee_invoice", seller, friendly)
    assert action not in owner.get(page_url("reminder_detail", seller, friendly)).content.decode()
    response = owner.post(action)
    assert response.url == page_url("reminder_detail", seller, friendly)
    assert not Invoice.objects.filter(origin="latefee").exists()


@pytest.mark.parametrize("role", ["accountant", "sales"])
def test_members_who_write_invoices_draft_it(login, seller, sent, role):
    response = login(role).post(page_url("reminder_latefee_invoice", seller, reminder_of("ROUX")))
    assert response.status_code == 302
    assert Invoice.objects.filter(origin="latefee").count() == 1


def test_a_viewer_may_not(login, seller, sent):
    viewer, letter = login("viewer"), reminder_of("LEGRAND")
    assert (
        "latefee-invoice"
        not in viewer.get(page_url("reminder_detail", seller, letter)).content.decode()
    )
    assert viewer.post(page_url("reminder_latefee_invoice", seller, letter)).status_code == 403
    api = client_for(builders.make_user(seller, "viewer"), seller)
    response = api.post(f"/api/v1/reminders/{letter.public_id}/latefee-invoice/")
    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)
    assert not Invoice.objects.filter(origin="latefee").exists()


def test_an_outsider_finds_nothing(client, seller, sent, outsider, other_company):
    letter = reminder_of("LEGRAND")
    client.force_login(outsider)
    assert client.post(page_url("reminder_latefee_invoice", seller, letter)).status_code == 404
    theirs = reverse("reminder_latefee_invoice", args=[other_company.slug, letter.public_id])
    assert client.post(theirs).status_code == 404
    api = client_for(outsider, other_company)
    response = api.post(f"/api/v1/reminders/{letter.public_id}/latefee-invoice/")
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert not Invoice.objects.filter(origin="latefee").exists()


def test_the_api_drafts_it_then_answers_409(seller, sent):
    api, letter = owner_api(seller), reminder_of("LEGRAND")
    url = f"/api/v1/reminders/{letter.public_id}/latefee-invoice/"

    response = api.post(url)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["total"], body["customer"]["code"]) == (
        "draft",
        "54.38",
        "LEGRAND",
    )
    assert [line["vat_category"] for line in body["lines"]] == ["O", "O"]
    again = api.post(url)
    assert (again.status_code, again["Content-Type"]) == (409, PROBLEM)
    friendly = api.post(f"/api/v1/reminders/{reminder_of('DUPONT').public_id}/latefee-invoice/")
    assert friendly.status_code == 409
