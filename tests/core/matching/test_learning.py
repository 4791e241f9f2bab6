"""What people teach the matcher, and how the next lines use it."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from solde.core.matching import (
    Credit,
    Knowledge,
    Matcher,
    OpenInvoice,
    Payer,
    lesson_from_match,
    lesson_never_customer,
)

D = Decimal
DAY = date(2026, 5, 4)
INVOICES = [
    OpenInvoice(1, "FA-2026-00123", 10, D("1200.00"), D("1200.00"), "EUR", date(2026, 3, 1)),
    OpenInvoice(2, "FA-2026-00124", 10, D("860.00"), D("860.00"), "EUR", date(2026, 3, 5)),
]
CUSTOMER = Payer(10, "Optique Moreau SARL")
FROM_OWNER = Credit(
    "L1", D("1200.00"), "EUR", DAY, "M OU MME JEAN MOREAU", "FR76 1027 8060 0100 0123 4567 890",
    "FACTURE FA-2026-00123 MORCMD-4512",
)  # fmt: skip


def test_a_confirmation_teaches_the_payer_and_its_habits():
    lesson = lesson_from_match(FROM_OWNER, customer_id=10, invoice_numbers=["FA-2026-00123"])
    assert lesson.customer_id == 10
    assert lesson.iban == "FR7610278060010001234567890"
    assert lesson.alias == "JEAN MOREAU"
    assert lesson.habits == frozenset({"MORCMD"})  # not FACTURE, not the invoice prefix


def test_a_rejection_teaches_never_to_match_this_payer():
    credit = Credit("L9", D("320.00"), "EUR", DAY, "DGFIP", "FR7630001007941234567890185")
    assert lesson_never_customer(credit) == frozenset({"DGFIP", "FR7630001007941234567890185"})


def learned(payer, lesson):
    return replace(
        payer,
        ibans=payer.ibans | {lesson.iban},
        aliases=payer.aliases | {lesson.alias},
        habits=payer.habits | lesson.habits,
    )


def test_the_next_lines_use_what_was_learned():
    next_line = Credit(
        "L2", D("860.00"), "EUR", DAY, "M OU MME JEAN MOREAU", "FR7610278060010001234567890"
    )
    before = Matcher(INVOICES, [CUSTOMER]).match(next_line)
    assert before.outcome == "suggest"  # the amount alone: the owner's name is not the company's

    lesson = lesson_from_match(FROM_OWNER, customer_id=10, invoice_numbers=["FA-2026-00123"])
    after = Matcher(INVOICES, [learned(CUSTOMER, lesson)]).match(next_line)
    assert (after.outcome, after.best.allocations) == ("auto", ((2, D("860.00")),))
    assert {"iban", "alias"} <= {r.code for r in after.best.reasons}


def test_a_learned_habit_alone_is_a_hint_not_a_proof():
    lesson = lesson_from_match(FROM_OWNER, customer_id=10, invoice_numbers=["FA-2026-00123"])
    payer = replace(CUSTOMER, habits=lesson.habits)
    line = Credit("L3", D("860.00"), "EUR", DAY, remittance="MORCMD-4517")
    decision = Matcher(INVOICES, [payer]).match(line)
    assert decision.outcome == "suggest"
    assert [r.code for r in decision.best.reasons] == ["amount_exact", "habit"]


def test_a_rejected_payer_is_ignored_from_then_on():
    credit = Credit("L9", D("1200.00"), "EUR", DAY, "DGFIP", "FR7630001007941234567890185")
    knowledge = Knowledge(not_customers=lesson_never_customer(credit))
    assert Matcher(INVOICES, [CUSTOMER]).match(credit).outcome == "suggest"
    assert Matcher(INVOICES, [CUSTOMER], knowledge).match(credit).outcome == "ignored"
