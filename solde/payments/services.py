"""Use cases for payments and allocations: the only code that moves a balance.

Each function is one transaction. Invoices are locked (SELECT ... FOR UPDATE, in
primary-key order so that concurrent writers cannot deadlock) before their balance
is read, so no allocation can go past a balance or a payment's amount.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum

from solde.audit.services import actor_parts, audit_record
from solde.companies.models import Company
from solde.core import balances, clock
from solde.core.errors import Conflict, ValidationError
from solde.core.money import ZERO, check_currency, format_amount, money
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment

METHODS = {choice for choice, _ in Payment.METHOD_CHOICES}


def _lock_invoices(invoices: list[Invoice]) -> list[Invoice]:
    """Lock the invoices in pk order; return fresh rows in the caller's order."""
    ids = [invoice.pk for invoice in invoices]
    locked = {
        row.pk: row for row in Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    return [locked[pk] for pk in ids]


def _settlements(invoice: Invoice) -> list[balances.Settlement]:
    return [
        balances.Settlement(
            amount=a.amount, date=a.date, kind=a.kind, undone_on=a.undone_on, bad_debt=a.bad_debt
        )
        for a in Allocation.objects.filter(invoice=invoice)
    ]


def refresh_invoice(invoice: Invoice) -> Invoice:
    """Rebuild the invoice's balance and status caches from its allocations.

    Credit notes are documents too: their balance is what is left to apply.
    """
    if invoice.kind == Invoice.CREDIT_NOTE:
        applied = (
            Allocation.objects.active().filter(credit_note=invoice).aggregate(s=Sum("amount"))["s"]
            or ZERO
        )
        invoice.balance = invoice.total - applied
        invoice.status = Invoice.PAID if invoice.balance == ZERO else Invoice.OPEN
        invoice.paid_on = None
    else:
        today = clock.today()
        settlements = _settlements(invoice)
        far = max([today] + [s.date for s in settlements])
        invoice.balance = balances.balance_at(invoice.total, settlements, far)
        invoice.status = balances.payment_status(invoice.total, settlements, far)
        invoice.paid_on = (
            Allocation.objects.active().filter(invoice=invoice).aggregate(d=Max("date"))["d"]
            if invoice.balance == ZERO
            else None
        )
    invoice.save(update_fields=["balance", "status", "paid_on"])
    return invoice


def refresh_payment(payment: Payment) -> Payment:
    used = Allocation.objects.active().filter(payment=payment).aggregate(s=Sum("amount"))["s"]
    payment.unallocated = ZERO if payment.cancelled_on else payment.amount - (used or ZERO)
    payment.save(update_fields=["unallocated"])
    return payment


def _state(invoice: Invoice) -> dict:
    """The invoice's balance and status as the audit trail records them."""
    return {"balance": format_amount(invoice.balance, invoice.currency), "status": invoice.status}


def _allocate(
    *,
    source,
    kind: str,
    invoice: Invoice,
    amount: Decimal,
    day: date,
    actor,
    how: str = "manual",
    reason: str = "",
    bad_debt: bool = False,
) -> Allocation:
    """Record one allocation on a locked invoice; the caller checked the amounts."""
    allocation = Allocation.objects.create(
        company=invoice.company,
        kind=kind,
        invoice=invoice,
        customer_id=invoice.customer_id,
        payment=source if kind == Allocation.PAYMENT else None,
        credit_note=source if kind == Allocation.CREDIT_NOTE else None,
        amount=amount,
        currency=invoice.currency,
        date=day,
        how=how,
        reason=reason,
        bad_debt=bad_debt,
    )
    before = _state(invoice)
    refresh_invoice(invoice)
    audit_record(
        company=invoice.company,
        actor=actor,
        action=f"allocation.{kind}",
        obj=allocation,
        before=before,
        after={
            "invoice": invoice.number,
            "amount": amount,
            "date": day,
            **_state(invoice),
        },
    )
    return allocation


def _check_receivable(invoice: Invoice, currency: str, customer_id: int | None) -> None:
    if invoice.is_draft or invoice.kind == Invoice.CREDIT_NOTE:
        raise ValidationError(f"{invoice} is not an issued invoice.", field="invoice")
    if invoice.currency != currency:
        raise ValidationError(
            f"Invoice {invoice.number} is in {invoice.currency}, not {currency}.", field="currency"
        )
    if customer_id is not None and invoice.customer_id != customer_id:
        raise ValidationError(
            f"Invoice {invoice.number} belongs to another customer.", field="invoice"
        )


def payment_record(
    *,
    company: Company,
    amount,
    date: date,
    customer: Customer | None = None,
    invoices: list[Invoice] = (),
    currency: str | None = None,
    method: str = "transfer",
    payer_name: str = "",
    payer_iban: str = "",
    reference: str = "",
    source: str = "manual",
    how: str = "manual",
    write_off_difference: bool = False,
    actor=None,
) -> Payment:
    """Record a payment and allocate it to the invoices given, in their order.

    Each invoice takes up to its balance; what is left stays on the payment as
    customer credit. With `write_off_difference`, a remaining balance within the
    company's tolerance on the last invoice is written off as a settlement gap.
    Locks the invoices.
    """
    currency = check_currency(currency or company.currency)
    amount = money(amount, currency)
    if amount <= ZERO:
        raise ValidationError("A payment amount must be positive.", field="amount")
    if date > clock.today():
        raise ValidationError("A payment cannot be dated in the future.", field="date")
    if method not in METHODS:
        raise ValidationError(f"Unknown payment method {method!r}.", field="method")
    invoices = list(invoices)
    if customer is None and invoices:
        customer = invoices[0].customer
    if customer is None:
        raise ValidationError("Say which customer paid, or which invoices.", field="customer")
    if len({invoice.pk for invoice in invoices}) != len(invoices):
        raise ValidationError("An invoice is listed twice.", field="invoice")
    with transaction.atomic():
        locked = _lock_invoices(invoices)
        for invoice in locked:
            _check_receivable(invoice, currency, customer.pk)
        payment = Payment.objects.create(
            company=company,
            customer=customer,
            date=date,
            amount=amount,
            currency=currency,
            method=method,
            payer_name=payer_name,
            payer_iban=payer_iban,
            reference=reference,
            source=source,
            unallocated=amount,
        )
        audit_record(
            company=company,
            actor=actor,
            action="payment.record",
            obj=payment,
            after={
                "amount": amount,
                "currency": currency,
                "date": date,
                "customer": customer.code,
                "reference": reference,
            },
        )
        shares, _ = balances.spread(amount, [(inv, inv.balance) for inv in locked])
        for invoice, share in shares:
            _allocate(
                source=payment,
                kind=Allocation.PAYMENT,
                invoice=invoice,
                amount=share,
                day=max(date, invoice.issue_date),
                actor=actor,
                how=how,
            )
        if write_off_difference and locked:
            last = locked[-1]
            if ZERO < last.balance <= company.write_off_tolerance:
                _write_off(
                    last,
                    last.balance,
                    "Écart de règlement",
                    False,
                    max(date, last.issue_date),
                    actor,
                )
        refresh_payment(payment)
    return payment


def allocation_create(
    *,
    payment: Payment,
    invoice: Invoice,
    amount=None,
    day: date | None = None,
    how: str = "manual",
    actor=None,
) -> Allocation:
    """Use a payment's unallocated amount (customer credit) on an invoice.

    Locks the payment, then the invoice. Dated today by default: the balance at
    earlier dates stays what it was.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.cancelled_on:
            raise Conflict("This payment is cancelled.")
        (invoice,) = _lock_invoices([invoice])
        _check_receivable(invoice, payment.currency, payment.customer_id)
        refresh_payment(payment)
        amount = _share(amount, payment.unallocated, invoice, payment.currency, "payment")
        day = max(day or clock.today(), payment.date, invoice.issue_date)
        allocation = _allocate(
            source=payment,
            kind=Allocation.PAYMENT,
            invoice=invoice,
            amount=amount,
            day=day,
            actor=actor,
            how=how,
        )
        refresh_payment(payment)
    return allocation


def _share(amount, available: Decimal, invoice: Invoice, currency: str, what: str) -> Decimal:
    """The amount to allocate: as asked, or as much as both sides allow."""
    amount = min(available, invoice.balance) if amount is None else money(amount, currency)
    if amount <= ZERO:
        raise ValidationError("Nothing to allocate: the amount must be positive.", field="amount")
    if amount > available:
        raise Conflict(
            f"Only {available} {currency} of this {what} is left to allocate.", field="amount"
        )
    if amount > invoice.balance:
        raise Conflict(
            f"Invoice {invoice.number} has only {invoice.balance} {currency} left to pay.",
            field="amount",
        )
    return amount


def credit_note_apply(
    *, credit_note: Invoice, invoice: Invoice, amount=None, actor=None, day: date | None = None
) -> Allocation:
    """Apply an issued credit note to an invoice of the same customer. Locks both."""
    if credit_note.kind != Invoice.CREDIT_NOTE or credit_note.is_draft:
        raise ValidationError("Only an issued credit note can be applied.", field="credit_note")
    with transaction.atomic():
        note, invoice = _lock_invoices([credit_note, invoice])
        _check_receivable(invoice, note.currency, note.customer_id)
        refresh_invoice(note)
        amount = _share(amount, note.balance, invoice, note.currency, "credit note")
        day = max(day or clock.today(), note.issue_date, invoice.issue_date)
        allocation = _allocate(
            source=note,
            kind=Allocation.CREDIT_NOTE,
            invoice=invoice,
            amount=amount,
            day=day,
            actor=actor,
        )
        refresh_invoice(note)
    return allocation


def _write_off(invoice, amount, reason, bad_debt, day, actor) -> Allocation:
    return _allocate(
        source=None,
        kind=Allocation.WRITE_OFF,
        invoice=invoice,
        amount=amount,
        day=day,
        actor=actor,
        reason=reason,
        bad_debt=bad_debt,
    )


def invoice_write_off(
    *,
    invoice: Invoice,
    reason: str,
    amount=None,
    bad_debt: bool = False,
    actor=None,
    day: date | None = None,
) -> Allocation:
    """Write off what is left (or `amount`) of an invoice, with a reason.

    A settlement gap must be within the company's tolerance; a bad debt (creance
    irrecouvrable) may be any amount and marks the invoice written off. Locks the invoice.
    """
    if not reason.strip():
        raise ValidationError("A write-off needs a reason.", field="reason")
    with transaction.atomic():
        (invoice,) = _lock_invoices([invoice])
        _check_receivable(invoice, invoice.currency, None)
        amount = _share(amount, invoice.balance, invoice, invoice.currency, "balance")
        tolerance = invoice.company.write_off_tolerance
        if not bad_debt and amount > tolerance:
            raise Conflict(
                f"{amount} {invoice.currency} is over the write-off tolerance "
                f"({tolerance}); record it as a bad debt instead.",
                field="amount",
            )
        day = max(day or clock.today(), invoice.issue_date)
        return _write_off(invoice, amount, reason.strip(), bad_debt, day, actor)


def allocation_undo(*, allocation: Allocation, reason: str = "", actor=None) -> Allocation:
    """Undo an allocation from today on; it stays recorded, so past balances keep it.

    Locks the invoice, then the allocation.
    """
    user, _ = actor_parts(actor)
    with transaction.atomic():
        (invoice,) = _lock_invoices([allocation.invoice])
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.undone_on is not None:
            raise Conflict("This allocation is already undone.")
        today = clock.today()
        allocation.undone_on = max(today, allocation.date)
        allocation.undone_at = clock.now()
        allocation.undone_by = user
        allocation.undo_reason = reason
        allocation.save(update_fields=["undone_on", "undone_at", "undone_by", "undo_reason"])
        before = _state(invoice)
        refresh_invoice(invoice)
        if allocation.payment_id:
            refresh_payment(Payment.objects.select_for_update().get(pk=allocation.payment_id))
        if allocation.credit_note_id:
            refresh_invoice(Invoice.objects.get(pk=allocation.credit_note_id))
        audit_record(
            company=invoice.company,
            actor=actor,
            action="allocation.undo",
            obj=allocation,
            before=before,
            after={
                **_state(invoice),
                "reason": reason,
                "undone_on": allocation.undone_on,
            },
        )
    return allocation


def payment_cancel(*, payment: Payment, reason: str, actor=None) -> Payment:
    """Cancel a payment (bounced, recorded by mistake): undo its allocations from today."""
    if not reason.strip():
        raise ValidationError("Say why the payment is cancelled.", field="reason")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.cancelled_on:
            raise Conflict("This payment is already cancelled.")
        for allocation in payment.allocations.filter(undone_on__isnull=True):
            allocation_undo(allocation=allocation, reason=reason, actor=actor)
        payment.cancelled_on = max(clock.today(), payment.date)
        payment.cancel_reason = reason
        payment.save(update_fields=["cancelled_on", "cancel_reason"])
        refresh_payment(payment)
        audit_record(
            company=payment.company,
            actor=actor,
            action="payment.cancel",
            obj=payment,
            after={"reason": reason, "cancelled_on": payment.cancelled_on},
        )
    return payment
