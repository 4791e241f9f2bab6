"""Matching in chunks in a second process gives the decisions of one run in this one."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.banking.pipeline import decided_chunks
from solde.core.matching import Credit, Matcher, OpenInvoice, Payer

D = Decimal
IBAN = "FR7630006000011234567890189"


def matcher() -> Matcher:
    invoices = [
        OpenInvoice(n, f"FA-2026-{n:05d}", 10, D("100.00"), D("100.00"), "EUR",
                    date(2026, 1, 1) + timedelta(days=n))
        for n in range(1, 9)
    ]  # fmt: skip
    return Matcher(invoices, [Payer(10, "Dupont et Fils", ibans=frozenset({IBAN}))])


def credits(texts: list[str]) -> list[Credit]:
    return [
        Credit(f"L{n}", D("100.00"), "EUR", date(2026, 5, 4), "DUPONT ET FILS", IBAN, text)
        for n, text in enumerate(texts)
    ]


# Each invoice paid twice over (the second time must not be automatic), some lines naming
# none: a chunk's decisions depend on the automatic ones of the chunks before it.
TEXTS = [f"FA-2026-{n:05d}" for n in (1, 2, 3, 1, 4, 2, 5)] + ["", "VIREMENT", "FA-2026-00006"]


@pytest.mark.parametrize("size", [1, 3, 4, len(TEXTS)])
def test_chunks_decided_in_another_process_equal_one_run(size):
    expected = matcher().match_all(credits(TEXTS))
    chunks = list(decided_chunks(matcher, credits(TEXTS), size))
    assert [len(c) for c in chunks] == [
        min(size, len(TEXTS) - start) for start in range(0, len(TEXTS), size)
    ]
    assert [d for chunk in chunks for d in chunk] == expected
    autos = [n for n, d in enumerate(expected) if d.outcome == "auto"]
    assert autos == [0, 1, 2, 4, 6, 9]  # each invoice once: not lines 3 and 5, paid before


def test_a_failure_in_the_matching_process_reaches_the_caller():
    lines = credits(TEXTS)
    lines[5] = Credit("bad", D("-1.00"), "EUR", date(2026, 5, 4))
    chunks = decided_chunks(matcher, lines, 2)
    assert len(next(chunks)) == 2  # the chunks before it arrive
    next(chunks)
    with pytest.raises(RuntimeError, match="ValueError: Line bad: only credits"):
        next(chunks)


def test_a_caller_stopping_early_leaves_no_process_behind():
    import multiprocessing

    chunks = decided_chunks(matcher, credits(TEXTS), 1)
    next(chunks)
    chunks.close()
    assert multiprocessing.active_children() == []
