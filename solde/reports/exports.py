"""The aged balance (balance âgée) as files: CSV, XLSX and a printable PDF.

One place builds each file from `queries.aging` (by customer), so the CLI and the
download pages give the same bytes. The spreadsheet conventions (`;`, BOM, decimal
comma, dd/mm/yyyy) are formats.spreadsheet's; the PDF is WeasyPrint's, like the
customer statement. Texts follow the active language (the CLI's is SOLDE_LANGUAGE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from solde.companies.models import Company
from solde.core import clock
from solde.core.money import currency_decimals
from solde.formats.spreadsheet import CSV_TYPE, XLSX_TYPE, Table, to_csv, to_xlsx
from solde.reports.queries import Aging
from solde.web.templatetags.solde import day, locale

PDF_TYPE = "application/pdf"
FORMATS = ("csv", "xlsx", "pdf")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def bucket_title(label: str) -> str:
    """not_due → "Not due", 1_30 → "1–30 days", over_90 → "Over 90 days"."""
    if label == "not_due":
        return _("Not due")
    low, high = label.split("_")
    if low == "over":
        return _("Over %(days)s days") % {"days": high}
    return _("%(low)s–%(high)s days") % {"low": low, "high": high}


def report_title(report: Aging) -> str:
    return _("Aged balance at %(date)s") % {"date": day(report.as_of, "short")}


def aging_table(report: Aging, company: Company) -> Table:
    """One row per customer (code, name, buckets, total, credit) and a total row."""
    header = (
        _("Code"),
        _("Customer"),
        *(bucket_title(label) for label in report.labels),
        _("Total"),
        _("Customer credit"),
    )
    rows = [
        (row.code, row.name, *(row.buckets[k] for k in report.labels), row.total, row.credit)
        for row in report.rows
    ]
    rows.append(
        ("", _("Total"), *(report.buckets[k] for k in report.labels), report.total, report.credit)
    )
    return Table(
        name=_("Aged balance %(date)s") % {"date": report.as_of.isoformat()},
        header=header,
        rows=tuple(rows),
        title=(
            company.name,
            report_title(report),
            _("Amounts in %(currency)s") % {"currency": report.currency},
        ),
        notes=_left_out(report),
        bold=frozenset({len(rows) - 1}),
        decimals=currency_decimals(report.currency),
    )


def _left_out(report: Aging) -> tuple[str, ...]:
    """One report, one currency: say what the other currencies' receivables are."""
    return tuple(
        _("Not included: %(amount)s %(currency)s receivable in %(currency)s.")
        % {"amount": _number(total, currency), "currency": currency}
        for currency, total in report.other_currencies.items()
    )


def _number(amount, currency: str) -> str:
    """1 234,50 in French, 1,234.50 in English: the currency's decimals, no symbol."""
    from babel.numbers import format_decimal

    decimals = currency_decimals(currency)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(amount, format=pattern, locale=locale())


def aging_filename(as_of: date, extension: str) -> str:
    return f"balance-agee-{as_of.isoformat()}.{extension}"


def aging_csv(report: Aging, company: Company) -> bytes:
    return to_csv([aging_table(report, company)])


def aging_xlsx(report: Aging, company: Company) -> bytes:
    return to_xlsx([aging_table(report, company)], title=report_title(report), author=company.name)


def aging_pdf(report: Aging, company: Company) -> bytes:
    """A4 landscape PDF/A-3b (archived like the statements), page numbers in the footer."""
    from weasyprint import HTML

    html = render_to_string("reports/aging_pdf.html", _pdf_context(report, company))
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False)


def _pdf_context(report: Aging, company: Company) -> dict:
    cur = report.currency

    def amounts(buckets: dict, total, credit) -> list[str]:
        values = [buckets[k] for k in report.labels] + [total, credit]
        return [_number(v, cur) if v else "" for v in values]  # blank zeros read faster

    title = report_title(report)
    return {
        "title": title,
        "footer": css_string(f"{company.name} — {title}"),
        "page_word": css_string(_("Page")),
        "company": company,
        "report": report,
        "made_on": clock.today(),
        "columns": [bucket_title(label) for label in report.labels],
        "rows": [
            {"code": r.code, "name": r.name, "amounts": amounts(r.buckets, r.total, r.credit)}
            for r in report.rows
        ],
        "totals": [
            _number(v, cur)
            for v in [*(report.buckets[k] for k in report.labels), report.total, report.credit]
        ],
        "notes": _left_out(report),
    }


def css_string(text: str) -> str:
    """A quoted CSS string for the page footer: <style> is raw text, so HTML escaping
    does not apply there; quotes, backslashes and angle brackets become CSS escapes."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>&' or ord(c) < 32 else c for c in text)
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every special character is escaped above


_WRITERS = {
    "csv": (aging_csv, CSV_TYPE),
    "xlsx": (aging_xlsx, XLSX_TYPE),
    "pdf": (aging_pdf, PDF_TYPE),
}


def aging_export(report: Aging, company: Company, extension: str) -> Export:
    """The aged balance as a file: `extension` is one of FORMATS."""
    writer, content_type = _WRITERS[extension]
    return Export(writer(report, company), content_type, aging_filename(report.as_of, extension))
