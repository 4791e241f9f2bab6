"""The customer statement as a PDF: HTML/CSS rendered by WeasyPrint as PDF/A-3b, like
invoices, so it can be archived with them; no e-invoice XML inside, since a statement
is not an invoice. Rendered on demand and never stored: it is a read of the ledger.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.template.loader import render_to_string

from solde.core.money import ZERO
from solde.customers.statement import Statement, StatementLine, StatementSection
from solde.invoicing.pdf import _money

BRAND_COLOUR = "#1f4e79"
TITLE = "Relevé de compte"
DOCUMENTS = {"invoice": "Facture", "deposit": "Facture d'acompte", "credit_note": "Avoir"}
METHODS = {
    "transfer": "virement",
    "direct_debit": "prélèvement",
    "card": "carte bancaire",
    "cheque": "chèque",
    "cash": "espèces",
}


def statement_pdf(statement: Statement) -> bytes:
    """The statement's PDF/A-3b bytes."""
    from weasyprint import HTML

    html = render_to_string("customers/statement_pdf.html", _context(statement))
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False)


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _context(statement: Statement) -> dict:
    company = statement.company
    return {
        "title": TITLE,
        "statement": statement,
        "company": company,
        "customer": statement.customer,
        "legal_line": _legal_line(company),
        "share_capital": _money(company.share_capital, company.currency).replace(",00", "")
        if company.share_capital
        else "",
        "colour": BRAND_COLOUR,
        "day_before": _day(statement.start - timedelta(days=1)),
        "several": len(statement.sections) > 1,
        "sections": [_section(s, statement.end) for s in statement.sections],
    }


def _legal_line(company) -> str:
    parts = (
        company.legal_form,
        f"SIREN {company.siren}" if company.siren else "",
        f"RCS {company.rcs_city}" if company.rcs_city else "",
        f"TVA {company.vat_number}" if company.vat_number else "",
    )
    return " — ".join(part for part in parts if part)


def _amount(amount: Decimal, currency: str) -> str:
    """Blank for zero, so a debit/credit table reads at a glance."""
    return _money(amount, currency) if amount else ""


def _section(section: StatementSection, end: date) -> dict:
    cur = section.currency
    return {
        "currency": cur,
        "opening": _money(section.opening, cur),
        "lines": [_line(line, cur) for line in section.lines],
        "total_debit": _money(section.total_debit, cur),
        "total_credit": _money(section.total_credit, cur),
        "closing": _money(section.closing, cur),
        "closing_words": _closing_words(section.closing, cur, end),
        "open_items": [
            {
                "label": f"{DOCUMENTS[item.kind]} {item.number}",
                "issue_date": _day(item.issue_date),
                "due_date": _day(item.due_date) if item.due_date else "",
                "days_overdue": item.days_overdue or "",
                "total": _money(item.total, cur),
                "balance": _money(item.balance, cur),
            }
            for item in section.open_items
        ],
        "open_total": _money(section.open_total, cur),
        "available_credit": _money(-section.available_credit, cur)
        if section.available_credit
        else "",
    }


def _closing_words(closing: Decimal, currency: str, end: date) -> str:
    if closing > ZERO:
        return f"Solde dû au {_day(end)} : {_money(closing, currency)}"
    if closing < ZERO:
        return f"Solde en votre faveur au {_day(end)} : {_money(-closing, currency)}"
    return f"Votre compte est soldé au {_day(end)}."


def _line(line: StatementLine, currency: str) -> dict:
    source = line.source
    return {
        "date": _day(line.date),
        "label": _label(line),
        "detail": _detail(line, currency),
        "due_date": _day(source.due_date) if source.due_date and not line.reversal else "",
        "debit": _amount(line.debit, currency),
        "credit": _amount(line.credit, currency),
        "balance": _money(line.balance, currency),
    }


def _label(line: StatementLine) -> str:
    source = line.source
    if source.kind in DOCUMENTS:
        label = f"{DOCUMENTS[source.kind]} {source.reference}"
        return f"{label} sur {source.invoices[0]}" if source.invoices else label
    if source.kind == "payment":
        method = METHODS.get(source.method)
        label = "Règlement" + (f" par {method}" if method else "")
        label += f", réf. {source.reference}" if source.reference else ""
    else:
        label = "Créance irrécouvrable" if source.bad_debt else "Écart de règlement"
        label += f" sur {source.reference}"
    if line.reversal:
        return f"Annulation : {label[0].lower()}{label[1:]} du {_day(source.date)}"
    return label


def _detail(line: StatementLine, currency: str) -> str:
    """A second, smaller line: what a payment settles, why something was undone."""
    source = line.source
    if line.reversal:
        return source.undo_reason
    if source.kind == "write_off":
        return source.reason
    if source.kind != "payment":
        return ""
    parts = []
    if source.invoices:
        parts.append("affecté à " + ", ".join(source.invoices))
    if source.unallocated:
        parts.append(f"{_money(source.unallocated, currency)} non affecté (crédit disponible)")
    return " ; ".join(parts)
