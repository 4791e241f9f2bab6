"""Use cases for quotes (devis): draft, send (numbered), accept or decline, convert.

A sent quote never changes; it expires when its validity date passes unanswered.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from solde.audit.services import audit_record
from solde.companies.models import Company
from solde.core import clock
from solde.core.errors import Conflict, ValidationError
from solde.customers.models import Customer
from solde.invoicing import documents
from solde.invoicing.models import Invoice, Quote, QuoteLine
from solde.invoicing.services import _take_number, default_series, invoice_create


def quote_status(quote: Quote, today: date | None = None) -> str:
    """draft | sent | accepted | declined | expired."""
    today = today or clock.today()
    if quote.status == Quote.SENT and quote.valid_until and quote.valid_until < today:
        return "expired"
    return quote.status


def _set_lines(quote: Quote, lines: list[dict]) -> None:
    parsed = [documents.parse_line(line, i, quote.currency) for i, line in enumerate(lines)]
    quote.lines.all().delete()
    rows = QuoteLine.objects.bulk_create(QuoteLine(quote=quote, **f) for f in parsed)
    totals = documents.totals_of(rows, [], quote.currency)
    for row, net in zip(rows, totals.line_nets, strict=True):
        row.net_amount = net
    QuoteLine.objects.bulk_update(rows, ["net_amount"])
    quote.total_excl_tax = totals.tax_exclusive
    quote.total_tax = totals.tax_total
    quote.total = totals.tax_inclusive
    quote.save()


def quote_create(
    *,
    company: Company,
    customer: Customer,
    lines: list[dict],
    valid_until: date | None = None,
    notes: str = "",
    actor=None,
) -> Quote:
    if customer.company_id != company.id:
        raise ValidationError("This customer belongs to another company.", field="customer")
    with transaction.atomic():
        quote = Quote.objects.create(
            company=company,
            customer=customer,
            currency=company.currency,
            valid_until=valid_until,
            notes=notes,
        )
        _set_lines(quote, lines)
        audit_record(
            company=company,
            actor=actor,
            action="quote.create",
            obj=quote,
            after={"total": quote.total},
        )
    return quote


def _locked(quote: Quote, *allowed: str) -> Quote:
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote_status(locked) not in allowed:
        raise Conflict(f"Quote {locked} is {quote_status(locked)}.")
    return locked


def quote_update(*, quote: Quote, lines: list[dict] | None = None, actor=None, **fields) -> Quote:
    with transaction.atomic():
        locked = _locked(quote, Quote.DRAFT)
        for key in ("valid_until", "notes"):
            if key in fields:
                setattr(locked, key, fields.pop(key))
        if fields:
            raise ValidationError(f"Unknown quote field {sorted(fields)[0]!r}.")
        if lines is not None:
            _set_lines(locked, lines)
        locked.save()
        audit_record(
            company=locked.company,
            actor=actor,
            action="quote.update",
            obj=locked,
            after={"total": locked.total},
        )
    return locked


def quote_send(*, quote: Quote, issue_date: date | None = None, actor=None) -> Quote:
    """Number the quote in its series; from now on it cannot change. Locks it."""
    with transaction.atomic():
        locked = _locked(quote, Quote.DRAFT)
        if not locked.lines.exists():
            raise ValidationError("A quote needs at least one line.", field="lines")
        issue_date = issue_date or clock.today()
        series = locked.series or default_series(locked.company, "quote")
        locked.series = series
        locked.number = _take_number(series, issue_date)
        locked.issue_date = issue_date
        locked.status = Quote.SENT
        locked.save()
        audit_record(
            company=locked.company,
            actor=actor,
            action="quote.send",
            obj=locked,
            after={"number": locked.number},
        )
    return locked


def _decide(quote: Quote, status: str, actor) -> Quote:
    with transaction.atomic():
        locked = _locked(quote, Quote.SENT)
        locked.status = status
        locked.decided_on = clock.today()
        locked.save(update_fields=["status", "decided_on"])
        audit_record(
            company=locked.company,
            actor=actor,
            action=f"quote.{status}",
            obj=locked,
            before={"status": Quote.SENT},
            after={"status": status},
        )
    return locked


def quote_accept(*, quote: Quote, actor=None) -> Quote:
    return _decide(quote, Quote.ACCEPTED, actor)


def quote_decline(*, quote: Quote, actor=None) -> Quote:
    return _decide(quote, Quote.DECLINED, actor)


def quote_convert(*, quote: Quote, kind: str = Invoice.INVOICE, actor=None) -> Invoice:
    """A draft invoice (or deposit invoice) with the quote's lines; accepts a sent quote."""
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote_status(locked) == Quote.SENT:
            locked = _decide(locked, Quote.ACCEPTED, actor)
        if locked.status != Quote.ACCEPTED:
            raise Conflict(f"Quote {locked} is {quote_status(locked)}: it cannot be invoiced.")
        lines = [
            {name: getattr(line, name) for name in documents.LINE_FIELDS}
            for line in locked.lines.all()
        ]
        invoice = invoice_create(
            company=locked.company,
            customer=locked.customer,
            lines=lines,
            kind=kind,
            currency=locked.currency,
            actor=actor,
        )
        invoice.quote = locked
        invoice.save(update_fields=["quote"])
    return invoice
