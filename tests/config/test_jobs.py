"""The job queue: SQLite storage by default, Redis when configured; jobs call services."""

import os
from datetime import date

import pytest
import redis
from huey import RedisHuey

from solde.invoicing.models import Invoice
from solde.payments.tasks import check_all_caches
from tests.builders import make_invoice

REDIS_URL = os.environ.get("SOLDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.django_db
def test_the_nightly_check_rebuilds_drifted_balances(company, customer):
    invoice = make_invoice(company, customer, issue_date=date(2026, 11, 2))
    Invoice.objects.filter(pk=invoice.pk).update(balance=0)
    assert check_all_caches.call_local() == {"acme": 1}
    invoice.refresh_from_db()
    assert invoice.balance == invoice.total


def test_default_storage_is_sqlite_in_the_data_directory(settings):
    assert settings.HUEY["huey_class"] == "huey.SqliteHuey"
    assert settings.HUEY["filename"].startswith(str(settings.DATA_DIR))


def test_a_job_goes_through_a_real_redis():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    queue = RedisHuey("solde-test", url=REDIS_URL)
    queue.flush()

    @queue.task()
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert len(queue) == 1
    task = queue.dequeue()
    queue.execute(task)
    assert result.get() == 5
    queue.flush()
