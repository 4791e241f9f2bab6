"""The customer statement as CSV and XLSX, beside its PDF (statement_pdf.py).

The same figures as the PDF, in two tables: the movements (the opening balance, every
movement with the balance after it, the period's totals, the closing balance) and the
items still open at the end (with the credit available, if any). A statement in several
currencies gives each currency's rows in turn, the currency in its own column. The
spreadsheet conventions are formats.spreadsheet's (`;`, BOM, decimal comma, dd/mm/yyyy).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from solde.core.money import currency_decimals
from solde.customers.statement import Statement, StatementLine, StatementSection
from solde.formats.spreadsheet import CSV_TYPE, XLSX_TYPE, Table, to_csv, to_xlsx
from solde.web.templatetags.solde import day

KINDS = {
    "invoice": gettext_lazy("Invoice"),
    "deposit": gettext_lazy("Deposit invoice"),
    "credit_note": gettext_lazy("Credit note"),
    "payment": gettext_lazy("Payment"),
    "write_off": pgettext_lazy("statement line", "Write-off"),
}


def _kind(line: StatementLine) -> str:
    source = line.source
    kind = KINDS[source.kind]
    if source.kind == "write_off" and source.bad_debt:
        kind = pgettext("statement line", "Bad debt")
    return _("Reversal: %(kind)s") % {"kind": kind} if line.reversal else str(kind)


def _reason(line: StatementLine) -> str:
    return line.source.undo_reason if line.reversal else line.source.reason


def _movement_rows(section: StatementSection, statement: Statement) -> tuple[list, set]:
    """The section's rows, and the indexes of its edge rows (opening, totals, closing)."""
    cur, before = section.currency, statement.start - timedelta(days=1)
    rows = [(cur, before, _("Opening balance"), "", None, None, None, section.opening)]
    for line in section.lines:
        source = line.source
        rows.append(
            (
                cur,
                line.date,
                _kind(line),
                source.reference,
                None if line.reversal else source.due_date,
                line.debit or None,  # blank rather than 0,00: one side per movement
                line.credit or None,
                line.balance,
                ", ".join(source.invoices),
                None if line.reversal else source.unallocated or None,
                _reason(line),
            )
        )
    totals = (cur, None, _("Total movements"), "", None, section.total_debit, section.total_credit)
    closing = (cur, statement.end, _("Closing balance"), "", None, None, None, section.closing)
    rows += [totals, closing]
    return rows, {0, len(rows) - 2, len(rows) - 1}


def _open_rows(section: StatementSection) -> tuple[list, set]:
    cur = section.currency
    rows = [
        (
            cur,
            str(KINDS[item.kind]),
            item.number,
            item.issue_date,
            item.due_date,
            item.days_overdue or None,
            item.total,
            item.balance,
        )
        for item in section.open_items
    ]
    rows.append((cur, _("Total open items"), "", None, None, None, None, section.open_total))
    edges = {len(rows) - 1}
    if section.available_credit:
        credit = -section.available_credit
        rows.append((cur, _("Credit available"), "", None, None, None, None, credit))
    return rows, edges


def _stacked(statement: Statement, build) -> tuple[tuple, frozenset]:
    """Every section's rows one after the other, with the bold rows' indexes shifted."""
    rows: list = []
    bold: set[int] = set()
    for section in statement.sections:
        section_rows, edges = build(section)
        bold |= {len(rows) + index for index in edges}
        rows += section_rows
    return tuple(rows), frozenset(bold)


def _title(statement: Statement) -> tuple[str, ...]:
    customer = statement.customer
    who = f"{customer.name} ({customer.code})" if customer.code else customer.name
    period = {"start": day(statement.start, "short"), "end": day(statement.end, "short")}
    return (
        statement.company.name,
        _("Statement of account — %(customer)s") % {"customer": who},
        _("From %(start)s to %(end)s") % period,
    )


def statement_tables(statement: Statement) -> list[Table]:
    """Two tables: the movements, and the items still open at the end."""
    decimals = max(currency_decimals(cur) for cur in statement.currencies)
    moves, moves_bold = _stacked(statement, lambda s: _movement_rows(s, statement))
    items, items_bold = _stacked(statement, _open_rows)
    end = day(statement.end, "short")
    return [
        Table(
            name=_("Movements"),
            header=(
                _("Currency"),
                _("Date"),
                _("Type"),
                _("Reference"),
                _("Due date"),
                pgettext("statement column", "Debit"),
                pgettext("statement column", "Credit"),
                _("Balance"),
                _("Invoices settled"),
                _("Unallocated"),
                _("Reason"),
            ),
            rows=moves,
            title=_title(statement),
            bold=moves_bold,
            decimals=decimals,
        ),
        Table(
            name=_("Open items"),
            header=(
                _("Currency"),
                _("Document"),
                _("Number"),
                _("Issue date"),
                _("Due date"),
                _("Days overdue"),
                _("Amount"),
                _("Balance due"),
            ),
            rows=items,
            title=(*_title(statement)[:2], _("Open items at %(date)s") % {"date": end}),
            bold=items_bold,
            decimals=decimals,
        ),
    ]


def statement_csv(statement: Statement) -> bytes:
    return to_csv(statement_tables(statement))


def statement_xlsx(statement: Statement) -> bytes:
    title = _title(statement)
    return to_xlsx(statement_tables(statement), title=title[1], author=statement.company.name)


CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def statement_sheet(statement: Statement, extension: str) -> bytes:
    """The statement as "csv" or "xlsx" bytes."""
    return {"csv": statement_csv, "xlsx": statement_xlsx}[extension](statement)


def statement_filename(statement: Statement, extension: str) -> str:
    """releve-CODE-YYYYMMDD.ext, as the PDF's; the code kept to file-name-safe characters."""
    customer = statement.customer
    who = re.sub(r"[^A-Za-z0-9_-]+", "-", customer.code) or str(customer.public_id)
    return f"releve-{who}-{statement.end:%Y%m%d}.{extension}"
