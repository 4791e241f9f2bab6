"""Use cases for invoices, deposits and credit notes.

Drafts can change freely; issuing takes the next legal number under a row lock,
freezes the content and the parties, and from then on only allocations (in
payments.services) move the balance.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from solde.audit.services import audit_record
from solde.companies.models import Company
from solde.core import clock, numbering, tax, terms
from solde.core.errors import Conflict, ValidationError
from solde.core.money import ZERO, check_currency
from solde.customers.models import Customer
from solde.invoicing import documents
from solde.invoicing.models import (
    Invoice,
    InvoiceAllowanceCharge,
    InvoiceLine,
    Series,
    SeriesCounter,
    VatBreakdown,
)

DRAFT_FIELDS = {
    "issue_date",
    "due_date",
    "sale_date",
    "nature",
    "payment_terms",
    "notes",
    "currency",
    "buyer_reference",
    "purchase_order",
}


# Demo and imported documents get their PDF on first download instead of a job each.
NO_PDF_JOB = {"demo", "import"}


def _queue_pdf(invoice_id: int) -> None:
    from solde.invoicing.tasks import freeze_pdf

    freeze_pdf(invoice_id)


def _check_draft(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise Conflict(
            f"Invoice {invoice.number} is issued: it can no longer change; "
            "issue a credit note to correct it."
        )


def _set_content(
    invoice: Invoice, lines: list[dict] | None, allowance_charges: list[dict] | None
) -> None:
    """Replace (when given) the lines and document allowances/charges of a draft, set its
    totals, and save it: the totals are computed before anything is written."""
    currency = invoice.currency
    new_lines = new_rows = None
    if lines is not None:
        new_lines = [
            InvoiceLine(**documents.parse_line(line, i, currency)) for i, line in enumerate(lines)
        ]
    if allowance_charges is not None:
        new_rows = [
            InvoiceAllowanceCharge(**documents.parse_allowance_charge(row, i, currency))
            for i, row in enumerate(allowance_charges)
        ]
    existing = invoice.pk is not None
    line_rows = new_lines if new_lines is not None else list(invoice.lines.all())
    charge_rows = (
        new_rows
        if new_rows is not None
        else (list(invoice.allowance_charges.all()) if existing else [])
    )
    _recompute(invoice, line_rows, charge_rows)
    invoice.save()
    if new_lines is not None:
        if existing:
            invoice.lines.all().delete()
        for line in new_lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(new_lines)
    elif line_rows:
        InvoiceLine.objects.bulk_update(line_rows, ["net_amount"])
    if new_rows is not None:
        if existing:
            invoice.allowance_charges.all().delete()
        for row in new_rows:
            row.invoice = invoice
        InvoiceAllowanceCharge.objects.bulk_create(new_rows)


def _recompute(invoice: Invoice, lines=None, allowance_charges=None) -> tax.Totals:
    """Set the invoice's totals (and its lines' nets, in memory) from its content."""
    if lines is None:
        lines = list(invoice.lines.all())
    if allowance_charges is None:
        allowance_charges = list(invoice.allowance_charges.all())
    totals = documents.totals_of(lines, allowance_charges, invoice.currency)
    for line, net in zip(lines, totals.line_nets, strict=True):
        line.net_amount = net
    invoice.total_excl_tax = totals.tax_exclusive
    invoice.total_tax = totals.tax_total
    invoice.total = totals.tax_inclusive
    return totals


def _draft_fields(fields: dict) -> dict:
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"Unknown invoice field {name!r}.", field=name)
    if "currency" in fields:
        fields["currency"] = check_currency(fields["currency"])
    if fields.get("nature", "services") not in {"services", "goods", "mixed"}:
        raise ValidationError("The nature is services, goods or mixed.", field="nature")
    return fields


def invoice_create(
    *,
    company: Company,
    customer: Customer,
    lines: list[dict],
    kind: str = Invoice.INVOICE,
    allowance_charges: list[dict] | None = None,
    actor=None,
    origin: str = "manual",
    **fields,
) -> Invoice:
    """Create a draft invoice or deposit invoice (credit notes: credit_note_create)."""
    if kind not in {Invoice.INVOICE, Invoice.DEPOSIT}:
        raise ValidationError("An invoice is of kind invoice or deposit.", field="kind")
    if customer.company_id != company.id:
        raise ValidationError("This customer belongs to another company.", field="customer")
    fields = _draft_fields({"currency": company.currency, **fields})
    with transaction.atomic():
        invoice = Invoice(company=company, customer=customer, kind=kind, origin=origin, **fields)
        _set_content(invoice, lines, allowance_charges or [])
        audit_record(
            company=company,
            actor=actor,
            action="invoice.create",
            obj=invoice,
            after={"kind": kind, "customer": customer.code, "total": invoice.total},
        )
    return invoice


def invoice_update(
    *,
    invoice: Invoice,
    lines: list[dict] | None = None,
    allowance_charges: list[dict] | None = None,
    actor=None,
    **fields,
) -> Invoice:
    """Change a draft. Locks the invoice row; an issued invoice is refused."""
    fields = _draft_fields(fields)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _check_draft(locked)
        for key, value in fields.items():
            setattr(locked, key, value)
        _set_content(locked, lines, allowance_charges)
        audit_record(
            company=locked.company,
            actor=actor,
            action="invoice.update",
            obj=locked,
            after={**fields, "total": locked.total},
        )
    return locked


def invoice_delete_draft(*, invoice: Invoice, actor=None) -> None:
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _check_draft(locked)
        audit_record(
            company=locked.company,
            actor=actor,
            action="invoice.delete",
            obj=locked,
            before={"total": locked.total},
        )
        locked.delete()


def _take_number(series: Series, issue_date: date) -> str:
    """The next number of the series; locks its counter row until the transaction ends."""
    period = numbering.period_key(series.pattern, issue_date)
    counter = SeriesCounter.objects.select_for_update().filter(series=series, period=period).first()
    if counter is None:
        try:
            with transaction.atomic():
                SeriesCounter.objects.create(series=series, period=period)
        except IntegrityError:
            pass  # another issuer created it first: lock theirs below
        counter = SeriesCounter.objects.select_for_update().get(series=series, period=period)
    state = numbering.CounterState(last_seq=counter.last_seq, last_date=counter.last_date)
    number, state = numbering.next_number(series.pattern, state, issue_date)
    counter.last_seq, counter.last_date = state.last_seq, state.last_date
    counter.save(update_fields=["last_seq", "last_date"])
    return number


def default_series(company: Company, kind: str) -> Series:
    series_kind = "credit_note" if kind == Invoice.CREDIT_NOTE else kind
    if series_kind == Invoice.DEPOSIT:
        series_kind = "invoice"
    series = Series.objects.for_company(company).filter(kind=series_kind, is_default=True).first()
    if series is None:
        raise Conflict(f"The company has no default {series_kind} series.")
    return series


def party_snapshot(party) -> dict:
    names = (
        "name",
        "legal_form",
        "share_capital",
        "siren",
        "siret",
        "vat_number",
        "rcs_city",
        "address",
        "postal_code",
        "city",
        "country",
        "email",
        "iban",
        "bic",
        "kind",
        "delivery_address",
        "delivery_postal_code",
        "delivery_city",
        "delivery_country",
        "code",
    )
    return {n: str(getattr(party, n)) for n in names if getattr(party, n, None) not in (None, "")}


def _check_issuable(invoice: Invoice, issue_date: date) -> None:
    if issue_date > clock.today():
        raise ValidationError(
            "An invoice cannot be issued with a date in the future.", field="issue_date"
        )
    if not invoice.lines.exists():
        raise ValidationError("An invoice needs at least one line.", field="lines")
    if invoice.kind != Invoice.CREDIT_NOTE and invoice.total < ZERO:
        raise ValidationError(
            "An invoice total cannot be negative: issue a credit note.", field="lines"
        )
    if invoice.kind == Invoice.CREDIT_NOTE and invoice.total <= ZERO:
        raise ValidationError("A credit note total must be positive.", field="lines")
    if invoice.due_date and invoice.customer.kind == "company":
        reason = terms.check_b2b_due_date(issue_date, invoice.due_date)
        if reason:
            raise ValidationError(reason, field="due_date")
    deducted = invoice.lines.exclude(deducts=None).values_list("deducts_id", flat=True)
    already = InvoiceLine.objects.filter(
        deducts_id__in=list(deducted), invoice__state=Invoice.ISSUED
    ).exclude(invoice=invoice)
    if already.exists():
        raise Conflict("A deposit deducted here was already deducted on another invoice.")


def invoice_issue(*, invoice: Invoice, issue_date: date | None = None, actor=None) -> Invoice:
    """Number, freeze and open the invoice.

    Locks the invoice row, then the series counter (always in that order, so two
    issuers cannot deadlock); the number is taken in the same transaction, so a
    failure leaves no gap.
    """
    from solde.payments.services import credit_note_apply, refresh_invoice

    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update()
            .select_related("customer", "company")
            .get(pk=invoice.pk)
        )
        _check_draft(locked)
        issue_date = issue_date or locked.issue_date or clock.today()
        _check_issuable(locked, issue_date)
        totals = _recompute(locked)
        series = locked.series or default_series(locked.company, locked.kind)
        customer = locked.customer
        terms_days = customer.payment_terms_days
        if terms_days is None:
            terms_days = locked.company.payment_terms_days
        locked.series = series
        locked.number = _take_number(series, issue_date)
        locked.issue_date = issue_date
        locked.due_date = locked.due_date or terms.due_date(issue_date, terms_days)
        locked.sale_date = locked.sale_date or issue_date
        locked.seller_snapshot = party_snapshot(locked.company)
        locked.buyer_snapshot = party_snapshot(customer)
        locked.issued_at = clock.now()
        locked.state = Invoice.ISSUED
        locked.status = Invoice.OPEN
        locked.balance = locked.total
        locked.save()
        VatBreakdown.objects.bulk_create(
            VatBreakdown(
                invoice=locked, category=g.category, rate=g.rate, taxable=g.taxable, tax=g.tax
            )
            for g in totals.breakdown
        )
        audit_record(
            company=locked.company,
            actor=actor,
            action=f"{locked.kind}.issue",
            obj=locked,
            before={"state": "draft"},
            after={
                "state": "issued",
                "number": locked.number,
                "total": locked.total,
                "issue_date": issue_date,
                "due_date": locked.due_date,
            },
        )
        if locked.origin not in NO_PDF_JOB:
            transaction.on_commit(lambda: _queue_pdf(locked.pk))
        if locked.kind == Invoice.CREDIT_NOTE and locked.corrects_id:
            corrected = locked.corrects
            amount = min(locked.total, Invoice.objects.get(pk=corrected.pk).balance)
            if amount > ZERO:
                credit_note_apply(credit_note=locked, invoice=corrected, amount=amount, actor=actor)
            refresh_invoice(locked)
    return locked


def credit_note_create(
    *, invoice: Invoice, lines: list[dict] | None = None, reason: str = "", actor=None
) -> Invoice:
    """A draft credit note correcting an issued invoice: all of it, or the lines given.

    A full credit note copies the lines, so its totals equal the invoice's to the
    cent and cancel it exactly.
    """
    if invoice.is_draft or invoice.kind == Invoice.CREDIT_NOTE:
        raise Conflict("Only an issued invoice can be corrected by a credit note.")
    if lines is None:
        lines = [
            {name: getattr(line, name) for name in documents.LINE_FIELDS}
            for line in invoice.lines.all()
        ]
        allowance_charges = [
            {
                "is_charge": r.is_charge,
                "amount": r.amount,
                "reason": r.reason,
                "vat_category": r.vat_category,
                "vat_rate": r.vat_rate,
            }
            for r in invoice.allowance_charges.all()
        ]
    else:
        allowance_charges = []
    with transaction.atomic():
        note = Invoice(
            company=invoice.company,
            customer=invoice.customer,
            kind=Invoice.CREDIT_NOTE,
            currency=invoice.currency,
            corrects=invoice,
            nature=invoice.nature,
            notes=reason or f"Avoir sur facture {invoice.number}",
        )
        _set_content(note, lines, allowance_charges)
        credited = sum((n.total for n in invoice.credit_notes.filter(state=Invoice.ISSUED)), ZERO)
        if note.total > invoice.total - credited:
            raise ValidationError(
                f"The credit note ({note.total}) exceeds what is left to credit on "
                f"{invoice.number} ({invoice.total - credited}).",
                field="lines",
            )
        audit_record(
            company=invoice.company,
            actor=actor,
            action="credit_note.create",
            obj=note,
            after={"corrects": invoice.number, "total": note.total},
        )
    return note


def invoice_cancel(*, invoice: Invoice, reason: str, actor=None, issue_date=None) -> Invoice:
    """Cancel an issued invoice by a full credit note, issued at once."""
    if not reason.strip():
        raise ValidationError("Say why the invoice is cancelled.", field="reason")
    with transaction.atomic():
        note = credit_note_create(invoice=invoice, reason=reason, actor=actor)
        return invoice_issue(invoice=note, issue_date=issue_date, actor=actor)


def invoice_deduct_deposit(*, invoice: Invoice, deposit: Invoice, actor=None) -> Invoice:
    """Deduct an issued deposit on a draft final invoice.

    One negative line per VAT category and rate of the deposit, for its taxable
    amount: the final invoice's VAT per rate is the full VAT less the deposit's.
    """
    if deposit.kind != Invoice.DEPOSIT or deposit.is_draft:
        raise ValidationError("Only an issued deposit invoice can be deducted.", field="deposit")
    if deposit.customer_id != invoice.customer_id or deposit.currency != invoice.currency:
        raise ValidationError("The deposit is for another customer or currency.", field="deposit")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _check_draft(locked)
        if (
            InvoiceLine.objects.filter(deducts=deposit)
            .exclude(invoice__kind="credit_note")
            .exists()
        ):
            raise Conflict(f"Deposit {deposit.number} is already deducted.")
        position = locked.lines.count()
        for offset, group in enumerate(deposit.vat_breakdown.all()):
            InvoiceLine.objects.create(
                invoice=locked,
                deducts=deposit,
                position=position + offset,
                description=f"Acompte {deposit.number} du {deposit.issue_date:%d/%m/%Y}",
                quantity=Decimal(-1),
                unit_price=group.taxable,
                vat_category=group.category,
                vat_rate=group.rate,
                exemption_reason=documents.DEFAULT_EXEMPTIONS.get(group.category, ""),
            )
        _set_content(locked, None, None)
        audit_record(
            company=locked.company,
            actor=actor,
            action="invoice.deduct_deposit",
            obj=locked,
            after={"deposit": deposit.number, "total": locked.total},
        )
    return locked


def invoice_dispute(*, invoice: Invoice, reason: str, actor=None) -> Invoice:
    """Mark an issued invoice disputed (reminders pause). Locks the invoice row."""
    if not reason.strip():
        raise ValidationError("Say what the dispute is about.", field="reason")
    return _set_dispute(invoice, True, reason.strip(), actor)


def invoice_resolve_dispute(*, invoice: Invoice, actor=None) -> Invoice:
    return _set_dispute(invoice, False, "", actor)


def _set_dispute(invoice: Invoice, disputed: bool, reason: str, actor) -> Invoice:
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.is_draft:
            raise Conflict("Only an issued invoice can be disputed.")
        before = {"disputed": locked.disputed, "dispute_reason": locked.dispute_reason}
        locked.disputed, locked.dispute_reason = disputed, reason
        locked.save(update_fields=["disputed", "dispute_reason"])
        audit_record(
            company=locked.company,
            actor=actor,
            action="invoice.dispute" if disputed else "invoice.resolve_dispute",
            obj=locked,
            before=before,
            after={"disputed": disputed, "dispute_reason": reason},
        )
    return locked


def invoice_duplicate(*, invoice: Invoice, actor=None) -> Invoice:
    """A new draft with the lines, charges and terms of any invoice or deposit invoice."""
    if invoice.kind == Invoice.CREDIT_NOTE:
        raise Conflict("A credit note is not duplicated: correct the invoice again instead.")
    lines = [
        {name: getattr(line, name) for name in documents.LINE_FIELDS}
        for line in invoice.lines.all()
    ]
    charges = [
        {name: getattr(row, name) for name in ("is_charge", "amount", "reason")}
        | {"vat_category": row.vat_category, "vat_rate": row.vat_rate}
        for row in invoice.allowance_charges.all()
    ]
    return invoice_create(
        company=invoice.company,
        customer=invoice.customer,
        lines=lines,
        kind=invoice.kind,
        allowance_charges=charges,
        actor=actor,
        nature=invoice.nature,
        currency=invoice.currency,
        payment_terms=invoice.payment_terms,
        notes=invoice.notes,
    )


def _series_fields(company: Company, *, name: str, pattern: str, exclude=None) -> tuple[str, str]:
    """A checked series name and pattern. Two series of a company may not share a
    pattern (even with another {SEQ} width): their numbers would collide."""
    import re

    name = (name or "").strip()
    if not name or len(name) > Series._meta.get_field("name").max_length:
        raise ValidationError("A series needs a name of at most 50 characters.", field="name")
    pattern = numbering.validate_pattern((pattern or "").strip())
    if len(pattern) > Series._meta.get_field("pattern").max_length:
        raise ValidationError("A pattern is at most 60 characters.", field="pattern")

    def shape(text: str) -> str:
        return re.sub(r"\{SEQ(:0\d+)?\}", "{SEQ}", text)

    others = Series.objects.for_company(company).exclude(pk=getattr(exclude, "pk", None))
    for other in others:
        if shape(other.pattern) == shape(pattern):
            raise ValidationError(
                f"The series {other.name!r} already numbers with {other.pattern!r}.",
                field="pattern",
            )
    return name, pattern


def _series_used(series: Series) -> bool:
    from solde.invoicing.models import Quote

    return (
        SeriesCounter.objects.filter(series=series, last_seq__gt=0).exists()
        or Invoice.objects.filter(series=series).exclude(number="").exists()
        or Quote.objects.filter(series=series).exclude(number="").exists()
    )


def _series_audit(series: Series) -> dict:
    return {
        "kind": series.kind,
        "name": series.name,
        "pattern": series.pattern,
        "is_default": series.is_default,
    }


def series_create(
    *, company: Company, kind: str, name: str, pattern: str, is_default: bool = False, actor=None
) -> Series:
    """A new numbering series; as the default, it numbers the next documents of its kind.

    Locks the company row, so that series changes of a company run one at a time."""
    if kind not in dict(Series.KIND_CHOICES):
        raise ValidationError(f"Unknown series kind {kind!r}.", field="kind")
    name, pattern = _series_fields(company, name=name, pattern=pattern)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        defaults = Series.objects.for_company(company).filter(kind=kind, is_default=True)
        is_default = bool(is_default) or not defaults.exists()
        if is_default:
            defaults.update(is_default=False)
        series = Series.objects.create(
            company=company, kind=kind, name=name, pattern=pattern, is_default=is_default
        )
        audit_record(
            company=company,
            actor=actor,
            action="series.create",
            obj=series,
            after=_series_audit(series),
        )
    return series


def series_update(
    *,
    series: Series,
    name: str | None = None,
    pattern: str | None = None,
    is_default: bool | None = None,
    actor=None,
) -> Series:
    """Rename a series, change its pattern while it has taken no number, or make it the
    default of its kind. Locks the company row, then the series.

    Issuing does not lock the series row, so on PostgreSQL a document issued at the very
    moment the pattern changes could still take its number under the old pattern; the
    per-company unique number keeps that from ever making a duplicate."""
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=series.company_id)
        locked = Series.objects.select_for_update().select_related("company").get(pk=series.pk)
        before = _series_audit(locked)
        new_pattern = locked.pattern if pattern is None else pattern.strip()
        if new_pattern != locked.pattern and _series_used(locked):
            raise Conflict(
                "This series has already numbered documents: its pattern can no longer "
                "change. Add a new series instead.",
                field="pattern",
            )
        locked.name, locked.pattern = _series_fields(
            locked.company,
            name=locked.name if name is None else name,
            pattern=new_pattern,
            exclude=locked,
        )
        if is_default and not locked.is_default:
            Series.objects.for_company(locked.company).filter(
                kind=locked.kind, is_default=True
            ).update(is_default=False)
            locked.is_default = True
        elif is_default is False and locked.is_default:
            raise Conflict(
                "Each kind of document needs a default series: make another one the default.",
                field="is_default",
            )
        locked.save(update_fields=["name", "pattern", "is_default"])
        audit_record(
            company=locked.company,
            actor=actor,
            action="series.update",
            obj=locked,
            before=before,
            after=_series_audit(locked),
        )
    return locked
