"""The DSO month by month, on the ledger of kpi_ledger.py computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solde.core.errors import ValidationError
from solde.reports.kpis import TrendPoint, dso_trend, kpis, summary
from tests.reports.kpi_ledger import build, day

pytestmark = pytest.mark.django_db


def D(text: str) -> Decimal:  # noqa: N802 - reads as a literal
    return Decimal(text)


@pytest.fixture
def ledger(company, other_company):
    return build(company, other_company)


def test_four_months_by_hand(company, ledger):
    assert dso_trend(company, day("11-20"), months=4) == (
        # I1 600 + I2 400 open, both invoiced in 06-03 .. 08-31: 1000 / 1000 × 90.
        TrendPoint(day("08-31"), D("1000.00"), D("1000.00"), D("90.0")),
        # I2 paid 09-10; I6 250 issued. Invoiced 07-03 .. 09-30: I2 400 + I6 250.
        TrendPoint(day("09-30"), D("850.00"), D("650.00"), D("117.7")),  # 850 / 650 × 90
        # I1 400 after 200 paid, I6 250, I3 1000, I4 500 − 100 (in force 10-25 .. 11-08).
        # Invoiced 08-03 .. 10-31: 400 + 250 + 1000 + 500.
        TrendPoint(day("10-31"), D("2050.00"), D("2150.00"), D("85.8")),  # 2050 / 2150 × 90
        # As of today: 950 open; 08-23 .. 11-20 invoiced 250 + 1000 + 500 + 300 − 100.
        TrendPoint(day("11-20"), D("950.00"), D("1950.00"), D("43.8")),
    )


def test_each_point_equals_the_figures_at_its_date(company, ledger):
    points = dso_trend(company=company, as_of=day("11-20"), months=24, days=30)
    assert len(points) == 24
    assert (points[0].month_end, points[-2].month_end, points[-1].month_end) == (
        date(2024, 12, 31),
        day("10-31"),
        day("11-20"),
    )
    assert [p.month_end for p in points[:3]] == [
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 28),
    ]
    for point in points:
        k = kpis(company, point.month_end, days=30)
        assert (point.receivables, point.invoiced, point.dso) == (k.receivables, k.invoiced, k.dso)
        assert point.receivables == summary(company, point.month_end).receivables


def test_a_month_end_as_of_is_its_own_last_point(company, ledger):
    points = dso_trend(company, day("10-31"), months=2)
    assert [p.month_end for p in points] == [day("09-30"), day("10-31")]
    assert dso_trend(company, date(2026, 3, 31), months=1) == (
        TrendPoint(date(2026, 3, 31), D("0.00"), D("0.00"), None),
    )


def test_three_grouped_queries_whatever_the_months(company, ledger, django_assert_num_queries):
    with django_assert_num_queries(3) as context:
        dso_trend(company, day("11-20"), months=36)
    assert all("GROUP BY" in q["sql"] for q in context.captured_queries)


@pytest.mark.parametrize(("months", "days"), [(0, 90), (24, 0), (2.5, 90)])
def test_months_and_days_must_be_whole_and_positive(company, months, days):
    with pytest.raises(ValidationError):
        dso_trend(company, day("11-20"), months=months, days=days)
