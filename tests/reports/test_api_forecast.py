"""The forecast and the risk scores over the REST API, on the ledger of forecast_ledger.py
(the figures of test_forecast.py and test_risk.py, as strings)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.api_helpers import PROBLEM, client_for, ok
from tests.builders import make_user
from tests.reports.forecast_ledger import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(company, other_company):
    return build(company, other_company)


@pytest.fixture
def viewer(company):
    return client_for(make_user(company, "viewer"), company, scope="read")


def week(start, end, expected="0.00", low="0.00", high="0.00", invoices=0) -> dict:
    return {"start": start, "end": end, "expected": expected, "low": low, "high": high,
            "invoices": invoices}  # fmt: skip


def test_the_forecast(viewer, ledger):
    made = ok(viewer.get("/api/v1/reports/forecast/?weeks=4"))
    assert made == {
        "as_of": "2026-11-20",
        "currency": "EUR",
        "weeks": [
            week("2026-11-21", "2026-11-27", "400.00", "400.00", "400.00", 1),  # A2
            week("2026-11-28", "2026-12-04", "1000.00", "0.00", "1000.00", 1),  # A1
            week("2026-12-05", "2026-12-11", high="1500.00"),  # A1 until 12-05, B1 from 12-09
            week("2026-12-12", "2026-12-18", "500.00", "0.00", "500.00", 1),  # B1
        ],
        "total_expected": "1900.00",
        "not_expected": {"amount": "550.00", "invoices": 2},  # B2 disputed, G1 112 days late
        "beyond": {"amount": "0.00", "invoices": 0},
        "other_currencies": {"USD": "70.00"},
    }
    before = ok(viewer.get("/api/v1/reports/forecast/?as_of=2026-11-17"))
    assert len(before["weeks"]) == 13
    assert before["weeks"][0]["expected"] == "600.00"  # before A2's 200 of 11-18


def test_the_risk_scores(viewer, ledger):
    risk = ok(viewer.get("/api/v1/reports/risk/"))
    assert risk["as_of"] == "2026-11-20"
    # ALPHA and GAMMA 40 (by code), BETA 25.
    assert [(c["code"], c["score"], c["level"]) for c in risk["customers"]] == [
        ("ALPHA", 40, "medium"),
        ("GAMMA", 40, "medium"),
        ("BETA", 25, "low"),
    ]
    alpha = risk["customers"][0]
    assert alpha["id"] == str(ledger["ALPHA"].public_id) and alpha["name"] == "Alpha SA"
    assert alpha["reasons"] == [
        {"code": "paid_late", "points": 20, "values": {"on_time": 33, "paid": 3}},
        {"code": "promises_broken", "points": 10, "values": {"count": 1}},
        {"code": "overdue_vs_habit", "points": 10,
         "values": {"overdue": "400.00", "monthly": "183.33"}},
    ]  # fmt: skip
    before = ok(viewer.get("/api/v1/reports/risk/?as_of=2026-11-11"))
    assert before["customers"][-1]["code"] == "ALPHA"  # 20 before the promise was broken


def test_each_company_sees_its_own(ledger, outsider, other_company):
    theirs = client_for(outsider, other_company, scope="read")
    assert ok(theirs.get("/api/v1/reports/forecast/"))["total_expected"] == "5000.00"
    assert [c["code"] for c in ok(theirs.get("/api/v1/reports/risk/"))["customers"]] == ["ALPHA"]
    assert APIClient().get("/api/v1/reports/forecast/").status_code == 401


@pytest.mark.parametrize(
    "query", ["forecast/?weeks=0", "forecast/?weeks=105", "forecast/?as_of=x", "risk/?as_of=1"]
)
def test_bad_parameters_are_422_problems(viewer, query):
    response = viewer.get(f"/api/v1/reports/{query}")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/").content
    assert b"/api/v1/reports/forecast/" in schema and b"/api/v1/reports/risk/" in schema
