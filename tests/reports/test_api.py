"""The figures over the REST API, on the ledger of kpi_ledger.py computed by hand."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.api_helpers import PROBLEM, client_for, ok
from tests.builders import make_user
from tests.reports.kpi_ledger import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(company, other_company):
    return build(company, other_company)


@pytest.fixture
def viewer(company):
    """A viewer with a read key: reading figures needs no more."""
    return client_for(make_user(company, "viewer"), company, scope="read")


def test_kpis_today(viewer, ledger):
    # The figures of test_kpis.py::test_kpis_today_over_90_days, as strings.
    assert ok(viewer.get("/api/v1/reports/kpis/")) == {
        "as_of": "2026-11-20",
        "currency": "EUR",
        "days": 90,
        "receivables": "950.00",
        "not_due": "300.00",
        "overdue": "650.00",
        "disputed": "250.00",
        "credit": "150.00",
        "doubtful": "650.00",
        "opening": "1000.00",
        "invoiced": "1950.00",
        "dso": "43.8",  # 950 / 1950 × 90
        "count_back_dso": "35.5",
        "best_possible_dso": "13.8",
        "cei": "75.47",
        "turnover": "2.00",
        "invoices_paid": 3,
        "on_time_rate": "66.67",
        "average_days_to_pay": "32.3",
        "average_days_late": "6.0",
        "doubtful_ratio": "68.42",
    }


def test_kpis_as_of_a_date_before_payments_and_over_30_days(viewer, ledger):
    before = ok(viewer.get("/api/v1/reports/kpis/?as_of=2026-11-11"))
    # Before I4's and I3's payments: 2350 open, 2350 invoiced over 90 days.
    assert (before["as_of"], before["receivables"], before["dso"]) == (
        "2026-11-11",
        "2350.00",
        "90.0",
    )
    month = ok(viewer.get("/api/v1/reports/kpis/?days=30"))
    assert (month["days"], month["invoiced"], month["dso"]) == (30, "200.00", "142.5")


def test_a_figure_without_a_denominator_is_null(viewer, company):
    empty = ok(viewer.get("/api/v1/reports/kpis/"))
    assert (empty["receivables"], empty["dso"], empty["cei"], empty["on_time_rate"]) == (
        "0.00",
        None,
        None,
        None,
    )
    assert empty["count_back_dso"] == "0.0"  # nothing owed: no days outstanding


def test_dso_trend(viewer, ledger):
    trend = ok(viewer.get("/api/v1/reports/dso-trend/?months=4"))
    # test_dso_trend.py::test_four_months_by_hand
    point = ("month_end", "receivables", "invoiced", "dso")
    assert (trend["as_of"], trend["currency"], trend["days"]) == ("2026-11-20", "EUR", 90)
    assert trend["points"] == [
        dict(zip(point, values, strict=True))
        for values in (
            ("2026-08-31", "1000.00", "1000.00", "90.0"),
            ("2026-09-30", "850.00", "650.00", "117.7"),
            ("2026-10-31", "2050.00", "2150.00", "85.8"),
            ("2026-11-20", "950.00", "1950.00", "43.8"),
        )
    ]
    default = ok(viewer.get("/api/v1/reports/dso-trend/?as_of=2026-10-31&days=30"))
    assert (len(default["points"]), default["points"][-1]["month_end"], default["days"]) == (
        24,
        "2026-10-31",
        30,
    )


def test_aging(viewer, ledger):
    by_customer = ok(viewer.get("/api/v1/reports/aging/"))
    # I5 300 not due, I6 250 50 days past due (ALPHA); I1 400 112 days (BETA).
    alpha = {"not_due": "300.00", "1_30": "0.00", "31_60": "250.00", "61_90": "0.00"}
    assert by_customer == {
        "as_of": "2026-11-20",
        "currency": "EUR",
        "total": "950.00",
        "credit": "150.00",
        "buckets": {**alpha, "over_90": "400.00"},
        "rows": [
            {
                "code": "ALPHA",
                "name": "Alpha SA",
                "total": "550.00",
                "credit": "50.00",
                "buckets": {**alpha, "over_90": "0.00"},
            },
            {
                "code": "BETA",
                "name": "Beta SARL",
                "total": "400.00",
                "credit": "100.00",
                "buckets": {
                    "not_due": "0.00",
                    "1_30": "0.00",
                    "31_60": "0.00",
                    "61_90": "0.00",
                    "over_90": "400.00",
                },
            },  # fmt: skip
        ],
        "other_currencies": {"USD": "70.00"},
    }
    totals = ok(viewer.get("/api/v1/reports/aging/?by=none&as_of=2026-09-15"))
    assert (totals["total"], totals["rows"]) == ("850.00", [])
    segments = ok(viewer.get("/api/v1/reports/aging/?by=segment"))
    assert [(r["code"], r["total"]) for r in segments["rows"]] == [("", "950.00")]


def test_each_company_sees_its_own_figures(ledger, outsider, other_company):
    theirs = client_for(outsider, other_company, scope="read")
    # Globex's only invoice: 5000 due 2026-10-31, issued 10-01.
    assert ok(theirs.get("/api/v1/reports/kpis/"))["receivables"] == "5000.00"
    assert ok(theirs.get("/api/v1/reports/aging/"))["rows"][0]["total"] == "5000.00"
    anonymous = APIClient().get("/api/v1/reports/kpis/")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "kpis/?days=0",
        "kpis/?as_of=20/11/2026",
        "dso-trend/?months=0",
        "dso-trend/?months=500",
        "aging/?by=country",
    ],
)
def test_bad_parameters_are_422_problems(viewer, query):
    response = viewer.get(f"/api/v1/reports/{query}")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/").content
    for path in (
        b"/api/v1/reports/kpis/",
        b"/api/v1/reports/dso-trend/",
        b"/api/v1/reports/aging/",
    ):
        assert path in schema
