"""The quote PDF: the invoice's look and mentions, drawn on demand, attached to the quote
email, and open only to the company's members."""

import io
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from solde.companies.services import company_update
from solde.core.errors import Conflict
from solde.customers.services import customer_create
from solde.invoicing import quotes
from solde.invoicing.quote_pdf import render_quote_pdf
from solde.mail.services import outbox_deliver, quote_send
from tests.builders import line, make_seller, make_user

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


@pytest.fixture
def seller(db):
    company = make_seller(iban="")
    return company_update(
        company=company,
        share_capital="50000",
        rcs_city="Lyon",
        late_penalty_rate="12.5",
        payment_terms_days=45,
    )


@pytest.fixture
def buyer(seller):
    return customer_create(
        company=seller,
        code="B1",
        name="Boulangerie Martin SARL",
        siren="552100554",
        vat_number="FR96552100554",
        address="3 place Bellecour",
        postal_code="69002",
        city="Lyon",
        email="compta@martin.test",
    )


@pytest.fixture
def quote(seller, buyer):
    draft = quotes.quote_create(
        company=seller,
        customer=buyer,
        valid_until=date(2026, 12, 2),
        notes="Pose comprise.",
        lines=[
            line("450", "2", "20", description="Luminaire suspendu"),
            line("24.50", "4", "5.5", description="Ampoules (lot)"),
            line("60", "1", "0", description="Formation à l'entretien", vat_category="E"),
        ],
    )
    return quotes.quote_send(quote=draft, issue_date=DAY)


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


MENTIONS = [
    "Devis n° DE-2026-00001",
    "Date d'émission 02/11/2026",
    "Valable jusqu'au 02/12/2026",
    # seller
    "Atelier Lumière SAS",
    "SAS au capital de 50 000 €",
    "SIRET 73282932000074",
    "RCS Lyon",
    "N° TVA intracommunautaire FR44732829320",
    "12 rue de la République",
    # buyer
    "Boulangerie Martin SARL",
    "SIREN 552100554",
    "N° TVA intracommunautaire FR96552100554",
    "3 place Bellecour",
    # lines: description, quantity, unit price excl. VAT, VAT rate, amount
    "Prix unitaire HT",
    "Luminaire suspendu 2 450,00 € 20 % 900,00 €",
    "Ampoules (lot) 4 24,50 € 5,5 % 98,00 €",
    "Formation à l'entretien 1 60,00 € 0 % 60,00 €",
    # totals
    "Total HT 1 058,00 €",
    "TVA 20 % sur 900,00 € 180,00 €",
    "TVA 5,5 % sur 98,00 € 5,39 €",
    "Total TVA 185,39 €",
    "Total TTC 1 243,39 €",
    # terms
    "TVA non applicable, art. 293 B du CGI",
    "Conditions de paiement : Paiement à 45 jours à compter de la date de facture.",
    "Escompte : Pas d'escompte pour paiement anticipé.",
    "Pénalités de retard : 12,5 % l'an à compter du lendemain de l'échéance.",
    "indemnité forfaitaire pour frais de recouvrement de 40 €",
    "Pose comprise.",
    "Bon pour accord",
]


def test_the_pdf_shows_number_dates_parties_lines_and_totals(quote):
    text = text_of(render_quote_pdf(quote))
    missing = [mention for mention in MENTIONS if mention not in text]
    assert not missing, f"missing mentions: {missing}\n{text}"


def test_a_quote_is_no_invoice_no_e_invoice_inside(quote):
    reader = PdfReader(io.BytesIO(render_quote_pdf(quote)))
    assert not reader.attachments
    assert "Facture n°" not in text_of(render_quote_pdf(quote))


def test_the_customer_payment_terms_win_over_the_company_ones(seller, buyer):
    customer = customer_create(company=seller, code="B2", name="Cash SARL", payment_terms_days=0)
    draft = quotes.quote_create(company=seller, customer=customer, lines=[line("10")])
    text = text_of(render_quote_pdf(quotes.quote_send(quote=draft)))
    assert "Conditions de paiement : Paiement à réception de facture." in text


def test_the_pdf_carries_the_company_logo(seller, quote):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "red").save(buffer, "PNG")
    company_update(
        company=seller,
        brand_colour="#aa3300",
        logo=SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png"),
    )
    pdf = render_quote_pdf(quote)
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


def test_a_draft_quote_has_no_pdf(seller, buyer):
    draft = quotes.quote_create(company=seller, customer=buyer, lines=[line("10")])
    with pytest.raises(Conflict):
        render_quote_pdf(draft)


# -- the email -----------------------------------------------------------------------------


def test_the_quote_email_carries_the_pdf(settings, tmp_path, quote):
    settings.DATA_DIR = tmp_path
    settings.EMAIL_DELIVERY = "file"
    email = quote_send(quote=quote)
    [attachment] = email.attachments.all()
    assert (attachment.filename, attachment.mime_type) == ("DE-2026-00001.pdf", "application/pdf")
    assert "Devis n° DE-2026-00001" in text_of(bytes(attachment.content))

    sent = outbox_deliver(email_id=email.pk)
    message = message_from_bytes(Path(sent.eml_path).read_bytes(), policy=policy.default)
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "DE-2026-00001.pdf"
    assert part.get_content_type() == "application/pdf"
    assert "Boulangerie Martin SARL" in text_of(part.get_content())


# -- the page ------------------------------------------------------------------------------


def pdf_url(quote) -> str:
    return reverse("quote_pdf", kwargs={"company": quote.company.slug, "ref": quote.public_id})


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_members_download_the_pdf(client, seller, quote, role):
    client.force_login(make_user(seller, role))
    response = client.get(pdf_url(quote) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="DE-2026-00001.pdf"'
    assert "Devis n° DE-2026-00001" in text_of(response.content)


def test_the_quote_page_links_to_its_pdf(client, seller, quote):
    client.force_login(make_user(seller, "viewer"))
    detail = reverse("quote_detail", kwargs={"company": seller.slug, "ref": quote.public_id})
    assert pdf_url(quote) in client.get(detail).content.decode()


def test_an_outsider_gets_404(client, quote, outsider):
    client.force_login(outsider)
    assert client.get(pdf_url(quote)).status_code == 404


def test_a_draft_has_no_pdf_page(client, seller, buyer):
    draft = quotes.quote_create(company=seller, customer=buyer, lines=[line("10")])
    client.force_login(make_user(seller, "owner"))
    assert client.get(pdf_url(draft)).status_code == 404
    detail = reverse("quote_detail", kwargs={"company": seller.slug, "ref": draft.public_id})
    assert pdf_url(draft) not in client.get(detail).content.decode()


def test_anonymous_is_sent_to_sign_in(client, quote):
    response = client.get(pdf_url(quote))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
