"""/api/v1/recurring-invoices/: create, list, retrieve, update, pause and resume, with
the API's conventions (amounts as strings, problem details, 404 for other companies)."""

from __future__ import annotations

from datetime import date

import pytest

from solde.recurring.models import RecurringInvoice
from tests.api.api_helpers import PROBLEM, client_for, ok, post
from tests.builders import make_user
from tests.recurring.helpers import run_on

pytestmark = pytest.mark.django_db

URL = "/api/v1/recurring-invoices/"
BODY = {
    "customer": "DUPONT",
    "name": "Hébergement",
    "frequency": "monthly",
    "day_of_month": 31,
    "start_date": "2026-11-20",
    "mode": "issue_and_send",
    "notice_days": 7,
    "lines": [{"description": "Serveur", "quantity": "2", "unit_price": "45.50"}],
}


@pytest.fixture
def api(owner, company, buyer):
    return client_for(owner, company)


def test_create_then_retrieve(api):
    made = post(api, URL, BODY, 201)
    assert made["next_date"] == "2026-11-30"
    assert made["total_excl_tax"] == "91.00" and made["total"] == "109.20"
    assert made["customer"]["code"] == "DUPONT" and made["status"] == "active"
    assert made["lines"][0]["net_amount"] == "91.00"
    assert made["occurrences"] == []
    assert ok(api.get(f"{URL}{made['id']}/")) == made


def test_the_list_filters_by_status(api):
    first = post(api, URL, BODY, 201)
    post(api, URL, {**BODY, "name": "Support"}, 201)
    post(api, f"{URL}{first['id']}/pause/")
    everything = ok(api.get(URL))
    assert [row["name"] for row in everything["results"]] == ["Hébergement", "Support"]
    paused = ok(api.get(URL, {"status": "paused"}))["results"]
    assert [(row["name"], row["status"]) for row in paused] == [("Hébergement", "paused")]


def test_update_pause_and_resume(api):
    made = post(api, URL, BODY, 201)
    changed = ok(
        api.patch(
            f"{URL}{made['id']}/",
            {"day_of_month": 5, "lines": [{"description": "Serveur", "unit_price": 100}]},
            format="json",
        )
    )
    assert changed["next_date"] == "2026-12-05" and changed["total"] == "120.00"
    assert post(api, f"{URL}{made['id']}/pause/")["status"] == "paused"
    assert post(api, f"{URL}{made['id']}/resume/")["status"] == "active"


def test_occurrences_show_their_invoice(api):
    made = post(api, URL, {**BODY, "day_of_month": 1, "notice_days": 0}, 201)
    run_on(date(2026, 12, 1))
    shown = ok(api.get(f"{URL}{made['id']}/"))["occurrences"]
    assert len(shown) == 1 and shown[0]["date"] == "2026-12-01"
    assert shown[0]["invoice"]["state"] == "issued"
    assert shown[0]["invoice"]["number"].startswith("FA-2026-")


def test_errors_are_problem_details_naming_the_field(api):
    response = api.post(URL, {**BODY, "frequency": "weekly"}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "frequency"
    wrong_end = api.post(URL, {**BODY, "end_date": "2026-01-01"}, format="json")
    assert wrong_end.status_code == 422
    assert wrong_end.json()["errors"] == [
        {"field": "end_date", "detail": "The end date comes before the start date."}
    ]
    assert not RecurringInvoice.objects.exists()


def test_a_viewer_reads_but_cannot_write(api, company):
    made = post(api, URL, BODY, 201)
    viewer = client_for(make_user(company, "viewer"), company)
    assert ok(viewer.get(URL))["results"][0]["id"] == made["id"]
    assert viewer.post(URL, BODY, format="json").status_code == 403
    assert viewer.post(f"{URL}{made['id']}/pause/").status_code == 403
    assert viewer.patch(f"{URL}{made['id']}/", {"name": "X"}, format="json").status_code == 403
    assert RecurringInvoice.objects.get().status == "active"


def test_an_outsider_gets_404(api, outsider, other_company):
    made = post(api, URL, BODY, 201)
    theirs = client_for(outsider, other_company)
    assert ok(theirs.get(URL))["results"] == []
    for response in (
        theirs.get(f"{URL}{made['id']}/"),
        theirs.patch(f"{URL}{made['id']}/", {"name": "X"}, format="json"),
        theirs.post(f"{URL}{made['id']}/pause/"),
    ):
        assert response.status_code == 404
    assert theirs.post(URL, BODY, format="json").status_code == 404  # no such customer


def test_the_schema_describes_the_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/recurring-invoices/", "/api/v1/recurring-invoices/{id}/pause/"):
        assert path in schema
