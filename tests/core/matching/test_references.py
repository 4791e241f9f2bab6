"""Invoice numbers in remittance texts: the ways people retype them, and what is not one."""

import pytest

from solde.core.matching.references import (
    EXACT,
    FUZZY,
    SEQ,
    ReferenceIndex,
    fold,
    number_keys,
)

NUMBERS = {
    1: ("FA-2026-00123", 2026),
    2: ("FA-2026-00124", 2026),
    3: ("FA-2025-00123", 2025),
    4: ("INV-000812", 2026),
    5: ("2026/0042", 2026),
    6: ("F2603-0007", 2026),
}


def index(numbers=NUMBERS, open_ids=None):
    open_ids = set(numbers) if open_ids is None else open_ids
    refs = ReferenceIndex(open_ids)
    for invoice_id, (number, year) in numbers.items():
        refs.add(invoice_id, number, year)
    return refs


def found(text, refs=None):
    hits = (refs or index()).find(fold(text))
    return {invoice_id: hit.level for invoice_id, hit in hits.items()}


@pytest.mark.parametrize(
    ("number", "year", "full", "digits", "letters", "year_seq"),
    [
        ("FA-2026-00123", 2026, "FA202600123", "", "FA", (2026, 123)),
        ("F2026-123", 2026, "F2026123", "", "F", (2026, 123)),
        ("2026/0042", 2026, "20260042", "", "", (2026, 42)),
        ("INV-000812", 2026, "INV000812", "812", "INV", (None, 812)),
        ("FA202600123", 2026, "FA202600123", "202600123", "FA", (2026, 123)),  # year glued on
        ("F2603-0007", 2026, "F26030007", "26030007", "F", (2026, 7)),  # {YY}{MM}-{SEQ}
        ("Facture n° 9", 2026, "FACTUREN9", "9", "FACTUREN", (None, 9)),
        ("fa-2026-00123", 2026, "FA202600123", "", "FA", (2026, 123)),
    ],
)
def test_number_keys(number, year, full, digits, letters, year_seq):
    keys = number_keys(number, year)
    assert (keys.full, keys.digits, keys.letters, (keys.year, keys.seq)) == (
        full,
        digits,
        letters,
        year_seq,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the whole number, separators and case aside: exact
        ("FA-2026-00123", {1: EXACT}),
        ("Facture n° FA-2026-00123", {1: EXACT}),
        ("fa2026/00123", {1: EXACT}),
        ("FA202600123", {1: EXACT}),
        ("VIR SEPA FA 2026 00123 DUPONT", {1: EXACT}),
        ("fa 2026 123", {1: EXACT}),  # zeros dropped, prefix and year there
        ("FA-26-123", {1: EXACT}),  # year in two digits
        ("RF18FA202600123", {1: EXACT}),  # creditor reference wrapping the number
        ("INV-000812", {4: EXACT}),
        ("2026/0042", {5: EXACT}),
        # year and sequence without the prefix, or with another word: fuzzy
        ("FACT 2026/123", {1: FUZZY}),
        ("F 26-123", {1: FUZZY}),
        ("N° 2026-0123", {1: FUZZY}),
        ("2026123", {1: FUZZY}),
        ("2026-42", {5: FUZZY}),
        ("INV 812", {4: FUZZY}),
        ("2603-7", {6: FUZZY}),
        # several numbers in one text; a bare sequence after a full number takes its year
        ("FA-2026-00123 FA-2026-00124", {1: EXACT, 2: EXACT}),
        ("FA-2026-00123 00124", {1: EXACT, 2: FUZZY}),
        # a sequence alone is weak, and may name invoices of several years
        ("facture 123 et 124", {1: SEQ, 2: SEQ, 3: SEQ}),
        ("Fact. 00123 + 00124", {1: SEQ, 2: SEQ, 3: SEQ}),
        ("000812", {4: SEQ}),
        # nothing
        ("VIREMENT DE DUPONT", {}),
        ("cotisation 2026", {}),  # a year standing alone is not a sequence
        ("", {}),
    ],
)
def test_references_found(text, expected):
    assert found(text) == expected


LOOKALIKES = {
    10: ("FA-2026-00011", 2026),
    11: ("FA-2026-00020", 2026),
    12: ("FA-2026-01234", 2026),
    13: ("FA-2026-00056", 2026),
    14: ("FA-2026-03000", 2026),
    15: ("FA-2026-06000", 2026),
    16: ("FA-2026-00552", 2026),
    17: ("FA-2026-00100", 2026),
    18: ("FA-2026-01120", 2026),
    19: ("FA-2026-04970", 2026),
    20: ("FA-2026-00612", 2026),
    21: ("FA-2026-00034", 2026),
}


@pytest.mark.parametrize(
    "text",
    [
        "VIR DU 20/11/2026",  # a date: 20, 11 and 2026 are sequences of open invoices
        "PAIEMENT 2026-11-20",
        "ECHEANCE 11/2026",
        "20261120",  # a compact date, also year 2026 and sequence 1120
        "MONTANT 1234,56 EUR",  # an amount
        "TOTAL 1 234,56",
        "FR76 3000 6000 0112 3456 7890 189",  # an IBAN in groups
        "IBAN FR7630006000011234567890189",
        "SIREN 552 100 554",  # a SIREN in groups
        "CARTE 4970 1012 3456 7893",  # a card number (Luhn)
        "CB XXXX XXXX XXXX 1120",  # a masked card
        "TEL 06 12 34 56 78",  # a phone number
    ],
)
def test_lookalikes_are_not_read_as_numbers(text):
    assert found(text, index(LOOKALIKES)) == {}


def test_a_lookalike_equal_to_a_real_number_still_counts():
    refs = index({30: ("20261120", 2026)})  # a company numbering {YYYY}{SEQ:04}
    assert found("REF 20261120", refs) == {30: EXACT}


def test_paid_invoices_are_not_found():
    open_ids = {1, 2}
    refs = index(open_ids=open_ids)
    open_ids.discard(1)
    assert found("FA-2026-00123 FA-2026-00124", refs) == {2: EXACT}


def test_a_key_shared_by_too_many_invoices_tells_nothing():
    numbers = {n: (f"FA-{2000 + n}-00777", 2000 + n) for n in range(1, 12)}
    assert found("FACTURE 777", index(numbers)) == {}
    assert found("FA-2005-00777", index(numbers)) == {5: EXACT}


def test_hits_say_what_the_text_said():
    hit = index().find(fold("reglement fa 2026 123"))[1]
    assert (hit.found, hit.shared) == ("FA 2026 123", 1)
    shared = index().find(fold("facture 123"))[1]
    assert shared.shared == 2  # 123 of 2025 and 123 of 2026
