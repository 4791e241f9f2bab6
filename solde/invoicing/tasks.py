"""Background jobs of invoicing: they only call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from solde.invoicing.models import Invoice
from solde.invoicing.pdf import invoice_pdf_freeze


@db_task(retries=3, retry_delay=30)
def freeze_pdf(invoice_id: int) -> str:
    """Write the PDF of a document just issued; safe to run twice (the first write wins)."""
    invoice = Invoice.objects.get(pk=invoice_id)
    return invoice_pdf_freeze(invoice=invoice).pdf_sha256
