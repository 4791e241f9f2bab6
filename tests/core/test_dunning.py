"""Which step an invoice is due for: rules 1 to 4 of solde.core.dunning, as tables."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from solde.core.dunning import CHANNELS, Item, Step, due_step
from solde.core.errors import ValidationError

DUE = date(2026, 3, 2)  # a Monday
PRE = Step("pre", -3, "email")
D1 = Step("d1", 1, "email")
D15 = Step("d15", 15, "letter")
CALL = Step("call", 30, "task")
D45 = Step("d45", 45, "letter")
PLAN = (PRE, D1, D15, CALL, D45)
SHUFFLED = (D45, D1, CALL, PRE, D15)


def day(offset: int) -> date:
    """J+offset: `offset` days after the due date."""
    return DUE + timedelta(days=offset)


def item(**overrides) -> Item:
    fields = {"invoice_id": 1, "customer_id": 1, "due_date": DUE, "balance": Decimal("100.00")}
    return Item(**{**fields, **overrides})


def key(step: Step | None) -> str | None:
    return step.key if step else None


@pytest.mark.parametrize("steps", [PLAN, SHUFFLED], ids=["sorted", "shuffled"])
@pytest.mark.parametrize(
    "offset, expected",
    [
        (-10, None),
        (-4, None),
        (-3, "pre"),  # J-3 is due on the day itself: today >= due_date + offset
        (0, "pre"),
        (1, "d1"),
        (14, "d1"),
        (15, "d15"),
        (29, "d15"),
        (30, "call"),
        (45, "d45"),
        (400, "d45"),
    ],
)
def test_the_latest_due_step_whatever_order_the_steps_come_in(steps, offset, expected):
    assert key(due_step(item(), steps, day(offset))) == expected


@pytest.mark.parametrize(
    "overrides, offset, expected",
    [
        ({"balance": Decimal("0")}, 20, None),
        ({"balance": Decimal("-5.00")}, 20, None),  # a credit: nothing to chase
        ({"balance": Decimal("0.01")}, 20, "d15"),
        ({"disputed": True}, 20, None),
        ({"disputed": True, "sent": frozenset({"pre"})}, 60, None),
        ({"hold_until": day(25)}, 20, None),
        ({"hold_until": day(25)}, 25, None),  # up to and including the hold date
        ({"hold_until": day(10)}, 5, None),
    ],
)
def test_nothing_for_paid_disputed_or_held_invoices(overrides, offset, expected):
    assert key(due_step(item(**overrides), PLAN, day(offset))) == expected


@pytest.mark.parametrize(
    "sent, offset, expected",
    [
        ({"pre"}, 0, None),  # the same step is never planned twice
        ({"pre"}, 1, "d1"),
        ({"pre", "d1"}, 14, None),
        ({"pre", "d1"}, 15, "d15"),
        ({"d15"}, 20, None),  # never go back to pre or d1
        ({"d15"}, 30, "call"),
        ({"pre", "call"}, 40, None),  # d15 was skipped by hand: still no going back
        ({"d45"}, 400, None),  # the plan is over
        ({"gone"}, 1, "d1"),  # a key no longer in the plan says nothing
        ({"gone", "d1"}, 20, "d15"),
    ],
)
def test_never_go_back_and_never_twice(sent, offset, expected):
    assert key(due_step(item(sent=frozenset(sent)), PLAN, day(offset))) == expected


@pytest.mark.parametrize(
    "sent, offset, expected",
    [
        # A run missed for days: only the latest due step, not a burst.
        (set(), 50, "d45"),
        ({"pre"}, 31, "call"),
        ({"pre", "d1"}, 46, "d45"),
    ],
)
def test_catch_up_sends_only_the_latest_due_step(sent, offset, expected):
    assert key(due_step(item(sent=frozenset(sent)), PLAN, day(offset))) == expected


@pytest.mark.parametrize(
    "sent, hold_until, offset, expected",
    [
        # A promise kept until J+20 then broken: resume with the NEXT step, not the latest.
        ({"pre", "d1"}, 20, 21, "d15"),
        ({"pre", "d1"}, 20, 50, "d15"),
        ({"pre", "d1", "d15"}, 35, 50, "call"),
        (set(), 40, 41, "pre"),
        # The next step is not due yet: nothing, even though the hold has ended.
        ({"pre", "d1", "d15"}, 5, 20, None),
        ({"pre"}, -5, -1, None),
        # Still on hold: nothing.
        ({"pre", "d1"}, 50, 50, None),
    ],
)
def test_an_ended_hold_resumes_with_the_next_step(sent, hold_until, offset, expected):
    held = item(sent=frozenset(sent), hold_until=day(hold_until))
    assert key(due_step(held, PLAN, day(offset))) == expected


def test_no_steps_no_reminder():
    assert due_step(item(), (), day(100)) is None


def test_steps_with_the_same_offset_keep_their_given_order():
    email, letter = Step("e", 10, "email"), Step("l", 10, "letter")
    assert due_step(item(), (email, letter), day(10)) == letter
    assert due_step(item(sent=frozenset({"e"})), (email, letter), day(10)) == letter
    assert due_step(item(sent=frozenset({"l"})), (email, letter), day(10)) is None


def test_an_unknown_channel_is_refused():
    assert CHANNELS == ("email", "letter", "task")
    with pytest.raises(ValidationError) as caught:
        Step("x", 1, "sms")
    assert caught.value.field == "channel"
