"""What a person decides about a bank line, and what Solde learns from it.

Accepting a suggestion, picking other invoices, splitting, recording the money on
account, ignoring a line, undoing a match: each is one transaction that locks the line.
Every confirmation or correction teaches the matcher who the payer is (its IBAN and its
name as the bank writes it); ignoring a line as "never a customer" teaches that too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from solde.audit.services import audit_record
from solde.banking.matching import LINE_FIELDS, credit_of
from solde.banking.models import BankLine, PayerRule, ReferenceHabit
from solde.core import clock
from solde.core.errors import Conflict, ValidationError
from solde.core.matching import lesson_from_match, normalize_iban, normalize_name
from solde.core.money import ZERO, money
from solde.customers.models import Customer
from solde.customers.services import customer_add_iban
from solde.invoicing.models import Invoice
from solde.payments.batch import PaymentEntry, payments_record_batch
from solde.payments.models import Payment
from solde.payments.services import payment_cancel


def _lock(line: BankLine) -> BankLine:
    line = BankLine.objects.select_for_update().get(pk=line.pk)
    if line.amount <= ZERO:
        raise Conflict("A debit never pays a customer invoice.")
    return line


def _open(line: BankLine) -> None:
    if line.status not in BankLine.OPEN_STATUSES:
        raise Conflict(f"This line is already {line.status}; undo it first.")


def learn_payer(line: BankLine, customer: Customer, invoice_numbers=()) -> None:
    """Remember the line's IBAN, name and reference habits as this customer's."""
    lesson = lesson_from_match(
        credit_of(_line_fields(line)), customer_id=customer.pk, invoice_numbers=invoice_numbers
    )
    if lesson.iban:
        with contextlib.suppress(ValidationError):  # an account id that is no IBAN
            customer_add_iban(customer=customer, iban=lesson.iban)
    if lesson.alias:
        PayerRule.objects.update_or_create(
            company=line.company,
            kind=PayerRule.NAME,
            value=lesson.alias[:200],
            defaults={"customer": customer, "never_customer": False, "learned_from": line},
        )
    for token in lesson.habits:
        habit, created = ReferenceHabit.objects.get_or_create(
            company=line.company, customer=customer, token=token[:60]
        )
        if not created:
            ReferenceHabit.objects.filter(pk=habit.pk).update(seen=F("seen") + 1)


def _line_fields(line: BankLine) -> dict:
    return {name: getattr(line, name) for name in LINE_FIELDS}


def _record(line: BankLine, customer: Customer, allocations, write_offs, how: str, actor):
    entry = PaymentEntry(
        key=str(line.pk),
        customer_id=customer.pk,
        date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        allocations=tuple(allocations),
        write_offs=tuple(write_offs),
        payer_name=line.counterparty_name,
        payer_iban=line.counterparty_iban,
        reference=line.bank_ref or line.end_to_end_id,
        how=how,
    )
    paid = payments_record_batch(company=line.company, entries=[entry], actor=actor)[entry.key]
    if paid is None:
        raise Conflict(
            "These invoices no longer have the balances this match needs "
            "(paid meanwhile?): match the line again."
        )
    payment = Payment.objects.get(pk=paid)
    line.status, line.how, line.payment, line.matched_at = (
        BankLine.MATCHED,
        how,
        payment,
        clock.now(),
    )
    line.save(update_fields=["status", "how", "payment", "matched_at"])
    numbers = Invoice.objects.filter(pk__in=[pk for pk, _ in allocations]).values_list(
        "number", flat=True
    )
    learn_payer(line, customer, numbers)
    audit_record(
        company=line.company,
        actor=actor,
        action=f"bank_line.{how}",
        obj=line,
        after={"payment": str(payment.public_id), "customer": customer.code, "amount": line.amount},
    )
    return line


def line_accept(*, line: BankLine, index: int = 0, actor=None) -> BankLine:
    """Accept the line's suggestion number `index` (0: the best) as it stands."""
    with transaction.atomic():
        line = _lock(line)
        _open(line)
        if not 0 <= index < len(line.proposals):
            raise ValidationError("This line has no such suggestion.", field="index")
        doc = line.proposals[index]
        if doc["customer"] is None:
            raise Conflict("This suggestion names no customer: pick the invoices.")
        customer = Customer.objects.for_company(line.company).get(pk=doc["customer"])
        allocations = [(pk, Decimal(a)) for pk, a in doc["allocations"]]
        write_offs = [(pk, Decimal(a)) for pk, a in doc.get("write_off", [])]
        return _record(line, customer, allocations, write_offs, "confirmed", actor)


def line_allocate(
    *,
    line: BankLine,
    customer: Customer,
    allocations: Sequence[tuple[Invoice, object]] = (),
    actor=None,
) -> BankLine:
    """Match the line by hand: these invoices with these amounts (a split), the rest on
    account as customer credit; with no invoice at all, the whole amount on account."""
    with transaction.atomic():
        line = _lock(line)
        _open(line)
        if customer.company_id != line.company_id:
            raise ValidationError("Unknown customer.", field="customer")
        pairs = []
        for invoice, amount in allocations:
            if invoice.company_id != line.company_id or invoice.customer_id != customer.pk:
                raise ValidationError(
                    f"{invoice} is not an invoice of {customer}.", field="invoice"
                )
            value = money(amount, line.currency, field="amount")
            fresh = Invoice.objects.get(pk=invoice.pk)
            if value <= ZERO or value > fresh.balance:
                raise Conflict(
                    f"Invoice {fresh.number} has {fresh.balance} {fresh.currency} left to pay.",
                    field="amount",
                )
            pairs.append((invoice.pk, value))
        if sum((a for _, a in pairs), ZERO) > line.amount:
            raise ValidationError(
                f"The allocations exceed the line's {line.amount} {line.currency}.", field="amount"
            )
        return _record(line, customer, pairs, (), "manual", actor)


def line_ignore(
    *, line: BankLine, reason: str = "", never_customer: bool = False, actor=None
) -> BankLine:
    """Not a customer payment (a refund, a transfer between own accounts…); with
    `never_customer`, lines from this payer are ignored from now on."""
    with transaction.atomic():
        line = _lock(line)
        _open(line)
        line.status, line.ignore_reason = BankLine.IGNORED, reason.strip()[:200]
        line.save(update_fields=["status", "ignore_reason"])
        if never_customer:
            _learn_never(line)
        audit_record(
            company=line.company,
            actor=actor,
            action="bank_line.ignore",
            obj=line,
            after={"reason": line.ignore_reason, "never_customer": never_customer},
        )
    return line


def _learn_never(line: BankLine) -> None:
    """Mark the line's payer (its IBAN and its name) as never a customer."""
    keys = [
        (PayerRule.IBAN, normalize_iban(line.counterparty_iban)),
        (PayerRule.NAME, normalize_name(line.counterparty_name)),
    ]
    for kind, value in keys:
        if value:
            PayerRule.objects.update_or_create(
                company=line.company,
                kind=kind,
                value=value[:200],
                defaults={"customer": None, "never_customer": True, "learned_from": line},
            )


def line_undo(*, line: BankLine, reason: str = "", actor=None) -> BankLine:
    """Put a matched or ignored line back in the queue; its payment is cancelled, so its
    allocations are undone from today and balances at earlier dates stay as they were."""
    with transaction.atomic():
        line = _lock(line)
        if line.status in BankLine.OPEN_STATUSES:
            raise Conflict("This line is not matched nor ignored.")
        if line.payment_id:
            payment_cancel(
                payment=line.payment, reason=reason or "Rapprochement annulé", actor=actor
            )
        previous = line.status
        line.status, line.how, line.payment, line.matched_at, line.ignore_reason = (
            BankLine.SUGGESTED if line.proposals else BankLine.UNMATCHED,
            "",
            None,
            None,
            "",
        )
        line.save(update_fields=["status", "how", "payment", "matched_at", "ignore_reason"])
        audit_record(
            company=line.company,
            actor=actor,
            action="bank_line.undo",
            obj=line,
            after={"was": previous, "reason": reason},
        )
    return line
