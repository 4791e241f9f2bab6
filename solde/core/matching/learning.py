"""What a person's decision teaches the matcher, in the forms the matcher reads back.

Confirming or correcting a match teaches who the payer is (its IBAN and its name as the
bank writes it become the customer's `ibans` and `aliases`) and the customer's reference
habits (the letters of its own order numbers, "DUPCMD" in "DUPCMD-4512"); rejecting a payer as
never a customer teaches `Knowledge.not_customers`. The database layer stores these and
gives them back to the next `Matcher`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from solde.core.matching.names import normalize_iban, normalize_name
from solde.core.matching.records import Credit
from solde.core.matching.references import fold, number_keys


def _words(text: str) -> list[str]:
    return text.split()


_MIXED = re.compile(r"\b([A-Z]{3,})[-/ ]?\d{3,}")
# Words every bank or payer writes: they tell no customer apart.
GENERIC = frozenset(
    _words(
        "VIR VIREMENT SEPA INST RECU EMIS REF REFERENCE FACT FACTURE FACTURES FACTURATION INV "
        "INVOICE PAIEMENT REGLEMENT REGL ACOMPTE SOLDE CLIENT CLI NUM NUMERO DATE MOTIF ORDRE "
        "DONNEUR PRLV TRANSFER PAYMENT AVOIR CDE"
    )
)


@dataclass(frozen=True, slots=True)
class Lesson:
    customer_id: int
    iban: str  # normalised, "" when the line has none
    alias: str  # normalised payer name, "" when none
    habits: frozenset[str]


def lesson_from_match(
    credit: Credit, *, customer_id: int, invoice_numbers: Iterable[str] = ()
) -> Lesson:
    """What to remember when a person confirms that this credit came from this customer."""
    prefixes = {number_keys(n, 2000).letters for n in invoice_numbers}
    habits = set()
    for text in (credit.remittance, credit.structured_ref, credit.end_to_end_id):
        for letters in _MIXED.findall(fold(text or "")):
            if letters not in GENERIC and letters not in prefixes:
                habits.add(letters)
    return Lesson(
        customer_id=customer_id,
        iban=normalize_iban(credit.counterparty_iban),
        alias=normalize_name(credit.counterparty_name),
        habits=frozenset(habits),
    )


def lesson_never_customer(credit: Credit) -> frozenset[str]:
    """The keys (IBAN, name) to add to `Knowledge.not_customers` for this payer."""
    keys = {normalize_iban(credit.counterparty_iban), normalize_name(credit.counterparty_name)}
    return frozenset(keys - {""})
