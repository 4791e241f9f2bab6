"""What the matcher decides for a credit: auto, suggest, none or ignored, and what it allocates."""

from datetime import date
from decimal import Decimal

import pytest

from solde.core.matching import (
    Credit,
    Knowledge,
    Matcher,
    OpenInvoice,
    Payer,
    Settings,
)

D = Decimal
DAY = date(2026, 5, 4)
IBAN_DUPONT = "FR7630006000011234567890189"
IBAN_MARTIN = "FR7610107001011234567890129"


def invoice(id, number, customer, balance, issued, due=None, currency="EUR"):
    return OpenInvoice(id, number, customer, D(balance), D(balance), currency, issued, due)


INVOICES = [
    invoice(1, "FA-2026-00123", 10, "1200.00", date(2026, 3, 1), date(2026, 3, 31)),
    invoice(2, "FA-2026-00124", 10, "300.00", date(2026, 3, 5), date(2026, 4, 4)),
    invoice(3, "FA-2026-00200", 11, "450.00", date(2026, 4, 1), date(2026, 5, 1)),
    invoice(4, "FA-2026-00201", 11, "450.00", date(2026, 4, 2), date(2026, 5, 2)),
    invoice(5, "FA-2026-00300", 12, "99.00", date(2026, 4, 3)),
    invoice(6, "FA-2026-00301", 13, "99.00", date(2026, 4, 3)),
    invoice(7, "FA-2026-00400", 14, "780.00", date(2026, 4, 3), currency="USD"),
    invoice(8, "FA-2026-00500", 15, "2400.00", date(2026, 6, 1)),  # issued after the payments
]
PAYERS = [
    Payer(10, "Dupont et Fils SARL", code="C00010", ibans=frozenset({IBAN_DUPONT})),
    Payer(11, "Boulangerie Martin", ibans=frozenset({IBAN_MARTIN})),
    Payer(12, "Garage Perrin"),
    Payer(13, "Garage Perrin"),  # another customer of the same name
    Payer(14, "Acme Ltd"),
    Payer(15, "Optique Renard", aliases=frozenset({"M OU MME PAUL RENARD"})),
    Payer(16, "Studio Caron", habits=frozenset({"STCMD"})),
]
DUPONT = {"counterparty_name": "SARL DUPONT ET FILS", "counterparty_iban": IBAN_DUPONT}
FACTOR = {"counterparty_name": "EUROFACTOR", "counterparty_iban": "FR7614508000701234567890112"}


def match(amount, settings=None, knowledge=None, invoices=INVOICES, **line):
    settings, knowledge = settings or Settings(), knowledge or Knowledge()
    matcher = Matcher(invoices, PAYERS, knowledge, settings)
    return matcher.match(Credit("L1", D(amount), "EUR", line.pop("date", DAY), **line))


def allocated(decision):
    best = decision.best
    return [(i, str(a)) for i, a in best.allocations] if best else []


CASES = [
    # (why, amount, line, outcome, allocations of the best proposal)
    ("reference, amount and payer agree", "1200.00",
     {**DUPONT, "remittance": "FACTURE FA-2026-00123"}, "auto", [(1, "1200.00")]),
    ("third party: exact reference and exact amount suffice", "1200.00",
     {**FACTOR, "remittance": "FA-2026-00123 POUR COMPTE DUPONT"}, "auto", [(1, "1200.00")]),
    ("third party: a retyped reference is only a suggestion", "1200.00",
     {**FACTOR, "remittance": "FACT 2026/123"}, "suggest", [(1, "1200.00")]),
    ("a retyped reference from the known payer", "1200.00",
     {**DUPONT, "remittance": "FACT 2026/123"}, "auto", [(1, "1200.00")]),
    ("a sequence alone from the known payer", "300.00",
     {**DUPONT, "remittance": "facture 124"}, "auto", [(2, "300.00")]),
    ("no reference: known IBAN and exact amount", "300.00",
     {"counterparty_iban": IBAN_DUPONT}, "auto", [(2, "300.00")]),
    ("no reference: exact name and exact amount", "300.00",
     {"counterparty_name": "DUPONT ET FILS"}, "auto", [(2, "300.00")]),
    ("no reference: learned alias and exact amount", "2400.00",
     {"counterparty_name": "M OU MME PAUL RENARD", "date": date(2026, 6, 15)}, "auto",
     [(8, "2400.00")]),
    ("no reference: the customer code written in the text", "300.00",
     {"remittance": "VIR CLIENT C00010"}, "auto", [(2, "300.00")]),
    ("no reference, no payer: the amount alone is a suggestion", "300.00",
     {"remittance": "VIREMENT"}, "suggest", [(2, "300.00")]),
    ("several invoices named, their sum paid", "1500.00",
     {**DUPONT, "remittance": "FA-2026-00123 FA-2026-00124"}, "auto",
     [(1, "1200.00"), (2, "300.00")]),
    ("several invoices without reference: all of them", "1500.00",
     {"counterparty_iban": IBAN_DUPONT}, "auto", [(1, "1200.00"), (2, "300.00")]),
    ("a partial payment stays on its invoice", "500.00",
     {**DUPONT, "remittance": "ACOMPTE FA-2026-00123"}, "auto", [(1, "500.00")]),
    ("a partial payment without payer is a suggestion", "500.00",
     {**FACTOR, "remittance": "ACOMPTE FA-2026-00123"}, "suggest", [(1, "500.00")]),
    ("an overpayment: the balance, the rest as credit", "1250.00",
     {**DUPONT, "remittance": "FA-2026-00123"}, "auto", [(1, "1200.00")]),
    ("the same amount open twice for one customer: never guessed", "450.00",
     {"counterparty_iban": IBAN_MARTIN}, "suggest", [(3, "450.00")]),
    ("two customers of one name: never guessed", "99.00",
     {"counterparty_name": "GARAGE PERRIN"}, "suggest", [(5, "99.00")]),
    ("the reference tells equal invoices apart", "450.00",
     {"counterparty_iban": IBAN_MARTIN, "remittance": "FA-2026-00201"}, "auto", [(4, "450.00")]),
    ("only invoices in the credit's currency", "780.00",
     {"counterparty_name": "ACME LTD", "remittance": "FA-2026-00400"}, "none", []),
    ("no payment before the invoice exists", "2400.00",
     {"counterparty_name": "OPTIQUE RENARD", "remittance": "FA-2026-00500"}, "none", []),
    ("an unrelated credit", "1234.56",
     {"counterparty_name": "DGFIP", "remittance": "REMBOURSEMENT TVA"}, "none", []),
]  # fmt: skip


@pytest.mark.parametrize(("why", "amount", "line", "outcome", "allocations"), CASES)
def test_decisions(why, amount, line, outcome, allocations):
    decision = match(amount, **line)
    assert (decision.outcome, allocated(decision)) == (outcome, allocations), why


def test_an_overpayment_keeps_the_excess_as_credit():
    best = match("1250.00", **DUPONT, remittance="FA-2026-00123").best
    assert (best.excess, best.write_off) == (D("50.00"), ())


@pytest.mark.parametrize(
    ("amount", "settings", "code", "write_off"),
    [
        ("1199.20", Settings(), "amount_fee", [(1, D("0.80"))]),  # bank fees within tolerance
        ("1195.00", Settings(tolerance=D("5")), "amount_fee", [(1, D("5.00"))]),
        ("1176.00", Settings(discount_percent=D("2")), "amount_discount", [(1, D("24.00"))]),
        ("1195.00", Settings(), "amount_partial", []),  # beyond the tolerance: partial
    ],
)
def test_short_payments(amount, settings, code, write_off):
    decision = match(amount, settings, **DUPONT, remittance="FA-2026-00123")
    best = decision.best
    assert code in [r.code for r in best.reasons]
    assert list(best.write_off) == write_off
    assert best.allocations == ((1, D(amount)),)
    assert decision.outcome == "auto"


def test_a_short_payment_without_reference_is_only_suggested():
    decision = match("1176.00", Settings(discount_percent=D("2")), counterparty_iban=IBAN_DUPONT)
    assert (decision.outcome, allocated(decision)) == ("suggest", [(1, "1176.00")])
    assert decision.best.write_off == ((1, D("24.00")),)


def test_ambiguity_is_said_and_both_are_offered():
    decision = match("450.00", counterparty_iban=IBAN_MARTIN)
    first, second = decision.proposals[:2]
    assert [first.allocations[0][0], second.allocations[0][0]] == [3, 4]  # oldest first
    assert "ambiguous" in [r.code for r in first.reasons]
    assert first.score < Settings().threshold


def test_the_threshold_is_the_company_setting():
    line = {"counterparty_iban": IBAN_DUPONT}
    assert match("300.00", Settings(threshold=90), **line).outcome == "auto"
    assert match("300.00", Settings(threshold=95), **line).outcome == "suggest"


@pytest.mark.parametrize(
    "knowledge",
    [
        Knowledge(not_customers=frozenset({"FR76 1450 8000 7012 3456 7890 112"})),
        Knowledge(not_customers=frozenset({"EUROFACTOR"})),
    ],
)
def test_a_payer_known_never_to_be_a_customer_is_ignored(knowledge):
    decision = match("1200.00", knowledge=knowledge, **FACTOR, remittance="FA-2026-00123")
    assert (decision.outcome, decision.proposals) == ("ignored", ())
    assert [r.code for r in decision.reasons] == ["not_customer"]


def test_a_habit_points_at_its_customer():
    invoices = [*INVOICES, invoice(9, "FA-2026-00600", 16, "640.00", date(2026, 4, 1))]
    decision = match("640.00", invoices=invoices, remittance="STCMD-4512")
    assert [r.code for r in decision.best.reasons] == ["amount_exact", "habit"]
    assert decision.best.customer_id == 16


def test_a_customer_code_is_not_read_as_an_invoice_number():
    invoices = [*INVOICES, invoice(9, "FA-2026-00010", 16, "300.00", date(2026, 4, 1))]
    decision = match("300.00", invoices=invoices, remittance="CLIENT C00010")
    assert allocated(decision) == [(2, "300.00")]


@pytest.mark.parametrize("amount", ["0", "-12.50"])
def test_only_credits_are_matched(amount):
    with pytest.raises(ValueError, match="credits"):
        match(amount)
