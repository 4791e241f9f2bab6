"""The points each piece of evidence is worth: one table, read by docs.md.

A proposal's score is the sum of its reasons' points, capped to 0..100. The table is
built so that no single kind of evidence reaches the default threshold (90) alone: an
automatic match needs two independent agreements (the invoice named and the amount right,
or the payer known and the amount right).
"""

from __future__ import annotations

from solde.core.matching.references import EXACT, FUZZY, SEQ

REFERENCE = {EXACT: 60, FUZZY: 45, SEQ: 15}
REFERENCE_SEQ_UNIQUE = 30  # a bare sequence that only one open invoice carries
REFERENCE_CODES = {EXACT: "reference", FUZZY: "reference_fuzzy", SEQ: "reference_seq"}

AMOUNT = {
    "amount_exact": 40,
    "amount_sum": 40,  # the invoices named, the oldest ones, or all of them: as one invoice
    "amount_fee": 30,
    "amount_discount": 30,
    "amount_excess": 15,
    "amount_partial": 10,
}
AMOUNT_COMBINATION = 25  # some invoices among many: other combinations might fit as well
AMOUNT_SPREAD = 5  # nothing fits: oldest first, a last resort for a known payer

IBAN = 50
ALIAS = 50
NAME_EXACT = 50
NAME_CONTAINED = 40
NAME_FUZZY = ((95, 35), (90, 30), (85, 25))  # (similarity at least, points)
CODE = 50  # a customer code with digits ("C00742"): an identifier
CODE_WORD = 25  # a code that is a word ("DUPONT") may be written for other reasons
HABIT = 15
SURE_PAYER = 50  # identity points from which a payer counts as surely known (IBAN, exact name)
FURTHER_IDENTITY = 5  # a further sign of the same payer adds a fifth of its points

DATE = 5
DATE_WINDOW_DAYS = 7

AMBIGUITY_MARGIN = 10  # proposals this close (uncapped sums) are as likely as each other
MIN_POINTS = 30  # weaker proposals are not shown
MAX_PROPOSALS = 5


def name_points(kind: str, similarity: int) -> int:
    if kind == "alias":
        return ALIAS
    if kind == "exact":
        return NAME_EXACT
    if kind == "contained":
        return NAME_CONTAINED
    return next((points for floor, points in NAME_FUZZY if similarity >= floor), 0)


def reference_points(level: int, shared: int) -> int:
    if level == SEQ and shared == 1:
        return REFERENCE_SEQ_UNIQUE
    return REFERENCE[level]


def amount_points(code: str, how: str) -> int:
    if how == "combination":
        return AMOUNT_COMBINATION
    if how == "spread":
        return AMOUNT_SPREAD
    return AMOUNT[code]


def capped(points: int) -> int:
    return max(0, min(100, points))
