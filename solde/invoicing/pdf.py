"""Invoice PDFs: HTML/CSS rendered by WeasyPrint as PDF/A-3b, with the Factur-X XML
(EN 16931 profile) embedded by the factur-x library. `document_context` and the
template invoicing/_document_pdf.html are shared with quotes (see quote_pdf.py).

A PDF is written once per issued document, from what was frozen at issue (parties,
lines, totals), and stored with its SHA-256; every later download returns those bytes.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import facturx
from babel.numbers import format_decimal
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from solde.companies.models import DEFAULT_BRAND_COLOUR
from solde.core.errors import Conflict
from solde.invoicing import einvoice
from solde.invoicing.models import Invoice

TITLES = {"invoice": "Facture", "deposit": "Facture d'acompte", "credit_note": "Avoir"}
NATURES = {
    "services": "Prestation de services",
    "goods": "Livraison de biens",
    "mixed": "Livraison de biens et prestation de services",
}


def _money(amount: Decimal, currency: str) -> str:
    symbol = "€" if currency == "EUR" else currency
    return f"{format_decimal(amount, format='#,##0.00', locale='fr_FR')} {symbol}"


def _rate(rate: Decimal) -> str:
    return f"{format_decimal(rate.normalize(), locale='fr_FR')} %"


def _lines(lines, currency: str) -> list[dict]:
    rows = []
    for line in lines:
        discount = ""
        if line.discount_percent:
            discount = _rate(line.discount_percent)
        elif line.discount_amount:
            discount = _money(line.discount_amount, currency)
        rows.append(
            {
                "description": line.description,
                "quantity": format_decimal(line.quantity.normalize(), locale="fr_FR"),
                "unit_price": _money(line.unit_price.normalize(), currency),
                "discount": discount,
                "vat": _rate(line.vat_rate),
                "net": _money(line.net_amount, currency),
            }
        )
    return rows


def _legal_line(seller: dict) -> str:
    parts = (
        seller.get("legal_form", ""),
        f"SIREN {seller['siren']}" if seller.get("siren") else "",
        f"RCS {seller['rcs_city']}" if seller.get("rcs_city") else "",
        f"TVA {seller['vat_number']}" if seller.get("vat_number") else "",
    )
    return " — ".join(part for part in parts if part)


def document_context(
    *,
    company,
    seller: dict,
    buyer: dict,
    lines,
    vat,
    totals: tuple[Decimal, Decimal, Decimal],
    currency: str,
) -> dict:
    """What the PDFs of invoices and quotes show alike (templates/invoicing/_document_pdf.html):
    the company's look, both parties with their legal identity, the lines, VAT per rate
    (`vat`: rows with rate, taxable and tax) and the totals (excl. VAT, VAT, incl. VAT)."""
    excl, tax, incl = totals
    return {
        "seller": seller,
        "buyer": buyer,
        "lines": _lines(lines, currency),
        "legal_line": _legal_line(seller),
        "share_capital": _money(Decimal(seller["share_capital"]), currency).replace(",00", "")
        if seller.get("share_capital")
        else "",
        "colour": company.brand_colour or DEFAULT_BRAND_COLOUR,
        "logo": company.logo_data_uri(),
        "vat": [
            {
                "label": _rate(g.rate),
                "taxable": _money(g.taxable, currency),
                "tax": _money(g.tax, currency),
            }
            for g in vat
        ],
        "totals": {
            "excl": _money(excl, currency),
            "tax": _money(tax, currency),
            "incl": _money(incl, currency),
        },
        "vat_on_debits": company.vat_on_debits,
    }


def _context(invoice: Invoice) -> dict:
    document = einvoice.invoice_document(invoice)
    cur = invoice.currency
    charges = [
        {
            "label": row.reason or ("Frais" if row.is_charge else "Remise"),
            "vat": _rate(row.vat_rate),
            "amount": _money(row.amount if row.is_charge else -row.amount, cur),
        }
        for row in invoice.allowance_charges.all()
    ]
    return {
        **document_context(
            company=invoice.company,
            seller=dict(invoice.seller_snapshot or {}),
            buyer=invoice.buyer_snapshot or {},
            lines=invoice.lines.all(),
            vat=document.vat,
            totals=(invoice.total_excl_tax, invoice.total_tax, invoice.total),
            currency=cur,
        ),
        "invoice": invoice,
        "number": invoice.number,
        "title": TITLES[invoice.kind],
        "nature": NATURES[invoice.nature],
        "allowance_charges": charges,
        "corrects": invoice.corrects if invoice.corrects_id else None,
        "exemptions": sorted({g.exemption_reason for g in document.vat if g.exemption_reason}),
        "payment_terms": document.payment_terms,
        "discount_terms": document.discount_terms,
        "penalty_terms": document.penalty_terms,
        "indemnity_terms": document.indemnity_terms,
    }


def render_pdf(invoice: Invoice) -> bytes:
    """The Factur-X PDF of an issued document (not stored: see invoice_pdf_freeze)."""
    from weasyprint import HTML

    html = render_to_string("invoicing/invoice_pdf.html", _context(invoice))
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False)
    xml = einvoice.invoice_cii(invoice)
    return facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang="fr-FR",
        pdf_metadata={
            "author": invoice.company.name,
            "title": f"{TITLES[invoice.kind]} {invoice.number}",
            "subject": f"{TITLES[invoice.kind]} {invoice.number}",
            "keywords": "Factur-X",
        },
    )


def invoice_pdf_freeze(*, invoice: Invoice) -> Invoice:
    """Write the document's PDF once and keep its SHA-256. Locks the invoice row; a PDF
    already written is kept as it is, so running this twice (a retried job) is harmless."""
    if invoice.is_draft:
        raise Conflict("A draft has no PDF: issue it first.")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.pdf_sha256:
            return locked
        content = render_pdf(locked)
        locked.pdf_sha256 = hashlib.sha256(content).hexdigest()
        locked.pdf.save(f"{locked.number}.pdf", ContentFile(content), save=False)
        locked.save(update_fields=["pdf", "pdf_sha256"])
    return locked


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """The stored PDF (written now if the background job has not run yet), checked
    against its SHA-256 so that a changed file is never handed out."""
    invoice = invoice_pdf_freeze(invoice=invoice)
    with invoice.pdf.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != invoice.pdf_sha256:
        raise Conflict(f"The stored PDF of {invoice.number} does not match its SHA-256.")
    return content
