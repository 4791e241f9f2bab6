"""Recording many payments at once (bank matching): the same rules as `payment_record`,
in bulk, so that a year of statements is applied in seconds.

One transaction for the whole batch. The invoices are locked in primary-key order and
their balances read again under the lock: an entry that no longer fits (the invoice was
paid meanwhile, by a person or another worker) is left out and reported, never forced.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from solde.audit.models import AuditEvent
from solde.audit.services import actor_parts
from solde.bulk import among, insert_rows, update_rows
from solde.companies.models import Company
from solde.core import clock
from solde.core.money import ZERO
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation, Payment

LOCK_CHUNK = 500
SETTLEMENT_GAP = "Écart de règlement"


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """One payment to record, with the allocations (and settlement gaps) it makes."""

    key: str  # the caller's, to tell the entries apart in the result
    customer_id: int
    date: date
    amount: Decimal
    currency: str
    allocations: tuple[tuple[int, Decimal], ...] = ()  # (invoice id, amount)
    write_offs: tuple[tuple[int, Decimal], ...] = ()  # gaps within the company's tolerance
    payer_name: str = ""
    payer_iban: str = ""
    reference: str = ""
    method: str = "transfer"
    source: str = "bank"
    how: str = "auto"


@dataclass(frozen=True, slots=True)
class _Open:
    customer_id: int
    currency: str
    issue_date: date
    total: Decimal


def _lock(company: Company, ids: Sequence[int]) -> tuple[dict[int, _Open], dict[int, Decimal]]:
    """Lock the receivable invoices among `ids` (pk order); their facts and fresh balances."""
    facts, balances = {}, {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), LOCK_CHUNK):
        rows = (
            Invoice.objects.for_company(company)
            .receivable()
            .select_for_update()
            .filter(pk__in=among(ordered[start : start + LOCK_CHUNK]))
            .order_by("pk")
            .values_list("pk", "customer_id", "currency", "issue_date", "total", "balance")
        )
        for pk, customer_id, currency, issue_date, total, balance in rows:
            facts[pk] = _Open(customer_id, currency, issue_date, total)
            balances[pk] = balance
    return facts, balances


def _fits(
    entry: PaymentEntry, facts: dict[int, _Open], left: dict[int, Decimal], tolerance
) -> bool:
    """Whether the entry still fits the balances under lock; if so, take its share from `left`."""
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, amount in entry.allocations:
        wanted[invoice_id] += amount
    gaps = dict(entry.write_offs)
    used = sum(wanted.values(), ZERO)
    if used > entry.amount or any(gap > tolerance for gap in gaps.values()):
        return False
    for invoice_id in wanted.keys() | gaps.keys():
        fact = facts.get(invoice_id)
        if fact is None or fact.customer_id != entry.customer_id or fact.currency != entry.currency:
            return False
        need = wanted.get(invoice_id, ZERO) + gaps.get(invoice_id, ZERO)
        if need <= ZERO or need > left[invoice_id]:
            return False
    for invoice_id in wanted.keys() | gaps.keys():
        left[invoice_id] -= wanted.get(invoice_id, ZERO) + gaps.get(invoice_id, ZERO)
    return True


def payments_record_batch(
    *, company: Company, entries: Sequence[PaymentEntry], actor=None
) -> dict[str, int | None]:
    """Record the entries' payments and allocations; the payment's id for each key, or None
    when that entry no longer fits its invoices' balances (nothing of it is written).

    Locks every invoice the batch touches, in pk order. Payments dated in the future are
    refused as `payment_record` refuses them.
    """
    today = clock.today()
    with transaction.atomic():
        ids = [i for e in entries for i, _ in (*e.allocations, *e.write_offs)]
        facts, left = _lock(company, ids)
        before = dict(left)
        kept = [
            e
            for e in entries
            if e.amount > ZERO
            and e.date <= today
            and _fits(e, facts, left, company.write_off_tolerance)
        ]
        payments = _create_payments(company, kept)
        _create_allocations(company, kept, payments, facts)
        _refresh_invoices(facts, before, left, _last_dates(kept, facts))
        _audit(company, actor, kept, payments)
    result: dict[str, int | None] = dict.fromkeys((e.key for e in entries), None)
    result.update((key, pk) for key, (pk, _) in payments.items())
    return result


def _create_payments(
    company: Company, entries: Sequence[PaymentEntry]
) -> dict[str, tuple[int, uuid.UUID]]:
    public = [uuid.uuid4() for _ in entries]
    ids = insert_rows(
        Payment,
        [
            {
                "company_id": company.pk,
                "customer_id": e.customer_id,
                "date": e.date,
                "amount": e.amount,
                "currency": e.currency,
                "method": e.method,
                "payer_name": e.payer_name[:200],
                "payer_iban": e.payer_iban[:34],
                "reference": e.reference[:200],
                "source": e.source,
                "unallocated": e.amount - sum((a for _, a in e.allocations), ZERO),
                "public_id": public_id,
            }
            for e, public_id in zip(entries, public, strict=True)
        ],
        returning=True,
    )
    return {e.key: pair for e, pair in zip(entries, zip(ids, public, strict=True), strict=True)}


def _create_allocations(company, entries, payments, facts) -> None:
    rows = []
    for entry in entries:
        for invoice_id, amount, kind in [
            *((i, a, Allocation.PAYMENT) for i, a in entry.allocations),
            *((i, a, Allocation.WRITE_OFF) for i, a in entry.write_offs),
        ]:
            fact = facts[invoice_id]
            rows.append(
                {
                    "company_id": company.pk,
                    "kind": kind,
                    "invoice_id": invoice_id,
                    "customer_id": fact.customer_id,
                    "payment_id": payments[entry.key][0] if kind == Allocation.PAYMENT else None,
                    "amount": amount,
                    "currency": entry.currency,
                    "date": max(entry.date, fact.issue_date),
                    "how": entry.how,
                    "reason": SETTLEMENT_GAP if kind == Allocation.WRITE_OFF else "",
                }
            )
    insert_rows(Allocation, rows)


def _last_dates(entries, facts) -> dict[int, date]:
    """The latest date of the allocations the entries make, per invoice."""
    last: dict[int, date] = {}
    for entry in entries:
        for invoice_id, _ in (*entry.allocations, *entry.write_offs):
            day = max(entry.date, facts[invoice_id].issue_date)
            last[invoice_id] = max(day, last.get(invoice_id, day))
    return last


def _refresh_invoices(facts, before, left, new_dates) -> None:
    """Write the balance, status and paid-on caches of the invoices whose balance moved.

    An invoice paid off is paid on its latest allocation's date: the batch's own, unless
    it was partly settled before (then the database says which is the latest)."""
    moved = [pk for pk in facts if left[pk] != before[pk]]
    paid = [pk for pk in moved if left[pk] == ZERO and before[pk] != facts[pk].total]
    paid_on = {pk: new_dates[pk] for pk in moved if left[pk] == ZERO}
    for start in range(0, len(paid), LOCK_CHUNK):
        paid_on.update(
            Allocation.objects.active()
            .filter(invoice_id__in=among(paid[start : start + LOCK_CHUNK]))
            .values("invoice_id")
            .annotate(last=Max("date"))
            .values_list("invoice_id", "last")
        )
    update_rows(
        Invoice,
        ["balance", "status", "paid_on"],
        [
            (
                pk,
                [
                    left[pk],
                    Invoice.PAID if left[pk] == ZERO else Invoice.PARTIALLY_PAID,
                    paid_on.get(pk),
                ],
            )
            for pk in moved
        ],
    )


def _audit(company, actor, entries, payments) -> None:
    """One event per payment, naming the allocations it made (a bank run writes tens of
    thousands: one row each is enough to say who allocated what, when)."""
    user, label = actor_parts(actor)
    now = clock.now()
    insert_rows(
        AuditEvent,
        [
            {
                "company_id": company.pk,
                "at": now,
                "actor_id": user.pk if user else None,
                "actor_label": label,
                "action": "payment.record",
                "object_type": "payment",
                "object_id": payments[e.key][1],
                "before": None,
                "after": {
                    "amount": str(e.amount),
                    "currency": e.currency,
                    "date": e.date.isoformat(),
                    "customer_id": e.customer_id,
                    "reference": e.reference,
                    "how": e.how,
                    "allocations": [[i, str(a)] for i, a in e.allocations],
                    "write_offs": [[i, str(a)] for i, a in e.write_offs],
                },
            }
            for e in entries
        ],
    )
