"""Quote PDFs: the invoice's look and mentions (invoicing/_document_pdf.html), rendered on
demand by WeasyPrint. A quote is not an invoice: no e-invoice XML inside, and nothing is
stored, since a numbered quote never changes and can be drawn again at will.

A quote keeps no snapshot of its parties, so the PDF shows the company and the customer
as they are recorded now, with the payment and late-penalty terms an invoice made from
it would carry.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from solde.core.errors import Conflict
from solde.invoicing import documents, einvoice
from solde.invoicing.models import Quote
from solde.invoicing.pdf import document_context
from solde.invoicing.services import party_snapshot

TITLE = "Devis"


def _payment_terms(days: int) -> str:
    if not days:
        return "Paiement à réception de facture."
    return f"Paiement à {days} jours à compter de la date de facture."


def _context(quote: Quote) -> dict:
    company, customer = quote.company, quote.customer
    lines = list(quote.lines.all())
    totals = documents.totals_of(lines, [], quote.currency)
    days = customer.payment_terms_days
    if days is None:
        days = company.payment_terms_days
    return {
        **document_context(
            company=company,
            seller=party_snapshot(company),
            buyer=party_snapshot(customer),
            lines=lines,
            vat=totals.breakdown,
            totals=(quote.total_excl_tax, quote.total_tax, quote.total),
            currency=quote.currency,
        ),
        "quote": quote,
        "number": quote.number,
        "title": TITLE,
        "exemptions": sorted(
            {ln.exemption_reason for ln in lines if ln.vat_category != "S" and ln.exemption_reason}
        ),
        "payment_terms": _payment_terms(days),
        **einvoice.late_payment_terms(company),
    }


def render_quote_pdf(quote: Quote) -> bytes:
    """The PDF of a numbered quote (a draft has no number, hence no PDF)."""
    from weasyprint import HTML

    quote = Quote.objects.select_related("company", "customer").get(pk=quote.pk)
    if not quote.number:
        raise Conflict("A draft quote has no PDF: send (number) it first.")
    html = render_to_string("invoicing/quote_pdf.html", _context(quote))
    return HTML(string=html).write_pdf()
