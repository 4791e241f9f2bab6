"""Scores a person can read: reasons with points and sentences, documented, in order."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from solde.core.matching import Credit, Knowledge, Matcher, OpenInvoice, Payer, Reason, Settings

D = Decimal
DOCS = Path(__file__).resolve().parents[3] / "solde" / "core" / "matching" / "docs.md"
IBAN = "FR7630006000011234567890189"
CODES = [
    "reference", "reference_fuzzy", "reference_seq", "amount_exact", "amount_sum",
    "amount_partial", "amount_fee", "amount_discount", "amount_excess", "iban", "name",
    "alias", "code", "habit", "date", "ambiguous", "not_customer",
]  # fmt: skip


def invoice(id, number, customer, balance, issued=date(2026, 3, 1), due=None):
    return OpenInvoice(id, number, customer, D(balance), D(balance), "EUR", issued, due)


def test_every_reason_code_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(), flags=re.M))
    assert documented == set(CODES)


def reasons_seen():
    invoices = [
        invoice(1, "FA-2026-00123", 10, "1200.00", due=date(2026, 5, 1)),
        invoice(2, "FA-2026-00124", 10, "300.00"),
        invoice(3, "FA-2026-00125", 10, "300.00"),
        invoice(4, "FA-2026-00126", 11, "80.00"),
    ]
    payers = [
        Payer(10, "Dupont et Fils", code="C00010", ibans=frozenset({IBAN}),
              aliases=frozenset({"JEAN DUPONT"}), habits=frozenset({"DUPCMD"})),
        Payer(11, "Martin"),
    ]  # fmt: skip
    lines = [
        ("1200.00", "DUPONT ET FILS", IBAN, "FA-2026-00123 CLIENT C00010 DUPCMD-1"),
        ("1200.00", "JEAN DUPONT", "", "FACT 2026/123"),
        ("1200.00", "", "", "facture 123"),
        ("1500.00", "", IBAN, "FA-2026-00123 FA-2026-00124"),
        ("1199.50", "", IBAN, "FA-2026-00123"),
        ("1176.00", "", IBAN, "FA-2026-00123"),
        ("1300.00", "", IBAN, "FA-2026-00123"),
        ("100.00", "", IBAN, "FA-2026-00123"),
        ("300.00", "", IBAN, ""),
        ("80.00", "DGFIP", "", ""),
    ]
    matcher = Matcher(
        invoices,
        payers,
        Knowledge(not_customers=frozenset({"DGFIP"})),
        Settings(discount_percent=D("2")),
    )
    seen = []
    for n, (amount, name, iban, text) in enumerate(lines):
        credit = Credit(f"L{n}", D(amount), "EUR", date(2026, 5, 4), name, iban, text)
        decision = matcher.match(credit)
        seen += decision.reasons
        for proposal in decision.proposals:
            seen += proposal.reasons
    return seen


def test_every_reason_code_occurs_and_reads_as_a_sentence():
    seen = reasons_seen()
    assert {r.code for r in seen} == set(CODES)
    for reason in seen:
        assert "{" not in reason.text and reason.code not in reason.text.split()[0]
        assert reason.text.endswith(f"({reason.points:+d})")


def test_a_reason_text_survives_missing_params():
    assert Reason("amount_fee", 30).text.startswith("amount_fee")
    assert Reason("something_new", 1).text == "something_new (+1)"


def test_proposals_are_at_most_five_and_best_first():
    invoices = [invoice(n, f"FA-2026-{n:05d}", 10, "99.00") for n in range(1, 9)]
    matcher = Matcher(invoices, [Payer(10, "Dupont", ibans=frozenset({IBAN}))])
    decision = matcher.match(Credit("L1", D("99.00"), "EUR", date(2026, 5, 4), "", IBAN))
    assert decision.outcome == "suggest"
    assert len(decision.proposals) == 5
    scores = [p.score for p in decision.proposals]
    assert scores == sorted(scores, reverse=True)


def test_ties_are_ordered_by_invoice_date_then_id():
    invoices = [
        invoice(7, "FA-2026-00007", 10, "99.00", issued=date(2026, 3, 2)),
        invoice(5, "FA-2026-00005", 10, "99.00", issued=date(2026, 3, 2)),
        invoice(9, "FA-2026-00009", 10, "99.00", issued=date(2026, 3, 1)),
    ]
    matcher = Matcher(invoices, [Payer(10, "Dupont", ibans=frozenset({IBAN}))])
    decision = matcher.match(Credit("L1", D("99.00"), "EUR", date(2026, 5, 4), "", IBAN))
    assert [p.allocations[0][0] for p in decision.proposals] == [9, 5, 7]


@pytest.mark.parametrize("threshold", [60, 90, 100])
def test_an_ambiguous_decision_stays_under_the_threshold(threshold):
    invoices = [invoice(1, "FA-2026-00001", 10, "99.00"), invoice(2, "FA-2026-00002", 10, "99.00")]
    matcher = Matcher(
        invoices, [Payer(10, "Dupont", ibans=frozenset({IBAN}))], settings=Settings(threshold)
    )
    decision = matcher.match(Credit("L1", D("99.00"), "EUR", date(2026, 5, 4), "DUPONT", IBAN))
    assert decision.outcome == "suggest"
    assert all(p.score < threshold for p in decision.proposals)  # fmt: skip
