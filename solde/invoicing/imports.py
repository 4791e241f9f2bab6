"""Importing customers and invoices from another tool's spreadsheet.

One transaction per file: a bad row rejects the whole file (the error names the file,
line and column) and nothing is written. Importing the same file again changes
nothing: invoice numbers already present with the same amounts are skipped, and with
other amounts the file is rejected. Imported invoices arrive issued (they were
numbered by the previous tool), with their totals; a paid amount becomes a payment
allocated to the invoice, dated `payment_date` or the import date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from solde.audit.models import AuditEvent
from solde.audit.services import actor_parts, audit_record
from solde.companies.models import Company
from solde.core import clock
from solde.core.errors import InputError, SoldeError
from solde.core.money import ZERO, quantize
from solde.customers.models import Customer
from solde.customers.services import customer_create, customer_update
from solde.formats import tabular
from solde.invoicing.models import Invoice
from solde.invoicing.services import party_snapshot
from solde.payments.models import Allocation, Payment

BATCH = 2000
Progress = Callable[[int, int], None] | None


@dataclass
class ImportResult:
    kind: str
    file: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customers_created: int = 0
    payments: int = 0
    numbers: list[str] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("numbers")
        return data

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{self.rows} rows read from {self.file}: {self.created} {self.kind} {verb} "
            f"created, {self.updated} updated, {self.unchanged} already there"
        )
        if self.kind == "invoices":
            text += (
                f"; {self.customers_created} customers {verb} created, "
                f"{self.payments} payments recorded"
            )
        return text + "."


class _DryRun(Exception):
    """Raised to roll a dry run back after it has done all its checks."""


def _run(result: ImportResult, work: Callable[[], None]) -> ImportResult:
    try:
        with transaction.atomic():
            work()
            if result.dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _located(exc: SoldeError, file: str, line: int, column: str | None) -> InputError:
    if isinstance(exc, InputError):
        return exc.located(file=file)
    return InputError(exc.message, file=file, line=line, column=column or exc.field)


# -- customers ---------------------------------------------------------------------------

CUSTOMER_FIELDS = (
    "name",
    "siren",
    "vat_number",
    "email",
    "kind",
    "address",
    "postal_code",
    "city",
    "country",
    "segment",
    "payment_terms_days",
)


class CustomerIndex:
    """The company's customers by code, SIREN and name, for matching rows to them."""

    def __init__(self, company: Company):
        self.by_code, self.by_siren, self.by_name = {}, {}, {}
        for customer in Customer.objects.for_company(company):
            self.add(customer)

    def add(self, customer: Customer) -> None:
        if customer.code:
            self.by_code[customer.code.lower()] = customer
        if customer.siren:
            self.by_siren.setdefault(customer.siren, customer)
        self.by_name.setdefault(customer.name.strip().lower(), customer)

    def find(self, code: str, siren: str, name: str) -> Customer | None:
        if code:
            return self.by_code.get(code.lower())
        return self.by_siren.get(siren) if siren else self.by_name.get(name.strip().lower())


def import_customers(
    *, company: Company, path, dry_run: bool = False, actor=None, progress: Progress = None
) -> ImportResult:
    file = Path(path).name
    records = _read(tabular.read_customers, path)
    result = ImportResult("customers", file, dry_run, rows=len(records))

    def work():
        index = CustomerIndex(company)
        for done, rec in enumerate(records, 1):
            values = {name: getattr(rec, name) for name in CUSTOMER_FIELDS}
            try:
                found = index.find(rec.code, rec.siren, rec.name)
                if found is None:
                    customer = customer_create(
                        company=company,
                        code=rec.code,
                        actor=actor,
                        ibans=[rec.iban] if rec.iban else [],
                        **values,
                    )
                    index.add(customer)
                    result.created += 1
                    continue
                changes = {
                    k: v
                    for k, v in values.items()
                    if v not in ("", None) and getattr(found, k) != v
                }
                if changes:
                    customer_update(customer=found, actor=actor, **changes)
                    result.updated += 1
                else:
                    result.unchanged += 1
            except SoldeError as exc:
                raise _located(exc, file, rec.line, None) from exc
            if progress:
                progress(done, len(records))

    return _run(result, work)


# -- invoices ----------------------------------------------------------------------------


def _read(reader, path):
    try:
        return reader(path)
    except InputError as exc:
        raise exc.located(file=exc.file or Path(path).name) from exc
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc}).", file=str(path)) from exc


def _same(existing: Invoice, rec, customer: Customer | None) -> bool:
    kind = Invoice.CREDIT_NOTE if rec.kind == "credit_note" else Invoice.INVOICE
    return (
        existing.total == rec.total_incl_tax
        and existing.total_tax == rec.total_tax
        and existing.issue_date == rec.issue_date
        and existing.kind == kind
        and existing.currency == rec.currency
        and (customer is None or existing.customer_id == customer.pk)
    )


def _check_record(rec, file: str) -> None:
    if rec.kind == "credit_note" and rec.amount_paid > ZERO:
        raise InputError(
            "a paid amount on a credit note (a refund) cannot be imported; leave it empty.",
            file=file,
            line=rec.line,
            column="amount_paid",
        )
    if rec.issue_date > clock.today():
        raise InputError(
            "the issue date is in the future.", file=file, line=rec.line, column="issue_date"
        )


def _customer_for(rec, index: CustomerIndex, company, actor, result, file) -> Customer:
    customer = index.find(rec.customer_code, rec.siren, rec.customer_name)
    if customer is not None:
        return customer
    if not rec.customer_name:
        raise InputError(
            f"no customer with code {rec.customer_code!r}, and no name to create one.",
            file=file,
            line=rec.line,
            column="customer_code",
        )
    try:
        customer = customer_create(
            company=company,
            code=rec.customer_code,
            name=rec.customer_name,
            siren=rec.siren,
            actor=actor,
        )
    except SoldeError as exc:
        raise _located(exc, file, rec.line, "customer") from exc
    index.add(customer)
    result.customers_created += 1
    return customer


def _existing_numbers(company: Company, numbers: list[str]) -> dict[str, Invoice]:
    found = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for invoice in Invoice.objects.for_company(company).filter(number__in=chunk):
            found[invoice.number] = invoice
    return found


def import_invoices(
    *, company: Company, path, dry_run: bool = False, actor=None, progress: Progress = None
) -> ImportResult:
    file = Path(path).name
    records = _read(tabular.read_invoices, path)
    result = ImportResult("invoices", file, dry_run, rows=len(records))

    def work():
        index = CustomerIndex(company)
        existing = _existing_numbers(company, [rec.number for rec in records])
        seller = party_snapshot(company)
        fresh = []
        for rec in records:
            _check_record(rec, file)
            customer = _customer_for(rec, index, company, actor, result, file)
            if rec.number in existing:
                if not _same(existing[rec.number], rec, customer):
                    raise InputError(
                        f"invoice {rec.number} already exists with other amounts, date or "
                        "customer.",
                        file=file,
                        line=rec.line,
                        column="number",
                    )
                result.unchanged += 1
                continue
            fresh.append((rec, customer))
        for start in range(0, len(fresh), BATCH):
            _create_batch(company, fresh[start : start + BATCH], seller, actor, result)
            if progress:
                progress(min(start + BATCH, len(fresh)), len(fresh))
        audit_record(
            company=company,
            actor=actor,
            action="import.invoices",
            obj=company,
            after={"file": file, **result.as_dict()},
        )

    return _run(result, work)


def _create_batch(company, batch, seller, actor, result: ImportResult) -> None:
    """Bulk-create a batch of issued invoices with their payments, allocations and audit."""
    today = clock.today()
    now = clock.now()
    user, label = actor_parts(actor)
    invoices = []
    for rec, customer in batch:
        credit = rec.kind == "credit_note"
        paid = quantize(rec.amount_paid, rec.currency)
        total = quantize(rec.total_incl_tax, rec.currency)
        status = (
            Invoice.OPEN
            if paid == ZERO
            else Invoice.PAID
            if paid == total
            else Invoice.PARTIALLY_PAID
        )
        invoices.append(
            Invoice(
                company=company,
                customer=customer,
                number=rec.number,
                currency=rec.currency,
                kind=Invoice.CREDIT_NOTE if credit else Invoice.INVOICE,
                state=Invoice.ISSUED,
                origin="import",
                issue_date=rec.issue_date,
                due_date=rec.due_date,
                sale_date=rec.issue_date,
                total_excl_tax=rec.total_excl_tax,
                total_tax=rec.total_tax,
                total=total,
                balance=total - paid,
                status=status,
                # The date of the allocation written below, as refresh_invoice sets it.
                paid_on=max(rec.payment_date or today, rec.issue_date)
                if status == Invoice.PAID
                else None,
                seller_snapshot=seller,
                buyer_snapshot=party_snapshot(customer),
                issued_at=now,
            )
        )
    Invoice.objects.bulk_create(invoices, batch_size=500)
    if any(invoice.pk is None for invoice in invoices):  # pragma: no cover - old SQLite
        by_number = dict(
            Invoice.objects.for_company(company)
            .filter(number__in=[i.number for i in invoices])
            .values_list("number", "pk")
        )
        for invoice in invoices:
            invoice.pk = invoice.id = by_number[invoice.number]
    payments, pairs = [], []
    for (rec, customer), invoice in zip(batch, invoices, strict=True):
        paid = quantize(rec.amount_paid, rec.currency)
        if paid > ZERO:
            day = max(rec.payment_date or today, rec.issue_date)
            payments.append(
                Payment(
                    company=company,
                    customer=customer,
                    date=day,
                    amount=paid,
                    currency=rec.currency,
                    method="unknown",
                    source="import",
                    unallocated=ZERO,
                    reference=f"import {rec.number}",
                )
            )
            pairs.append(invoice)
    Payment.objects.bulk_create(payments, batch_size=500)
    Allocation.objects.bulk_create(
        [
            Allocation(
                company=company,
                kind=Allocation.PAYMENT,
                invoice=invoice,
                customer_id=invoice.customer_id,
                payment=payment,
                amount=payment.amount,
                currency=payment.currency,
                date=payment.date,
                how="manual",
            )
            for payment, invoice in zip(payments, pairs, strict=True)
        ],
        batch_size=500,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                company=company,
                at=now,
                actor=user,
                actor_label=label,
                action="invoice.import",
                object_type="invoice",
                object_id=invoice.public_id,
                after={
                    "number": invoice.number,
                    "total": str(invoice.total),
                    "paid": str(invoice.total - invoice.balance),
                },
            )
            for invoice in invoices
        ],
        batch_size=1000,
    )
    result.created += len(invoices)
    result.payments += len(payments)
    result.numbers.extend(invoice.number for invoice in invoices)
