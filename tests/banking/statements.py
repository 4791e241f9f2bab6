"""Bank statement files for the tests, written as CAMT.053 by Solde's own writer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from solde.formats import camt053_writer
from solde.formats.bankstatement import Statement, StatementLine

ACCOUNT = "FR7630006000011234567890189"


def credit(amount: str, text: str = "", *, name: str = "", iban: str = "", ref: str = "", day=None):
    return StatementLine(
        booking_date=day or date(2026, 11, 18),
        amount=Decimal(amount),
        currency="EUR",
        bank_ref=ref,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=text,
    )


def camt(lines, *, opening: str | None = None, opening_date=None, closing_date=None, sid=""):
    """A one-statement CAMT.053 file; its closing balance follows from the lines."""
    start = Decimal(opening) if opening is not None else None
    end = start + sum((line.amount for line in lines), Decimal(0)) if start is not None else None
    statement = Statement(
        account=ACCOUNT,
        currency="EUR",
        lines=tuple(lines),
        statement_id=sid,
        opening_balance=start,
        opening_date=opening_date or date(2026, 11, 17),
        closing_balance=end,
        closing_date=closing_date or date(2026, 11, 18),
    )
    return camt053_writer.write([statement])
