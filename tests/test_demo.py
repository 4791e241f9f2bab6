"""The demo company: realistic, lawful and consistent, made through the services."""

import re
from collections import defaultdict
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from solde.core.errors import Conflict
from solde.demo import PASSWORD, demo_create
from solde.invoicing.models import Invoice
from solde.invoicing.queries import display_status
from solde.payments.checks import check_caches
from solde.payments.models import Payment
from solde.payments.queries import customer_balances

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture
def demo():
    return demo_create(slug="demo", today=TODAY, customers=25, invoices=250, seed=7)


def test_users_can_sign_in(demo):
    users = get_user_model().objects
    assert users.get(username="demo@solde.test").check_password(PASSWORD)
    assert demo.memberships.get(user__username="compta@solde.test").role == "accountant"


def test_numbers_are_gapless_and_chronological(demo):
    series = defaultdict(list)
    for number, day in Invoice.objects.filter(company=demo).values_list("number", "issue_date"):
        prefix, year, seq = re.fullmatch(r"(\w+)-(\d{4})-(\d{5})", number).groups()
        series[(prefix, year)].append((int(seq), day))
    for entries in series.values():
        entries.sort()
        assert [seq for seq, _ in entries] == list(range(1, len(entries) + 1))
        assert [day for _, day in entries] == sorted(day for _, day in entries)


def test_every_kind_of_situation_is_there(demo):
    statuses = {display_status(i, TODAY) for i in Invoice.objects.filter(company=demo)}
    assert {"paid", "open", "overdue"} <= statuses
    kinds = set(Invoice.objects.filter(company=demo).values_list("kind", flat=True))
    assert kinds == {"invoice", "deposit", "credit_note"}
    assert Payment.objects.filter(company=demo, unallocated__gt=0).exists()  # over-payments


def test_balances_agree_with_allocations(demo):
    assert check_caches(company=demo) == []
    rows = customer_balances(demo, TODAY)
    receivable = (
        Invoice.objects.filter(company=demo)
        .exclude(kind="credit_note")
        .aggregate(s=Sum("balance"))["s"]
    )
    credit = (
        Payment.objects.filter(company=demo).aggregate(s=Sum("unallocated"))["s"]
        + Invoice.objects.filter(company=demo, kind="credit_note").aggregate(s=Sum("balance"))["s"]
    )
    assert sum(r.receivable for r in rows) == receivable
    assert sum(r.credit for r in rows) == credit


def test_a_second_demo_with_the_same_slug_is_refused(demo):
    with pytest.raises(Conflict):
        demo_create(slug="demo", today=TODAY, customers=1, invoices=1)
