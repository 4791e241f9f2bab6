"""The outbox: delivered on commit, swept when that missed, never sent twice."""

from datetime import timedelta

import pytest
from huey.contrib.djhuey import HUEY

from solde.core import clock
from solde.core.errors import Conflict, NotFound
from solde.mail import tasks
from solde.mail.models import OutboundEmail
from solde.mail.queries import email_get, email_list
from solde.mail.services import (
    MAX_ATTEMPTS,
    invoice_send,
    outbox_deliver,
    outbox_retry,
    outbox_sweep,
)
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(company):
    customer = make_customer(company, name="Dupont SARL", email="compta@dupont.test")
    return invoice_send(invoice=make_invoice(company, customer))


@pytest.fixture
def immediate_jobs():
    """Huey runs each job as it is queued, in memory: the on-commit wiring, end to end."""
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


def _age(email, **fields):
    OutboundEmail.objects.filter(pk=email.pk).update(**fields)


def _ago(minutes: int):
    return clock.now() - timedelta(minutes=minutes)


def test_the_commit_queues_the_delivery(
    company, immediate_jobs, django_capture_on_commit_callbacks
):
    customer = make_customer(company, email="compta@dupont.test")
    invoice = make_invoice(company, customer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = invoice_send(invoice=invoice)
        assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.QUEUED
    assert len(callbacks) == 1
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.SENT


def test_a_queue_down_at_commit_loses_nothing(
    company, monkeypatch, django_capture_on_commit_callbacks
):
    def queue_down(email_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "deliver_email", queue_down)
    customer = make_customer(company, email="compta@dupont.test")
    with django_capture_on_commit_callbacks(execute=True):
        email = invoice_send(invoice=make_invoice(company, customer))
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.QUEUED
    _age(email, next_attempt_at=_ago(2))
    assert outbox_sweep() == {"requeued": 0, "given_up": 0, "sent": 1}


def test_the_sweep_leaves_fresh_rows_to_the_commit_job(queued):
    assert outbox_sweep() == {"requeued": 0, "given_up": 0}
    _age(queued, next_attempt_at=_ago(2))
    assert outbox_sweep() == {"requeued": 0, "given_up": 0, "sent": 1}
    assert tasks.sweep_outbox.call_local() == {"requeued": 0, "given_up": 0}


def test_a_row_stuck_in_sending_is_sent_again_after_ten_minutes(queued):
    _age(queued, status=OutboundEmail.SENDING, attempts=1, claimed_at=_ago(5))
    assert outbox_sweep() == {"requeued": 0, "given_up": 0}
    _age(queued, next_attempt_at=_ago(11), claimed_at=_ago(11))
    assert outbox_sweep() == {"requeued": 1, "given_up": 0, "sent": 1}
    queued.refresh_from_db()
    assert queued.attempts == 2
    assert queued.status == OutboundEmail.SENT


def test_a_failing_row_waits_longer_each_time_then_fails(queued, smtp_down):
    for attempt in range(1, MAX_ATTEMPTS + 1):
        email = outbox_deliver(email_id=queued.pk)
        assert email.attempts == attempt
        wait = email.next_attempt_at - clock.now()
        if attempt < MAX_ATTEMPTS:
            assert email.status == OutboundEmail.QUEUED
            assert timedelta(minutes=2**attempt - 1) < wait <= timedelta(minutes=2**attempt)
    assert email.status == OutboundEmail.FAILED
    assert outbox_deliver(email_id=queued.pk).attempts == MAX_ATTEMPTS  # not claimed again


def test_a_failed_row_can_be_retried(queued, smtp_down, start_smtp, owner):
    _age(queued, status=OutboundEmail.FAILED, attempts=MAX_ATTEMPTS, last_error="refused")
    inbox = start_smtp()
    email = outbox_retry(email=queued, actor=owner)
    assert email.status == OutboundEmail.QUEUED
    assert outbox_deliver(email_id=email.pk).status == OutboundEmail.SENT
    assert len(inbox.messages) == 1
    with pytest.raises(Conflict):
        outbox_retry(email=email)


def test_the_outbox_is_read_through_the_company(queued, company, other_company):
    assert list(email_list(company=company)) == [queued]
    assert list(email_list(company=company, status="sent")) == []
    assert list(email_list(company=other_company)) == []
    assert email_get(company=company, ref=str(queued.public_id)) == queued
    with pytest.raises(NotFound):
        email_get(company=other_company, ref=str(queued.public_id))
