"""The invoice PDF: every mandatory French mention, frozen bytes, Factur-X inside."""

import hashlib
import io
from datetime import date

import facturx
import pytest
from pypdf import PdfReader

from solde.companies.services import company_update
from solde.customers.services import customer_create
from solde.invoicing.einvoice import invoice_cii
from solde.invoicing.pdf import invoice_pdf_bytes
from solde.invoicing.services import credit_note_create, invoice_issue
from tests.builders import line, make_invoice, make_seller

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


@pytest.fixture
def seller(db):
    company = make_seller(bic="AGRIFRPP")
    return company_update(
        company=company, share_capital="50000", rcs_city="Lyon", vat_on_debits=True
    )


@pytest.fixture
def invoice(seller):
    buyer = customer_create(
        company=seller,
        code="B1",
        name="Boulangerie Martin SARL",
        siren="552100554",
        vat_number="FR96552100554",
        address="3 place Bellecour",
        postal_code="69002",
        city="Lyon",
        delivery_address="Zone artisanale, lot 4",
        delivery_postal_code="38000",
        delivery_city="Grenoble",
    )
    return make_invoice(
        seller,
        buyer,
        issue_date=DAY,
        nature="goods",
        lines=[
            line("450", "2", "20", description="Luminaire suspendu"),
            line("24.50", "4", "5.5", description="Ampoules (lot)"),
        ],
    )


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


MENTIONS = [
    "Facture n° FA-2026-00001",
    "Date d'émission",
    "02/11/2026",
    "Date de la vente ou de la prestation",
    "Date d'échéance",
    "02/12/2026",
    "Livraison de biens",  # nature of the operation
    "Atelier Lumière SAS",
    "SAS au capital de 50 000 €",
    "SIRET 73282932000074",
    "RCS Lyon",
    "FR44732829320",
    "12 rue de la République",
    "Boulangerie Martin SARL",
    "SIREN 552100554",
    "FR96552100554",
    "3 place Bellecour",
    "Adresse de livraison",
    "Zone artisanale, lot 4",
    "Luminaire suspendu",
    "Prix unitaire HT",
    "450,00 €",
    "20 %",
    "5,5 %",
    "Total HT",
    "998,00 €",
    "TVA 20 % sur 900,00 €",
    "180,00 €",
    "TVA 5,5 % sur 98,00 €",
    "5,39 €",
    "Total TTC",
    "1 183,39 €",
    "Conditions de paiement",
    "Escompte",
    "Pénalités de retard",
    "indemnité forfaitaire pour frais de recouvrement de 40 €",
    "TVA acquittée sur les débits",
    "FR7630006000011234567890189",
]


def test_every_mandatory_mention_is_in_the_pdf(invoice):
    text = " ".join(_text(invoice_pdf_bytes(invoice=invoice)).split())
    missing = [
        m
        for m in MENTIONS
        if " ".join(m.split()) not in text.replace("\u202f", " ").replace("\u00a0", " ")
    ]
    assert not missing, f"missing mentions: {missing}"


def test_the_pdf_is_frozen_with_its_sha256(invoice):
    first = invoice_pdf_bytes(invoice=invoice)
    invoice.refresh_from_db()
    assert hashlib.sha256(first).hexdigest() == invoice.pdf_sha256
    assert invoice_pdf_bytes(invoice=invoice) == first


def test_the_pdf_carries_the_factur_x_xml(invoice):
    pdf = invoice_pdf_bytes(invoice=invoice)
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == invoice_cii(invoice)
    xmp = PdfReader(io.BytesIO(pdf)).xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "EN 16931" in xmp and "factur-x.xml" in xmp


def test_a_credit_note_names_the_invoice_it_corrects(invoice):
    note = invoice_issue(
        invoice=credit_note_create(invoice=invoice, reason="Retour"), issue_date=DAY
    )
    text = _text(invoice_pdf_bytes(invoice=note))
    assert "Avoir n° AV-2026-00001" in text
    assert "FA-2026-00001 du 02/11/2026" in text
