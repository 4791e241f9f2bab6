"""Invariants over random worlds: money adds up, balances are never exceeded, scores are the
readable sum of their reasons, and the same input always gives the same decisions."""

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from solde.core.matching import Credit, Matcher, OpenInvoice, Payer, Settings

D = Decimal
START = date(2026, 1, 1)
NAMES = ["Dupont et Fils", "Garage Perrin", "Garage Perrin", "Boulangerie Martin", "Acme"]
IBANS = [f"FR76300060000112345678901{n:02d}" for n in range(6)]
SHARED = [D("99.00"), D("450.00"), D("1200.00")]  # amounts many invoices have

amounts = st.one_of(
    st.decimals(min_value=D("0.01"), max_value=D("3000"), places=2), st.sampled_from(SHARED)
)


@st.composite
def worlds(draw):
    payers = [
        Payer(cid, NAMES[cid - 1], code=f"C{cid:05d}", ibans=frozenset({IBANS[cid]}))
        for cid in range(1, len(NAMES) + 1)
    ]
    count = draw(st.integers(1, 12))
    seqs = draw(st.lists(st.integers(1, 400), min_size=count, max_size=count, unique=True))
    invoices = []
    for n, seq in enumerate(seqs, start=1):
        balance = draw(amounts)
        invoices.append(
            OpenInvoice(
                id=n,
                number=f"FA-2026-{seq:05d}",
                customer_id=draw(st.integers(1, len(NAMES))),
                balance=balance,
                total=balance + draw(st.sampled_from([D(0), D("10.00")])),
                currency=draw(st.sampled_from(["EUR", "EUR", "EUR", "USD"])),
                issue_date=START + timedelta(days=draw(st.integers(0, 60))),
                due_date=START + timedelta(days=draw(st.integers(30, 90))),
            )
        )
    credits = []
    for k in range(draw(st.integers(1, 8))):
        target = draw(st.sampled_from(invoices))
        number = target.number
        text = draw(
            st.sampled_from(
                ["", number, number.replace("-", ""), f"FACT {number[3:]}", number[-5:],
                 f"{number} {invoices[0].number}", "VIR SEPA 20/11/2026", "CDE 2026-118"]
            )
        )  # fmt: skip
        amount = draw(
            st.one_of(
                st.just(target.balance),
                st.just(target.balance + invoices[-1].balance),
                st.just(target.balance - D("0.50") if target.balance > 1 else target.balance),
                amounts,
            )
        )
        who = draw(st.integers(0, len(NAMES)))
        credits.append(
            Credit(
                key=f"L{k}",
                amount=amount,
                currency=draw(st.sampled_from(["EUR", "EUR", "USD"])),
                date=START + timedelta(days=draw(st.integers(0, 120))),
                counterparty_name=NAMES[who - 1].upper() if who else "",
                counterparty_iban=IBANS[who] if who and draw(st.booleans()) else "",
                remittance=text,
            )
        )
    tolerance = draw(st.sampled_from([D("0"), D("1.00"), D("5.00")]))
    percent = draw(st.sampled_from([D("0"), D("2")]))
    threshold = draw(st.sampled_from([70, 90, 100]))
    return invoices, payers, credits, Settings(threshold, tolerance, percent)


def check(matcher, invoices, credit, decision, rules):
    by_id = {i.id: i for i in invoices}
    assert len(decision.proposals) <= 5
    scores = [p.score for p in decision.proposals]
    assert scores == sorted(scores, reverse=True)
    if decision.outcome == "auto":
        assert decision.best.score >= rules.threshold
        assert "ambiguous" not in [r.code for r in decision.best.reasons]
    if decision.outcome in ("none", "ignored"):
        assert decision.proposals == ()
    for proposal in decision.proposals:
        assert proposal.score == max(0, min(100, sum(r.points for r in proposal.reasons)))
        assert all(r.text for r in proposal.reasons)
        received = sum((a for _, a in proposal.allocations), D(0)) + proposal.excess
        assert received == credit.amount  # write-offs are not money received
        assert proposal.excess >= 0
        cuts = {}
        for invoice_id, amount in proposal.allocations + proposal.write_off:
            assert amount > 0
            cuts[invoice_id] = cuts.get(invoice_id, D(0)) + amount
        for invoice_id, cut in cuts.items():
            invoice = by_id[invoice_id]
            assert cut <= matcher.balance(invoice_id)  # never more than is left
            assert invoice.customer_id == proposal.customer_id
            assert invoice.currency == credit.currency
            assert invoice.issue_date <= credit.date
        for invoice_id, gap in proposal.write_off:
            discount = by_id[invoice_id].balance * rules.discount_percent / 100
            assert gap <= max(rules.tolerance, discount + D("0.05"))  # rounding of a group


@settings(max_examples=150, deadline=None)
@given(world=worlds())
def test_invariants_hold_line_after_line(world):
    invoices, payers, credits, rules = world
    matcher = Matcher(invoices, payers, settings=rules)
    for credit in credits:
        decision = matcher.match(credit)
        check(matcher, invoices, credit, decision, rules)
        if decision.outcome == "auto":
            matcher.apply(decision.best)
    assert all(matcher.balance(i.id) >= 0 for i in invoices)


@settings(max_examples=75, deadline=None)
@given(world=worlds(), seed=st.integers(0, 10**6))
def test_decisions_do_not_depend_on_input_order(world, seed):
    invoices, payers, credits, rules = world
    shuffled = invoices[:]
    random.Random(seed).shuffle(shuffled)
    first = Matcher(invoices, payers, settings=rules).match_all(credits)
    second = Matcher(shuffled, list(reversed(payers)), settings=rules).match_all(credits)
    assert first == second


@settings(max_examples=75, deadline=None)
@given(world=worlds())
def test_match_does_not_change_state(world):
    invoices, payers, credits, rules = world
    matcher = Matcher(invoices, payers, settings=rules)
    once = [matcher.match(c) for c in credits]
    assert [matcher.match(c) for c in credits] == once
    assert all(matcher.balance(i.id) == i.balance for i in invoices)
