"""The one record every bank-statement reader returns, whatever the file format.

A reader turns a file into `Statement`s (a file may hold several: several accounts,
several days); each holds `StatementLine`s, one per transaction: a CAMT entry with
five transaction details gives five lines, each with the entry's booking data and
its own amount, parties and remittance text. Amounts are signed: positive is money
received (credit), negative money paid out (debit).

Readers raise `solde.core.errors.InputError` naming the file and, where it helps, the
line (text formats) or the element (XML) at fault; they never return half a file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Files over this size are refused before being read: no bank sends a statement this big,
# and reading one would take the memory of every worker.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class StatementLine:
    booking_date: date
    amount: Decimal  # signed: + credit (received), − debit (paid out)
    currency: str
    value_date: date | None = None
    # The bank's own reference of the transaction: AcctSvcrRef (CAMT), the reference after
    # "//" in :61: (MT940), FITID (OFX), the reference column (CSV). May be empty.
    bank_ref: str = ""
    end_to_end_id: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""  # unstructured remittance information, joined with spaces
    structured_ref: str = ""  # creditor reference (RF…, QR/ESR, CdtrRefInf)
    bank_code: str = ""  # bank transaction code: BkTxCd, MT940 GVC/type, OFX TRNTYPE, CFONB code
    # Where the line stands in the file (line number or element path), for messages.
    source: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True, slots=True)
class Statement:
    account: str  # IBAN when the file gives one, else the bank's account id
    currency: str
    lines: tuple[StatementLine, ...] = ()
    statement_id: str = ""
    opening_balance: Decimal | None = None
    opening_date: date | None = None
    closing_balance: Decimal | None = None
    closing_date: date | None = None
    format: str = ""  # camt053 | mt940 | ofx | cfonb120 | csv
    warnings: tuple[str, ...] = field(default=())


def line_fingerprint(account: str, line: StatementLine) -> str:
    """What a line says, hashed: account, date, amount, parties and texts."""
    parts = [
        account.replace(" ", "").upper(),
        line.booking_date.isoformat(),
        f"{line.amount:f}",
        line.currency,
        line.bank_ref,
        line.end_to_end_id,
        line.counterparty_iban.replace(" ", "").upper(),
        " ".join(line.counterparty_name.split()).lower(),
        " ".join(line.remittance.split()).lower(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


# References banks write when they have none: they identify nothing.
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NOREF", "NONE", "N/A"}


def dedup_keys(account: str, lines: tuple[StatementLine, ...] | list[StatementLine]) -> list[str]:
    """The key of each line that makes it a duplicate when another file brings it again.

    The bank's reference when there is one (with date and amount: some banks reuse short
    references, and a CAMT batch gives its details the entry's reference), else the line's
    fingerprint; equal keys within the file are told apart by their rank, so two identical
    card payments on one day stay two lines, and come back as the same two.
    """
    seen: dict[str, int] = {}
    keys = []
    for line in lines:
        ref = line.bank_ref.strip()
        if ref.upper() in _NO_REFERENCE:
            base = "fp:" + line_fingerprint(account, line)
        else:
            base = f"ref:{ref}|{line.booking_date.isoformat()}|{line.amount:f}"
        rank = seen.get(base, 0)
        seen[base] = rank + 1
        digest = hashlib.sha256(f"{base}#{rank}".encode()).hexdigest()[:40]
        keys.append(digest)
    return keys
