"""A reminder run: working days, grouping per customer, the minimum gap, exclusions, order."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.core.dunning import Item, Message, Party, Planned, Rules, Step, plan_run
from solde.core.workdays import Calendar

D1 = Step("d1", 1, "email")
D15 = Step("d15", 15, "letter")
CALL = Step("call", 30, "task")
PLAN = (D1, D15, CALL)
MONDAY = date(2026, 3, 16)
CALENDAR = Calendar(holidays=frozenset({date(2026, 4, 6)}))  # Easter Monday 2026


def item(invoice_id, customer_id=1, *, late=1, balance="100.00", today=MONDAY, **more) -> Item:
    """An invoice `late` days past its due date on `today`."""
    due = today - timedelta(days=late)
    return Item(invoice_id, customer_id, due, Decimal(balance), **more)


def run(parties, items, today=MONDAY, **rules) -> list[Message]:
    return plan_run(
        today=today, parties=parties, items=items, calendar=CALENDAR, rules=Rules(**rules)
    )


def summary(messages):
    return [
        (m.customer_id, m.channel, m.step.key, [(p.invoice_id, p.step.key) for p in m.items])
        for m in messages
    ]


@pytest.mark.parametrize(
    "today, skip, planned",
    [
        (date(2026, 3, 14), True, False),  # Saturday
        (date(2026, 3, 15), True, False),  # Sunday
        (date(2026, 4, 6), True, False),  # a holiday of the calendar
        (date(2026, 3, 16), True, True),
        (date(2026, 3, 14), False, True),  # the rule switched off
        (date(2026, 4, 6), False, True),
    ],
)
def test_nothing_goes_out_on_a_non_working_day(today, skip, planned):
    messages = run(
        [Party(1, PLAN)], [item(1, late=20, today=today)], today, skip_non_working_days=skip
    )
    assert bool(messages) is planned


def test_the_next_working_day_catches_up_with_the_latest_step():
    # Due Thursday 26 February: d1 fell on Friday 27, d15 on Saturday 14 March.
    invoice = Item(1, 1, date(2026, 2, 27), Decimal("80.00"))
    assert run([Party(1, PLAN)], [invoice], date(2026, 3, 14)) == []
    assert summary(run([Party(1, PLAN)], [invoice], date(2026, 3, 16))) == [
        (1, "letter", "d15", [(1, "d15")])
    ]


def test_one_email_or_letter_message_per_customer_and_a_separate_task():
    items = [
        item(10, late=2),  # d1 (email)
        item(11, late=16),  # d15 (letter)
        item(12, late=31),  # call (task)
        item(13, late=5),  # d1 (email)
        item(14, late=0),  # nothing due yet
    ]
    messages = run([Party(1, PLAN)], items)
    # The letter beats the email; each invoice keeps its own step; oldest due date first.
    assert summary(messages) == [
        (1, "letter", "d15", [(11, "d15"), (13, "d1"), (10, "d1")]),
        (1, "task", "call", [(12, "call")]),
    ]
    letter = messages[0]
    assert letter.total_due == Decimal("300.00")
    assert [p.days_overdue for p in letter.items] == [16, 5, 2]
    assert letter.items[0] == Planned(11, D15, Decimal("100.00"), 16)


def test_invoices_with_the_same_due_date_are_ordered_by_id():
    messages = run([Party(1, PLAN)], [item(9, late=3), item(4, late=3), item(7, late=3)])
    assert [p.invoice_id for p in messages[0].items] == [4, 7, 9]


def test_the_firmest_step_names_the_message():
    early_letter = (Step("warn", 1, "letter"), Step("late", 10, "email"))
    messages = run([Party(1, early_letter)], [item(1, late=3), item(2, late=12)])
    assert summary(messages) == [(1, "email", "late", [(2, "late"), (1, "warn")])]


def test_at_the_same_offset_a_letter_beats_an_email():
    # Invoice 1 resumes after a broken promise with the letter, invoice 2 catches up
    # with the email that comes after it in the plan: both steps are at J+10.
    plan = (Step("l", 10, "letter"), Step("e", 10, "email"))
    items = [item(1, late=12, hold_until=MONDAY - timedelta(days=1)), item(2, late=12)]
    messages = run([Party(1, plan)], items)
    assert summary(messages) == [(1, "letter", "l", [(1, "l"), (2, "e")])]


def test_tasks_alone_make_only_a_task_message():
    assert summary(run([Party(1, PLAN)], [item(1, late=40)])) == [
        (1, "task", "call", [(1, "call")])
    ]


@pytest.mark.parametrize(
    "days_ago, gap, gets_email",
    [
        (None, 5, True),
        (0, 5, False),  # already written to today
        (1, 5, False),
        (4, 5, False),
        (5, 5, True),
        (30, 5, True),
        (0, 0, True),
        (2, 3, False),
        (3, 3, True),
    ],
)
def test_minimum_gap_between_two_messages_to_one_customer(days_ago, gap, gets_email):
    last = None if days_ago is None else MONDAY - timedelta(days=days_ago)
    party = Party(1, PLAN, last_message=last)
    channels = [
        m.channel for m in run([party], [item(1, late=2), item(2, late=35)], min_gap_days=gap)
    ]
    # The gap never holds back a task.
    assert channels == (["email", "task"] if gets_email else ["task"])


def test_invoices_held_back_by_the_gap_are_planned_again_later():
    invoice = item(1, late=16)  # d15 due today, but a reminder went out 2 days ago
    party = Party(1, PLAN, last_message=MONDAY - timedelta(days=2))
    assert run([party], [invoice]) == []
    later = MONDAY + timedelta(days=3)
    assert summary(run([party], [invoice], later)) == [(1, "letter", "d15", [(1, "d15")])]


@pytest.mark.parametrize(
    "party",
    [
        Party(1, PLAN, paused=True),
        Party(1, ()),
        Party(2, PLAN),  # another customer: customer 1 is absent from the parties
    ],
    ids=["paused", "no-steps", "absent"],
)
def test_paused_planless_and_unknown_customers_get_nothing(party):
    assert run([party], [item(1, late=2), item(2, late=40)]) == []


def test_output_is_ordered_by_customer_then_email_or_letter_before_the_task():
    parties = [Party(c, PLAN) for c in (3, 1, 2)]
    items = [item(1, 3, late=40), item(2, 2, late=2), item(3, 1, late=40), item(4, 1, late=2)]
    items += [item(5, 3, late=20)]
    assert [(m.customer_id, m.channel) for m in run(parties, items)] == [
        (1, "email"),
        (1, "task"),
        (2, "email"),
        (3, "letter"),
        (3, "task"),
    ]


def test_customers_with_different_plans():
    short = (Step("only", 5, "letter"),)
    parties = [Party(1, PLAN), Party(2, short)]
    messages = run(parties, [item(1, 1, late=6), item(2, 2, late=6)])
    assert summary(messages) == [
        (1, "email", "d1", [(1, "d1")]),
        (2, "letter", "only", [(2, "only")]),
    ]


def test_plan_run_reads_each_input_once():
    # Parties and items may be generators (one pass over a database cursor).
    parties = (p for p in [Party(1, PLAN)])
    items = (i for i in [item(1, late=2)])
    assert summary(run(parties, items)) == [(1, "email", "d1", [(1, "d1")])]
