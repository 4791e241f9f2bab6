"""Invariants of a reminder run on random plans and invoices."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from solde.core.dunning import CHANNELS, Item, Party, Rules, Step, due_step, plan_run
from solde.core.workdays import Calendar

TODAY = date(2026, 6, 10)  # a Wednesday
KEYS = [f"s{n}" for n in range(6)]

step_lists = st.lists(
    st.builds(
        Step,
        key=st.sampled_from(KEYS),
        offset=st.integers(-10, 60),
        channel=st.sampled_from(CHANNELS),
    ),
    max_size=5,
    unique_by=lambda step: step.key,
)
days = st.integers(-40, 90).map(lambda n: TODAY - timedelta(days=n))
items = st.lists(
    st.builds(
        Item,
        invoice_id=st.integers(1, 10_000),
        customer_id=st.integers(1, 5),
        due_date=days,
        balance=st.sampled_from([Decimal("-1"), Decimal("0"), Decimal("0.01"), Decimal("250.00")]),
        disputed=st.booleans(),
        hold_until=st.none() | days,
        sent=st.frozensets(st.sampled_from(KEYS), max_size=3),
    ),
    max_size=30,
    unique_by=lambda item: item.invoice_id,
)


@st.composite
def parties(draw):
    result = []
    for customer_id in draw(st.sets(st.integers(1, 5))):  # some customers are absent
        result.append(
            Party(
                customer_id,
                tuple(draw(step_lists)),
                paused=draw(st.booleans()),
                last_message=draw(
                    st.none() | st.integers(0, 10).map(lambda n: TODAY - timedelta(days=n))
                ),
            )
        )
    return result


RULES = Rules(min_gap_days=5)


def _expected(party_list, item_list):
    """Each invoice that should be planned, with its step, by the per-invoice rules."""
    by_id = {p.customer_id: p for p in party_list}
    expected = {}
    for invoice in item_list:
        party = by_id.get(invoice.customer_id)
        if party is None or party.paused:
            continue
        step = due_step(invoice, party.steps, TODAY)
        if step is None:
            continue
        gap_ok = party.last_message is None or (TODAY - party.last_message).days >= 5
        if step.channel == "task" or gap_ok:
            expected[invoice.invoice_id] = step
    return expected


@settings(max_examples=150, deadline=None)
@given(party_list=parties(), item_list=items)
def test_a_run_plans_each_due_invoice_once_in_the_right_message(party_list, item_list):
    messages = plan_run(
        today=TODAY, parties=party_list, items=item_list, calendar=Calendar(), rules=RULES
    )
    planned = {p.invoice_id: p.step for m in messages for p in m.items}
    assert sum(len(m.items) for m in messages) == len(planned)  # no invoice twice
    assert planned == _expected(party_list, item_list)

    invoices = {i.invoice_id: i for i in item_list}
    kinds = [(m.customer_id, m.channel == "task") for m in messages]
    assert kinds == sorted(set(kinds))  # one of each kind per customer, in order
    for message in messages:
        assert message.items
        for p in message.items:
            invoice = invoices[p.invoice_id]
            assert invoice.customer_id == message.customer_id
            assert (p.step.channel == "task") == (message.channel == "task")
            assert p.step.offset <= message.step.offset
            assert p.step.key not in invoice.sent
            assert invoice.due_date + timedelta(days=p.step.offset) <= TODAY
            assert p.days_overdue == (TODAY - invoice.due_date).days
            assert p.balance == invoice.balance > 0
        dues = [(invoices[p.invoice_id].due_date, p.invoice_id) for p in message.items]
        assert dues == sorted(dues)


@settings(max_examples=100, deadline=None)
@given(party_list=parties(), item_list=items)
def test_a_second_run_the_same_day_sends_no_burst(party_list, item_list):
    first = plan_run(today=TODAY, parties=party_list, items=item_list, calendar=Calendar())
    done = {p.invoice_id: p.step.key for m in first for p in m.items}
    wrote = {m.customer_id for m in first if m.channel != "task"}
    item_list = [
        Item(**{**_fields(i), "sent": i.sent | {done[i.invoice_id]}}) if i.invoice_id in done else i
        for i in item_list
    ]
    party_list = [
        Party(p.customer_id, p.steps, p.paused, TODAY if p.customer_id in wrote else p.last_message)
        for p in party_list
    ]
    again = plan_run(today=TODAY, parties=party_list, items=item_list, calendar=Calendar())
    held = {i.invoice_id for i in item_list if i.hold_until is not None}
    # Only a plan resuming after a broken promise moves on, one step per run.
    assert {p.invoice_id for m in again for p in m.items} & set(done) <= held
    assert not {m.customer_id for m in again if m.channel != "task"} & wrote


def _fields(invoice: Item) -> dict:
    return {name: getattr(invoice, name) for name in Item.__dataclass_fields__}
