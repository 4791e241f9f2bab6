"""Invoice PDFs: HTML/CSS rendered by WeasyPrint as PDF/A-3b, with the Factur-X XML
(EN 16931 profile) embedded by the factur-x library.

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


def _context(invoice: Invoice) -> dict:
    document = einvoice.invoice_document(invoice)
    cur = invoice.currency
    seller = dict(invoice.seller_snapshot or {})
    company = invoice.company
    lines = []
    for line in invoice.lines.all():
        discount = ""
        if line.discount_percent:
            discount = _rate(line.discount_percent)
        elif line.discount_amount:
            discount = _money(line.discount_amount, cur)
        lines.append(
            {
                "description": line.description,
                "quantity": format_decimal(line.quantity.normalize(), locale="fr_FR"),
                "unit_price": _money(line.unit_price.normalize(), cur),
                "discount": discount,
                "vat": _rate(line.vat_rate),
                "net": _money(line.net_amount, cur),
            }
        )
    charges = [
        {
            "label": row.reason or ("Frais" if row.is_charge else "Remise"),
            "vat": _rate(row.vat_rate),
            "amount": _money(row.amount if row.is_charge else -row.amount, cur),
        }
        for row in invoice.allowance_charges.all()
    ]
    legal = " — ".join(
        part
        for part in (
            seller.get("legal_form", ""),
            f"SIREN {seller['siren']}" if seller.get("siren") else "",
            f"RCS {seller['rcs_city']}" if seller.get("rcs_city") else "",
            f"TVA {seller['vat_number']}" if seller.get("vat_number") else "",
        )
        if part
    )
    return {
        "invoice": invoice,
        "title": TITLES[invoice.kind],
        "nature": NATURES[invoice.nature],
        "seller": seller,
        "buyer": invoice.buyer_snapshot or {},
        "lines": lines,
        "allowance_charges": charges,
        "legal_line": legal,
        "share_capital": _money(Decimal(seller["share_capital"]), cur).replace(",00", "")
        if seller.get("share_capital")
        else "",
        "colour": company.brand_colour or DEFAULT_BRAND_COLOUR,
        "logo": company.logo_data_uri(),
        "corrects": invoice.corrects if invoice.corrects_id else None,
        "vat": [
            {"label": _rate(g.rate), "taxable": _money(g.taxable, cur), "tax": _money(g.tax, cur)}
            for g in document.vat
        ],
        "exemptions": sorted({g.exemption_reason for g in document.vat if g.exemption_reason}),
        "totals": {
            "excl": _money(invoice.total_excl_tax, cur),
            "tax": _money(invoice.total_tax, cur),
            "incl": _money(invoice.total, cur),
        },
        "payment_terms": document.payment_terms,
        "discount_terms": document.discount_terms,
        "penalty_terms": document.penalty_terms,
        "indemnity_terms": document.indemnity_terms,
        "vat_on_debits": company.vat_on_debits,
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
