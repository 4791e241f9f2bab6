"""Feeding the matching engine (solde.core.matching) from the database, and applying it.

The engine is pure: it gets the open invoices, the customers as payers, what people
taught it, and the credits; it returns a decision per line. Here the automatic ones
become payments (payments.batch: invoices locked, balances read again), the others
suggestions that wait in the review queue. Lines are claimed under a row lock, so two
workers matching at once never record a payment twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from solde.banking.models import BankLine, PayerRule, ReferenceHabit
from solde.banking.pipeline import decided_chunks
from solde.bulk import among, update_rows
from solde.companies.models import Company
from solde.core import clock
from solde.core.matching import (
    Credit,
    Decision,
    Knowledge,
    Matcher,
    OpenInvoice,
    Payer,
    Proposal,
    Settings,
)
from solde.customers.models import Customer, CustomerIban
from solde.invoicing.models import Invoice
from solde.payments.batch import PaymentEntry, payments_record_batch

CHUNK = 5000
IGNORED_PAYER = "payer known not to be a customer"
LINE_FIELDS = (
    "pk",
    "amount",
    "currency",
    "booking_date",
    "counterparty_name",
    "counterparty_iban",
    "remittance",
    "structured_ref",
    "end_to_end_id",
    "bank_ref",
)


@dataclass
class MatchOutcome:
    auto: int = 0
    suggested: int = 0
    unmatched: int = 0
    ignored: int = 0

    def as_dict(self) -> dict:
        return {
            "auto_matched": self.auto,
            "suggested": self.suggested,
            "unmatched": self.unmatched,
            "ignored": self.ignored,
        }


def open_invoices(company: Company) -> Iterable[OpenInvoice]:
    rows = (
        Invoice.objects.for_company(company)
        .receivable()
        .filter(status__in=(Invoice.OPEN, Invoice.PARTIALLY_PAID), balance__gt=0)
        .values_list(
            "pk", "number", "customer_id", "balance", "total", "currency", "issue_date", "due_date"
        )
        .iterator(chunk_size=5000)
    )
    for pk, number, customer_id, balance, total, currency, issue_date, due_date in rows:
        yield OpenInvoice(
            id=pk,
            number=number,
            customer_id=customer_id,
            balance=balance,
            total=total,
            currency=currency,
            issue_date=issue_date,
            due_date=due_date,
        )


def payers(company: Company) -> list[Payer]:
    ibans, aliases, habits = defaultdict(set), defaultdict(set), defaultdict(set)
    for customer_id, iban in CustomerIban.objects.filter(customer__company=company).values_list(
        "customer_id", "iban"
    ):
        ibans[customer_id].add(iban)
    rules = PayerRule.objects.for_company(company).filter(customer__isnull=False)
    for kind, value, customer_id in rules.values_list("kind", "value", "customer_id"):
        (ibans if kind == PayerRule.IBAN else aliases)[customer_id].add(value)
    for customer_id, token in ReferenceHabit.objects.for_company(company).values_list(
        "customer_id", "token"
    ):
        habits[customer_id].add(token)
    return [
        Payer(
            customer_id=pk,
            name=name,
            code=code,
            ibans=frozenset(ibans[pk]),
            aliases=frozenset(aliases[pk]),
            habits=frozenset(habits[pk]),
        )
        for pk, name, code in Customer.objects.for_company(company).values_list(
            "pk", "name", "code"
        )
    ]


def knowledge(company: Company) -> Knowledge:
    never = PayerRule.objects.for_company(company).filter(never_customer=True)
    return Knowledge(not_customers=frozenset(never.values_list("value", flat=True)))


def matcher_maker(company: Company) -> Callable[[], Matcher]:
    """What the engine is built from, read now; the building left to the caller's process."""
    return partial(
        Matcher,
        list(open_invoices(company)),
        payers(company),
        knowledge(company),
        Settings(threshold=company.match_threshold, tolerance=company.write_off_tolerance),
    )


def credit_of(row: dict) -> Credit:
    return Credit(
        key=str(row["pk"]),
        amount=row["amount"],
        currency=row["currency"],
        date=row["booking_date"],
        counterparty_name=row["counterparty_name"],
        counterparty_iban=row["counterparty_iban"],
        remittance=row["remittance"],
        structured_ref=row["structured_ref"],
        end_to_end_id=row["end_to_end_id"],
    )


def proposal_doc(proposal: Proposal) -> dict:
    """A proposal as the line keeps it (JSON): amounts as strings, reasons by code."""
    return {
        "customer": proposal.customer_id,
        "allocations": [[pk, f"{amount:f}"] for pk, amount in proposal.allocations],
        "write_off": [[pk, f"{amount:f}"] for pk, amount in proposal.write_off],
        "excess": f"{proposal.excess:f}",
        "score": proposal.score,
        "reasons": [
            {"code": r.code, "points": r.points, "params": dict(r.params)} for r in proposal.reasons
        ],
    }


def _entry(row: dict, proposal: Proposal, how: str) -> PaymentEntry:
    return PaymentEntry(
        key=str(row["pk"]),
        customer_id=proposal.customer_id,
        date=row["booking_date"],
        amount=row["amount"],
        currency=row["currency"],
        allocations=proposal.allocations,
        write_offs=proposal.write_off,
        payer_name=row["counterparty_name"],
        payer_iban=row["counterparty_iban"],
        reference=row["bank_ref"] or row["end_to_end_id"],
        how=how,
    )


def _open_rows(company: Company, line_ids: Sequence[int] | None) -> list[dict]:
    lines = BankLine.objects.for_company(company).filter(
        status__in=BankLine.OPEN_STATUSES, amount__gt=0
    )
    if line_ids is None:
        return list(lines.order_by("booking_date", "pk").values(*LINE_FIELDS))
    rows = []
    ids = sorted(line_ids)
    for start in range(0, len(ids), CHUNK):
        rows += lines.filter(pk__in=among(ids[start : start + CHUNK])).values(*LINE_FIELDS)
    return sorted(rows, key=lambda r: (r["booking_date"], r["pk"]))


def lines_match(
    *, company: Company, line_ids: Sequence[int] | None = None, actor=None
) -> MatchOutcome:
    """Match the open credit lines (or those of `line_ids` still open) and apply the sure ones."""
    rows = _open_rows(company, line_ids)
    outcome = MatchOutcome()
    if not rows:
        return outcome
    credits = [credit_of(row) for row in rows]
    chunks = decided_chunks(matcher_maker(company), credits, CHUNK)
    for start, decisions in zip(range(0, len(rows), CHUNK), chunks, strict=True):
        _apply_chunk(company, rows[start : start + CHUNK], decisions, outcome, actor)
    return outcome


def _apply_chunk(company, rows, decisions: Sequence[Decision], outcome: MatchOutcome, actor):
    with transaction.atomic():
        ids = [row["pk"] for row in rows]
        claimed = set(
            BankLine.objects.select_for_update()
            .filter(pk__in=among(ids), status__in=BankLine.OPEN_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        autos = [
            _entry(row, d.best, "auto")
            for row, d in zip(rows, decisions, strict=True)
            if row["pk"] in claimed and d.outcome == "auto"
        ]
        paid = payments_record_batch(company=company, entries=autos, actor=actor)
        now = clock.now()
        update_rows(
            BankLine,
            LINE_STATE,
            [
                (row["pk"], _line_state(decision, paid.get(str(row["pk"])), now, outcome))
                for row, decision in zip(rows, decisions, strict=True)
                if row["pk"] in claimed
            ],
        )


LINE_STATE = ["status", "how", "score", "proposals", "payment", "matched_at", "ignore_reason"]


def _line_state(decision: Decision, payment_id, now, outcome: MatchOutcome) -> list:
    """The line's new matching state, in LINE_STATE's order. A line matched automatically
    keeps the proposal applied, with its reasons; the others keep every proposal."""
    score = decision.best.score if decision.best else None
    if decision.outcome == "auto" and payment_id is not None:
        outcome.auto += 1
        return [BankLine.MATCHED, "auto", score, [proposal_doc(decision.best)], payment_id, now, ""]
    proposals = [proposal_doc(p) for p in decision.proposals]
    if decision.outcome == "ignored":
        outcome.ignored += 1
        return [BankLine.IGNORED, "", score, proposals, None, None, IGNORED_PAYER]
    if decision.proposals:
        outcome.suggested += 1
        return [BankLine.SUGGESTED, "", score, proposals, None, None, ""]
    outcome.unmatched += 1
    return [BankLine.UNMATCHED, "", score, proposals, None, None, ""]
