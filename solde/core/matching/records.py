"""What the matcher reads and what it answers: frozen records, no behaviour beyond texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from solde.core.money import ZERO


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An issued invoice with something left to pay."""

    id: int
    number: str
    customer_id: int
    balance: Decimal  # what is left to pay now, > 0
    total: Decimal
    currency: str
    issue_date: date
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class Payer:
    """A customer as the matcher knows it."""

    customer_id: int
    name: str
    code: str = ""
    ibans: frozenset[str] = frozenset()  # declared or learned accounts
    aliases: frozenset[str] = frozenset()  # learned payer names, as banks write them
    habits: frozenset[str] = frozenset()  # learned tokens this customer writes


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What people taught by rejecting: IBANs or normalised names that never pay invoices."""

    not_customers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Credit:
    """The part of a bank line (money received) the matcher reads."""

    key: str
    amount: Decimal
    currency: str
    date: date
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    structured_ref: str = ""
    end_to_end_id: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    threshold: int = 90  # score at or above which a proposal is applied automatically
    tolerance: Decimal = Decimal("1.00")  # short payment that may be written off (bank fees)
    discount_percent: Decimal = Decimal("0")  # early-payment discount granted, 0 = none


# English sentences for logs; the web layer translates by code and params.
_TEXTS = {
    "reference": "The text names invoice {number} ({found}).",
    "reference_fuzzy": "The text names invoice {number}, written differently ({found}).",
    "reference_seq": "The text holds {found}, the sequence of invoice {number}, without its year.",
    "amount_exact": "The amount equals the balance of invoice {number}.",
    "amount_sum": "The amount equals the balances of {count} invoices ({how}).",
    "amount_partial": "The amount pays part of what is owed ({paid} of {owed}).",
    "amount_fee": "The amount is {gap} short of what is owed, within the tolerance (bank fees).",
    "amount_discount": "The amount is what is owed less the {percent} % early-payment discount.",
    "amount_excess": "The amount is {excess} more than what is owed: kept as customer credit.",
    "iban": "The payer's account {iban} is known for this customer.",
    "name": "The payer's name {found!r} matches the customer {customer!r} ({similarity} %).",
    "alias": "The payer's name {found!r} was learned as this customer's.",
    "code": "The text holds the customer code {code}.",
    "habit": "The text holds {token}, which this customer writes on its transfers.",
    "date": "Paid {days} days from the due date.",
    "ambiguous": "Another proposal is as likely ({other}): a person must choose.",
    "not_customer": "This payer ({payer}) is known never to pay invoices.",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    points: int
    params: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        template = _TEXTS.get(self.code)
        values = dict(self.params)
        try:
            sentence = template.format(**values) if template else self.code
        except (KeyError, IndexError):
            sentence = f"{self.code} {values}"
        return f"{sentence} ({self.points:+d})"


@dataclass(frozen=True, slots=True)
class Proposal:
    customer_id: int | None
    allocations: tuple[tuple[int, Decimal], ...]  # (invoice id, amount), oldest first
    excess: Decimal  # what stays as customer credit
    write_off: tuple[tuple[int, Decimal], ...]  # short-payment gaps within tolerance
    score: int  # 0..100: the sum of the reasons' points, capped
    reasons: tuple[Reason, ...]

    @property
    def received(self) -> Decimal:
        """The money this proposal accounts for: allocations plus excess."""
        return sum((amount for _, amount in self.allocations), ZERO) + self.excess


@dataclass(frozen=True, slots=True)
class Decision:
    key: str
    outcome: str  # auto | suggest | none | ignored
    proposals: tuple[Proposal, ...]  # best first, at most 5
    reasons: tuple[Reason, ...] = ()  # about the line itself (not_customer)

    @property
    def best(self) -> Proposal | None:
        return self.proposals[0] if self.proposals else None


AUTO, SUGGEST, NONE, IGNORED = "auto", "suggest", "none", "ignored"
