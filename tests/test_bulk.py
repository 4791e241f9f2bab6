"""Rows written in bulk read back as the ORM would have written them (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from solde.audit.models import AuditEvent
from solde.bulk import among, insert_rows, update_rows
from solde.core import clock
from solde.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_inserted_rows_take_their_defaults_and_give_their_keys_in_order(company, customer):
    rows = [
        {"company_id": company.pk, "customer_id": customer.pk, "date": date(2026, 11, n),
         "amount": Decimal(f"{n}.50"), "unallocated": Decimal("0")}
        for n in range(1, 6)
    ]  # fmt: skip
    ids = insert_rows(Payment, rows, returning=True)
    stored = {p.pk: p for p in Payment.objects.filter(pk__in=ids)}
    assert [stored[pk].amount for pk in ids] == [Decimal(f"{n}.50") for n in range(1, 6)]
    first = stored[ids[0]]
    assert (first.currency, first.method, first.source) == ("EUR", "transfer", "manual")
    assert isinstance(first.public_id, uuid.UUID) and first.created_at is not None
    assert len({p.public_id for p in stored.values()}) == 5


def test_json_uuids_and_times_round_trip(company):
    public = uuid.uuid4()
    now = clock.now()
    insert_rows(
        AuditEvent,
        [
            {"company_id": company.pk, "at": now, "action": "x.y", "object_type": "t",
             "object_id": public, "after": {"amount": "1.50", "list": [1, "é"]}}
        ],
    )  # fmt: skip
    event = AuditEvent.objects.get(object_id=public)
    assert event.after == {"amount": "1.50", "list": [1, "é"]} and event.before is None
    assert event.at == now


def test_updated_rows_change_only_the_fields_named(company, customer):
    ids = insert_rows(
        Payment,
        [{"company_id": company.pk, "customer_id": customer.pk, "date": date(2026, 11, 2),
          "amount": Decimal("10"), "unallocated": Decimal("10"), "reference": "keep"}],
        returning=True,
    )  # fmt: skip
    update_rows(
        Payment, ["unallocated", "cancelled_on"], [(ids[0], [Decimal("0"), date(2026, 11, 3)])]
    )
    payment = Payment.objects.get(pk=ids[0])
    assert (payment.unallocated, payment.cancelled_on, payment.reference) == (
        Decimal("0"), date(2026, 11, 3), "keep",
    )  # fmt: skip


def test_nothing_to_write_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(Payment, [], returning=True) == []
        update_rows(Payment, ["unallocated"], [])


def test_a_bulk_session_puts_the_checkpoint_setting_back():
    from django.db import connection

    from solde.bulk import bulk_session

    if connection.vendor != "sqlite":
        with bulk_session():
            return  # nothing to change elsewhere

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    before = setting()
    with bulk_session():
        assert setting() == 0
    assert setting() == before


def test_among_selects_the_rows_a_plain_in_list_selects(company, customer):
    refs = ["a'b", "é;--", "%s", "plain", "x" * 150]
    rows = [
        {"company_id": company.pk, "customer_id": customer.pk, "date": date(2026, 11, 2),
         "amount": Decimal("1"), "unallocated": Decimal("1"), "reference": ref}
        for ref in refs
    ]  # fmt: skip
    ids = insert_rows(Payment, rows, returning=True)
    payments = Payment.objects.filter(company=company)
    for wanted in ([ids[1], ids[3], 10**12], [], ids):
        chosen = payments.filter(pk__in=among(wanted)).values_list("pk", flat=True)
        assert sorted(chosen) == sorted(i for i in wanted if i in ids)
    by_ref = payments.filter(reference__in=among([refs[0], refs[1], refs[2], "absent"]))
    assert sorted(by_ref.values_list("reference", flat=True)) == sorted(refs[:3])
