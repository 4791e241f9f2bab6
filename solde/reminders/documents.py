"""Documents a reminder carries, drawn at delivery (mail.attachments) from what the run
froze: the formal notice letter from the reminder's own text and lines, the statement
of account as of the run's day, the invoices' stored PDFs.
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from solde.customers.statement import customer_statement
from solde.customers.statement_pdf import statement_pdf
from solde.invoicing.models import Invoice
from solde.invoicing.pdf import _money, invoice_pdf_bytes
from solde.mail import attachments
from solde.reminders.models import Reminder


def letter_pdf(reminder: Reminder) -> bytes:
    """The printable letter (mise en demeure) of a reminder, as PDF/A-3b."""
    from weasyprint import HTML

    lines = list(reminder.lines.select_related("invoice").order_by("invoice__due_date", "id"))
    currency = reminder.currency
    html = render_to_string(
        "reminders/letter_pdf.html",
        {
            "reminder": reminder,
            "company": reminder.company,
            "customer": reminder.customer,
            "day": reminder.run_date.strftime("%d/%m/%Y"),
            "paragraphs": [p for p in reminder.body.split("\n\n") if p.strip()],
            "lines": [
                {
                    "number": line.invoice.number,
                    "due": line.invoice.due_date.strftime("%d/%m/%Y"),
                    "days": line.days_overdue,
                    "balance": _money(line.balance, currency),
                    "interest": _money(line.interest, currency),
                    "indemnity": _money(line.indemnity, currency),
                }
                for line in lines
            ],
            "total_due": _money(reminder.total_due, currency),
            "late_fees": _money(reminder.late_fees, currency),
            "total": _money(reminder.total_due + reminder.late_fees, currency),
        },
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


def _reminder(public_id: str) -> Reminder:
    return Reminder.objects.select_related("company", "customer").get(public_id=public_id)


def _draw_letter(ref: str) -> bytes:
    return letter_pdf(_reminder(ref))


def _draw_statement(ref: str) -> bytes:
    reminder = _reminder(ref)
    end: date = reminder.run_date
    statement = customer_statement(
        company=reminder.company, customer=reminder.customer, start=date(end.year, 1, 1), end=end
    )
    return statement_pdf(statement)


def _draw_invoice(ref: str) -> bytes:
    return invoice_pdf_bytes(invoice=Invoice.objects.select_related("company").get(pk=int(ref)))


def register() -> None:
    attachments.register("reminder-letter", _draw_letter)
    attachments.register("reminder-statement", _draw_statement)
    attachments.register("invoice-pdf", _draw_invoice)
