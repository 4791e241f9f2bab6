"""Customer risk scores from the database, on the ledger of forecast_ledger.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solde.core.risk import HIGH, LOW, MEDIUM, Reason, RiskScore
from solde.payments.services import payment_record
from solde.reports.risk import customer_risk, risk_of
from tests.builders import make_customer
from tests.reports.forecast_ledger import build, day

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def ledger(company, other_company):
    return build(company, other_company)


def test_risk_scores_today(company, ledger):
    scores = customer_risk(company=company, as_of=day("11-20"))
    alpha, beta, gamma = (ledger[c].pk for c in ("ALPHA", "BETA", "GAMMA"))
    assert set(scores) == {alpha, beta, gamma}
    # ALPHA: 1 of P1 (+2), P2 (+5), P3 (−1) on time; the promise of 11-12 broken; A2's
    # 400 overdue against 2200 invoiced in the year / 12 = 183.33 (no more than 3 x).
    assert scores[alpha] == RiskScore(
        40,
        MEDIUM,
        (
            Reason("paid_late", {"on_time": 33, "paid": 3}, 20),
            Reason("promises_broken", {"count": 1}, 10),
            Reason("overdue_vs_habit", {"overdue": D("400.00"), "monthly": D("183.33")}, 10),
        ),
    )
    # BETA: B2 disputed, P4's dispute resolved on 08-20; B2's 300 overdue against
    # (400 + 300 + 500) / 12 = 100: 3 x exactly.
    assert scores[beta] == RiskScore(
        25,
        LOW,
        (
            Reason("dispute_open", {"count": 1}, 10),
            Reason("disputes_recent", {"count": 1}, 5),
            Reason("overdue_vs_habit", {"overdue": D("300.00"), "monthly": D("100.00")}, 10),
        ),
    )
    # GAMMA: G1's 250 overdue 112 days against 250 / 12 = 20.83 (the USD invoice is not
    # in the euro figures).
    assert scores[gamma] == RiskScore(
        40,
        MEDIUM,
        (
            Reason("overdue_vs_habit", {"overdue": D("250.00"), "monthly": D("20.83")}, 20),
            Reason("oldest_overdue", {"days": 112}, 20),
        ),
    )


def test_risk_scores_before_the_promise_date_and_the_due_date(company, ledger):
    scores = customer_risk(company=company, as_of=day("11-11"))
    alpha = scores[ledger["ALPHA"].pk]
    # The promise for 11-12 could not be broken yet, A2 was not due: only P1–P3 count.
    assert alpha == RiskScore(20, LOW, (Reason("paid_late", {"on_time": 33, "paid": 3}, 20),))
    assert scores[ledger["GAMMA"].pk].reasons[1] == Reason("oldest_overdue", {"days": 103}, 20)


def test_risk_months_ago(company, ledger):
    scores = customer_risk(company=company, as_of=day("08-15"))
    # ALPHA had paid 2 invoices (too few to judge) and owed nothing overdue; BETA's P4
    # was disputed that day; GAMMA's G1 15 days past due, against 250 / 12.
    assert ledger["ALPHA"].pk in scores and scores[ledger["ALPHA"].pk].score == 0
    assert scores[ledger["BETA"].pk] == RiskScore(
        10, LOW, (Reason("dispute_open", {"count": 1}, 10),)
    )
    assert scores[ledger["GAMMA"].pk].reasons == (
        Reason("overdue_vs_habit", {"overdue": D("250.00"), "monthly": D("20.83")}, 20),
    )


def test_one_customers_risk(company, ledger):
    everyone = customer_risk(company=company, as_of=day("11-20"))
    for code in ("ALPHA", "BETA", "GAMMA"):
        customer = ledger[code]
        assert risk_of(customer, day("11-20")) == everyone[customer.pk]
    assert risk_of(make_customer(company, "NEW"), day("11-20")) == RiskScore(0, LOW, ())


def test_a_payment_today_leaves_yesterdays_scores_unchanged(company, ledger):
    before = customer_risk(company=company, as_of=day("11-19"))
    payment_record(company=company, amount="250", date=day("11-20"), invoices=[ledger["G1"]])
    assert customer_risk(company=company, as_of=day("11-19")) == before
    gamma = customer_risk(company=company, as_of=day("11-20"))[ledger["GAMMA"].pk]
    assert gamma == RiskScore(0, LOW, ())  # G1 paid: nothing overdue, one payment only


def test_a_high_risk_customer(company, ledger):
    alpha = risk_of(ledger["ALPHA"], date(2027, 3, 1))
    # By 2027-03-01 A2 (400 left) is 107 days past due and A1 91: 1400 against 183.33.
    assert alpha == RiskScore(
        70,
        HIGH,
        (
            Reason("paid_late", {"on_time": 33, "paid": 3}, 20),
            Reason("promises_broken", {"count": 1}, 10),
            Reason("overdue_vs_habit", {"overdue": D("1400.00"), "monthly": D("183.33")}, 20),
            Reason("oldest_overdue", {"days": 107}, 20),
        ),
    )


def test_risk_runs_a_fixed_number_of_queries(company, ledger, django_assert_num_queries):
    with django_assert_num_queries(7):
        customer_risk(company=company, as_of=day("11-20"))


def test_the_scores_of_some_customers_are_theirs_in_the_full_list(company, ledger):
    every = customer_risk(company=company, as_of=day("11-20"))
    alpha, gamma = ledger["ALPHA"].pk, ledger["GAMMA"].pk
    some = customer_risk(company=company, as_of=day("11-20"), customer_ids=[alpha, gamma])
    assert some == {alpha: every[alpha], gamma: every[gamma]}
