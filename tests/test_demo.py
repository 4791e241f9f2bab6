"""The demo company: realistic, lawful and consistent, made through the services."""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Sum
from stdnum.fr import siren, siret, tva

from solde.core.errors import Conflict
from solde.customers.models import Customer
from solde.demo import PASSWORD, demo_create
from solde.invoicing.models import Invoice
from solde.invoicing.queries import display_status
from solde.payments.models import Allocation, Payment
from solde.payments.queries import customer_balances

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo for the whole module (it takes seconds), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_create(slug="demo", today=TODAY, customers=20, invoices=150, seed=7)
        transaction.set_rollback(True)


def invoices(company):
    return Invoice.objects.filter(company=company)


def test_the_company_has_a_lawful_identity_and_two_users(demo):
    assert demo.name == "Atelier Lumière SAS" and demo.legal_form == "SAS"
    assert siren.is_valid(demo.siren) and siret.is_valid(demo.siret)
    assert demo.siret.startswith(demo.siren) and tva.to_siren(demo.vat_number) == demo.siren
    assert demo.iban.startswith("FR") and demo.payment_terms_days == 30
    users = get_user_model().objects
    assert users.get(username="demo@solde.test").check_password(PASSWORD)
    assert users.get(username="compta@solde.test").check_password(PASSWORD)
    assert demo.memberships.get(user__username="demo@solde.test").role == "owner"
    assert demo.memberships.get(user__username="compta@solde.test").role == "accountant"


def test_customers_have_codes_segments_and_valid_sirens(demo):
    customers = Customer.objects.filter(company=demo).order_by("code")
    assert [c.code for c in customers] == [f"CLI{n:04d}" for n in range(1, 21)]
    for customer in customers.filter(kind="company"):
        assert siren.is_valid(customer.siren), customer
        assert tva.to_siren(customer.vat_number) == customer.siren
    assert all(c.segment for c in customers)


def test_numbers_are_gapless_and_chronological_per_series_and_year(demo):
    series = defaultdict(list)
    for number, day in invoices(demo).values_list("number", "issue_date"):
        prefix, year, seq = re.fullmatch(r"([A-Z]+)-(\d{4})-(\d{5})", number).groups()
        assert int(year) == day.year
        series[(prefix, year)].append((int(seq), day))
    assert {prefix for prefix, _ in series} == {"FA", "AV"}
    for entries in series.values():
        entries.sort()
        assert [seq for seq, _ in entries] == list(range(1, len(entries) + 1))
        days = [day for _, day in entries]
        assert days == sorted(days)
    assert max(day for entries in series.values() for _, day in entries) <= TODAY
    assert not invoices(demo).filter(state="draft").exists()


def test_every_cached_balance_is_the_total_less_the_active_allocations(demo):
    active = Allocation.objects.filter(company=demo, undone_on__isnull=True)
    by_invoice = dict(
        active.values("invoice").annotate(s=Sum("amount")).values_list("invoice", "s")
    )
    by_note = dict(
        active.filter(kind="credit_note")
        .values("credit_note")
        .annotate(s=Sum("amount"))
        .values_list("credit_note", "s")
    )
    for invoice in invoices(demo):
        used = by_note if invoice.kind == "credit_note" else by_invoice
        assert invoice.balance == invoice.total - used.get(invoice.pk, 0), invoice.number
    for payment in Payment.objects.filter(company=demo):
        used = payment.allocations.filter(undone_on__isnull=True).aggregate(s=Sum("amount"))["s"]
        assert payment.unallocated == payment.amount - (used or 0)


def test_every_kind_of_situation_is_there(demo):
    rows = list(invoices(demo).exclude(kind="credit_note"))
    statuses = {display_status(i, TODAY) for i in rows}
    assert {"paid", "open", "overdue", "disputed"} <= statuses
    assert {i.status for i in rows} >= {"paid", "partially_paid", "open", "written_off"}
    assert any(i.due_date < TODAY and i.balance > 0 for i in rows)  # overdue
    assert any(i.due_date >= TODAY and i.balance > 0 for i in rows)  # open, not yet due
    assert any(i.disputed for i in rows)
    assert set(invoices(demo).values_list("kind", flat=True)) == {
        "invoice",
        "deposit",
        "credit_note",
    }
    assert invoices(demo).filter(lines__deducts__isnull=False).exists()  # a deposit deducted
    assert invoices(demo).filter(lines__discount_percent__gt=0).exists()
    rates = set(invoices(demo).values_list("lines__vat_rate", flat=True))
    assert {Decimal("20"), Decimal("10"), Decimal("5.5")} <= rates
    assert Payment.objects.filter(company=demo, unallocated__gt=0).exists()  # over-payment
    assert Allocation.objects.filter(company=demo, kind="write_off", bad_debt=False).exists()
    payments = Allocation.objects.filter(company=demo, kind="payment")
    grouped = payments.values("payment").annotate(n=Count("invoice")).filter(n__gt=1)
    assert grouped.exists()  # one transfer for several invoices
    instalments = payments.values("invoice").annotate(n=Count("payment")).filter(n__gt=1)
    assert instalments.exists()  # one invoice paid in several transfers


def test_the_latest_bank_statement_is_matched_and_leaves_a_review_queue(demo):
    from solde.banking.models import BankLine

    statuses = set(BankLine.objects.filter(company=demo).values_list("status", flat=True))
    assert {"matched", "debit"} <= statuses
    assert statuses & {"suggested", "unmatched"}, "a person has something to review"
    auto = BankLine.objects.filter(company=demo, status="matched", how="auto")
    assert auto.count() >= 5 and all(line.proposals[0]["reasons"] for line in auto)


def test_reminders_are_on_and_todays_run_was_made(demo):
    from solde.reminders.models import Reminder, ReminderLine

    assert demo.reminders_enabled
    sent = Reminder.objects.filter(company=demo, run_date=TODAY)
    assert sent.exists(), "the reminder pages and timelines have something to show"
    chased = ReminderLine.objects.filter(reminder__company=demo).select_related("invoice")
    assert all(line.invoice.balance > 0 and not line.invoice.disputed for line in chased)


def test_customer_balances_sum_to_open_balances_less_credit(demo):
    rows = customer_balances(demo, TODAY)
    receivable = invoices(demo).exclude(kind="credit_note").aggregate(s=Sum("balance"))["s"]
    credit = (
        Payment.objects.filter(company=demo).aggregate(s=Sum("unallocated"))["s"]
        + invoices(demo).filter(kind="credit_note").aggregate(s=Sum("balance"))["s"]
    )
    assert sum(r.receivable for r in rows) == receivable
    assert sum(r.credit for r in rows) == credit
    assert sum(r.balance for r in rows) == receivable - credit


def test_the_same_seed_gives_the_same_data():
    def story(slug):
        company = demo_create(slug=slug, today=TODAY, customers=4, invoices=30, seed=3)
        return [
            list(invoices(company).order_by("number").values_list("number", "total", "balance")),
            list(Payment.objects.filter(company=company).values_list("date", "amount")),
        ]

    assert story("one") == story("two")


def test_a_second_demo_with_the_same_slug_is_refused(demo):
    with pytest.raises(Conflict):
        demo_create(slug="demo", today=TODAY, customers=1, invoices=1)
