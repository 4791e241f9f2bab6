"""A matching run: applied proposals lower balances, so no invoice is paid twice."""

from datetime import date
from decimal import Decimal

import pytest

from solde.core.matching import Credit, Matcher, OpenInvoice, Payer, Proposal

D = Decimal
IBAN = "FR7630006000011234567890189"
PAYERS = [Payer(10, "Dupont et Fils", ibans=frozenset({IBAN}))]


def invoices():
    return [
        OpenInvoice(1, "FA-2026-00123", 10, D("1200.00"), D("1200.00"), "EUR", date(2026, 3, 1)),
        OpenInvoice(2, "FA-2026-00124", 10, D("300.00"), D("300.00"), "EUR", date(2026, 3, 5)),
    ]


def credit(key, amount, text="", day=date(2026, 5, 4)):
    return Credit(key, D(amount), "EUR", day, "DUPONT ET FILS", IBAN, text)


def test_match_changes_nothing():
    matcher = Matcher(invoices(), PAYERS)
    first = matcher.match(credit("L1", "1200.00", "FA-2026-00123"))
    again = matcher.match(credit("L1", "1200.00", "FA-2026-00123"))
    assert first == again
    assert matcher.balance(1) == D("1200.00")


def test_a_paid_invoice_cannot_be_paid_again():
    matcher = Matcher(invoices(), PAYERS)
    first, second = matcher.match_all(
        [credit("L1", "1200.00", "FA-2026-00123"), credit("L2", "1200.00", "FA-2026-00123")]
    )
    assert first.outcome == "auto"
    assert matcher.balance(1) == D("0")
    assert all(1 not in dict(p.allocations) for p in second.proposals)
    assert second.outcome != "auto"


def test_a_partial_payment_leaves_the_rest_open_for_the_next_line():
    matcher = Matcher(invoices(), PAYERS)
    decisions = matcher.match_all(
        [
            credit("L1", "500.00", "ACOMPTE FA-2026-00123"),
            credit("L2", "700.00", "SOLDE FA-2026-00123"),
        ]
    )
    assert [d.outcome for d in decisions] == ["auto", "auto"]
    assert [d.best.allocations for d in decisions] == [((1, D("500.00")),), ((1, D("700.00")),)]
    assert matcher.balance(1) == D("0")


def test_only_automatic_decisions_are_applied():
    matcher = Matcher(invoices(), PAYERS)
    (decision,) = matcher.match_all([Credit("L1", D("300.00"), "EUR", date(2026, 5, 4))])
    assert decision.outcome == "suggest"  # the amount alone
    assert matcher.balance(2) == D("300.00")


def test_a_written_off_gap_settles_the_invoice():
    matcher = Matcher(invoices(), PAYERS)
    (decision,) = matcher.match_all([credit("L1", "299.40", "FA-2026-00124")])
    assert decision.best.write_off == ((2, D("0.60")),)
    assert matcher.balance(2) == D("0")


def test_apply_refuses_more_than_the_balance():
    matcher = Matcher(invoices(), PAYERS)
    too_much = Proposal(10, ((2, D("300.01")),), D("0"), (), 100, ())
    with pytest.raises(ValueError, match="300.00 left"):
        matcher.apply(too_much)
    assert matcher.balance(2) == D("300.00")  # nothing applied


def test_the_caller_applies_a_suggestion_it_confirmed():
    matcher = Matcher(invoices(), PAYERS)
    decision = matcher.match(Credit("L1", D("300.00"), "EUR", date(2026, 5, 4)))
    matcher.apply(decision.best)
    again = matcher.match(Credit("L2", D("300.00"), "EUR", date(2026, 5, 4)))
    assert again.outcome == "none"


def test_invoices_already_paid_are_left_out():
    paid = OpenInvoice(3, "FA-2026-00125", 10, D("0"), D("80.00"), "EUR", date(2026, 3, 6))
    matcher = Matcher([*invoices(), paid], PAYERS)
    decision = matcher.match(credit("L1", "80.00", "FA-2026-00125"))
    assert all(3 not in dict(p.allocations) for p in decision.proposals)
    assert decision.outcome == "suggest"  # the known payer's oldest invoice, as a last resort


def test_a_partly_paid_invoice_is_found_by_what_is_left():
    matcher = Matcher(invoices(), PAYERS)
    matcher.match_all([credit("L1", "500.00", "ACOMPTE FA-2026-00123")])
    anonymous = [
        Credit(f"L{n}", D(a), "EUR", date(2026, 5, 6)) for n, a in ((2, "1200"), (3, "700"))
    ]
    old, rest = (matcher.match(c) for c in anonymous)
    assert old.outcome == "none"  # not by its former balance
    assert [p.allocations for p in rest.proposals] == [((1, D("700.00")),)]
