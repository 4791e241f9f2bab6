"""Reminder plans, reminders sent and planned, and a customer's reminder settings through
the REST API, as an integrator uses them. Holds: test_api_holds.py; roles and tenancy:
test_api_access.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solde.reminders.run import reminders_run
from tests.reminders.api_helpers import chased, fields, ok, owner_api, step_body

pytestmark = pytest.mark.django_db
MONDAY = "2026-11-23"  # the working day after today, Friday 2026-11-20


@pytest.fixture
def api(seller):
    return owner_api(seller)


def _default_plan(api) -> dict:
    (plan,) = ok(api.get("/api/v1/reminder-plans/"))["results"]
    return plan


# -- plans and steps --------------------------------------------------------------------------


def test_plans_list_and_show_their_steps(api):
    plan = _default_plan(api)
    assert (plan["name"], plan["is_default"]) == ("Relances standard", True)
    assert [s["offset_days"] for s in plan["steps"]] == [-3, 3, 15, 30, 45]
    assert [s["channel"] for s in plan["steps"]] == ["email", "email", "email", "letter", "task"]
    formal = plan["steps"][3]
    assert (formal["name"], formal["with_late_fees"]) == ("Mise en demeure", True)
    assert set(formal["texts"]) == {"fr", "en"} and formal["texts"]["fr"]["subject"]
    assert ok(api.get(f"/api/v1/reminder-plans/{plan['id']}/")) == plan


def test_a_step_is_added_then_changed(api):
    plan = _default_plan(api)
    added = ok(api.post(f"/api/v1/reminder-plans/{plan['id']}/steps/", step_body(), "json"), 201)
    assert (added["offset_days"], added["tone"], added["attach_invoices"]) == (60, "firm", False)
    assert added["texts"]["fr"]["body"] == "Bonjour {customer},\n{invoices}\n"
    url = f"/api/v1/reminder-steps/{added['id']}/"
    assert ok(api.get(url)) == added
    steps = ok(api.get(f"/api/v1/reminder-plans/{plan['id']}/"))["steps"]
    assert [s["offset_days"] for s in steps][-1] == 60

    renamed = ok(api.patch(url, {"name": "Ultime rappel", "with_late_fees": True}, "json"))
    assert (renamed["name"], renamed["with_late_fees"]) == ("Ultime rappel", True)
    assert (renamed["offset_days"], renamed["texts"]) == (60, added["texts"])

    english = {"en": {"subject": "Unpaid", "body": "Dear {customer}"}}
    replaced = ok(api.put(url, step_body(offset_days=50, channel="task", texts=english), "json"))
    assert (replaced["offset_days"], replaced["channel"], replaced["name"]) == (
        50,
        "task",
        "Dernier rappel",
    )
    assert replaced["texts"] == {"en": {"subject": "Unpaid", "body": "Dear {customer}\n"}}
    assert replaced["with_late_fees"] is False  # PUT sets what it leaves out to its default


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"texts": {"fr": {"subject": "Rappel", "body": "Bonjour {client}"}}}, "body"),
        ({"texts": {"fr": {"subject": "Rappel {montant}", "body": "Bonjour"}}}, "subject"),
        ({"texts": {"de": {"subject": "Mahnung", "body": "Hallo"}}}, "texts"),
        ({"texts": {}}, "texts"),
        ({"offset_days": 15}, "offset_days"),  # the plan already has its J+15 step
        ({"offset_days": 400}, "offset_days"),
        ({"offset_days": "soon"}, "offset_days"),
        ({"channel": "fax"}, "channel"),
        ({"tone": "rude"}, "tone"),
        ({"name": ""}, "name"),
    ],
)
def test_a_wrong_step_is_refused_naming_its_field(api, change, field):
    plan = _default_plan(api)
    response = api.post(f"/api/v1/reminder-plans/{plan['id']}/steps/", step_body(**change), "json")
    assert (response.status_code, fields(response)) == (422, [field])
    assert len(ok(api.get(f"/api/v1/reminder-plans/{plan['id']}/"))["steps"]) == 5


def test_a_change_that_clashes_is_refused_and_changes_nothing(api):
    friendly = _default_plan(api)["steps"][1]
    url = f"/api/v1/reminder-steps/{friendly['id']}/"
    response = api.patch(url, {"offset_days": 30}, "json")
    assert (response.status_code, fields(response)) == (422, ["offset_days"])
    assert ok(api.get(url)) == friendly


def test_an_unknown_step_is_404(api):
    for ref in ["999999", "abc"]:
        assert api.get(f"/api/v1/reminder-steps/{ref}/").status_code == 404


# -- reminders sent ---------------------------------------------------------------------------


def test_reminders_list_with_their_filters(api, seller):
    world = chased(seller)
    everything = ok(api.get("/api/v1/reminders/"))
    assert everything["count"] == 2
    by_code = {r["customer"]["code"]: r for r in everything["results"]}
    dupont, martin = by_code["DUPONT"], by_code["MARTIN"]
    assert (dupont["step"], dupont["channel"], dupont["status"]) == (
        "Relance amiable",
        "email",
        "queued",
    )
    assert (dupont["total_due"], dupont["late_fees"], dupont["currency"]) == (
        "120.00",
        "0.00",
        "EUR",
    )
    assert dupont["invoices"] == [world["dupont_invoice"].number]
    assert dupont["email_status"] == "queued"
    assert (martin["status"], martin["email_status"], martin["total_due"]) == (
        "open",
        None,
        "60.00",
    )

    def codes(query: str) -> list[str]:
        rows = ok(api.get(f"/api/v1/reminders/?{query}"))["results"]
        return sorted(r["customer"]["code"] for r in rows)

    assert codes("customer=DUPONT") == ["DUPONT"]
    assert codes(f"customer={world['martin'].public_id}") == ["MARTIN"]
    assert codes(f"invoice={world['martin_invoice'].number}") == ["MARTIN"]
    assert codes("status=open") == ["MARTIN"]
    assert codes("channel=email") == ["DUPONT", "MARTIN"]
    assert codes("channel=letter") == []
    assert codes("since=2026-11-20") == ["DUPONT", "MARTIN"]
    assert codes("since=2026-11-21") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=lost", "status"), ("channel=fax", "channel"), ("since=yesterday", "since")],
)
def test_a_wrong_filter_is_refused_naming_it(api, query, field):
    response = api.get(f"/api/v1/reminders/?{query}")
    assert (response.status_code, fields(response)) == (422, [field])


def test_an_unknown_customer_in_a_filter_is_404(api, seller):
    assert api.get("/api/v1/reminders/?customer=NOBODY").status_code == 404


def test_a_reminder_shows_its_text_as_sent_its_lines_and_its_email(api, seller):
    world = chased(seller)
    shown = ok(api.get(f"/api/v1/reminders/{world['emailed'].public_id}/"))
    invoice = world["dupont_invoice"]
    assert shown["id"] == str(world["emailed"].public_id)
    assert (shown["subject"], shown["body"]) == (world["emailed"].subject, world["emailed"].body)
    assert invoice.number in shown["body"] and shown["language"] == "fr"
    assert shown["lines"] == [
        {
            "invoice": invoice.number,
            "invoice_id": str(invoice.public_id),
            "balance": "120.00",
            "days_overdue": 10,
            "interest": "0.00",
            "indemnity": "0.00",
        }
    ]
    assert (shown["email"]["status"], shown["email"]["to"]) == ("queued", ["compta@dupont.test"])
    assert shown["email"]["id"] == str(world["emailed"].email.public_id)
    by_hand = ok(api.get(f"/api/v1/reminders/{world['by_hand'].public_id}/"))
    assert (by_hand["email"], by_hand["assignee"]) == (None, "patron@lumiere.test")


def test_a_formal_notice_line_shows_its_interest_and_indemnity(api, seller):
    world = chased(seller)
    reminders_run(company=seller, today=date(2026, 12, 14))  # J+34 for DUPONT: formal notice
    rows = ok(api.get("/api/v1/reminders/?customer=DUPONT&since=2026-12-01"))["results"]
    (notice,) = rows
    assert (notice["channel"], notice["step"]) == ("letter", "Mise en demeure")
    (line,) = ok(api.get(f"/api/v1/reminders/{notice['id']}/"))["lines"]
    assert (line["invoice"], line["days_overdue"]) == (world["dupont_invoice"].number, 34)
    assert line["indemnity"] == "40.00" and line["interest"] != "0.00"
    assert Decimal(notice["late_fees"]) == Decimal("40.00") + Decimal(line["interest"])


def test_a_task_is_marked_done_once(api, seller):
    world = chased(seller)
    url = f"/api/v1/reminders/{world['by_hand'].public_id}/done/"
    done = ok(api.post(url, {}, "json"))
    assert done["status"] == "done" and done["done_at"]
    again = api.post(url, {}, "json")
    assert (again.status_code, again.json()["status"]) == (409, 409)
    emailed = api.post(f"/api/v1/reminders/{world['emailed'].public_id}/done/", {}, "json")
    assert emailed.status_code == 409  # given to the outbox: nothing waits for a person


# -- planned ----------------------------------------------------------------------------------


def test_planned_is_next_working_days_run_as_the_cli_prints_it(api, seller):
    world = chased(seller)
    planned = ok(api.get("/api/v1/reminders/planned/"))
    assert planned["date"] == MONDAY  # Friday's next working day
    cli = reminders_run(company=seller, today=date(2026, 11, 23), dry_run=True).as_dict()
    assert planned["messages"] == cli["messages"]
    later = ok(api.get("/api/v1/reminders/planned/?date=2026-11-25"))  # DUPONT J+15
    (message,) = [m for m in later["messages"] if m["customer_code"] == "DUPONT"]
    assert message == {
        "customer_code": "DUPONT",
        "step": "Relance ferme",
        "channel": "email",
        "invoices": [
            {
                "number": world["dupont_invoice"].number,
                "balance": "120.00",
                "days_overdue": 15,
                "late_fee": "0.00",
            }
        ],
        "total_due": "120.00",
        "late_fees": "0.00",
        "to": ["compta@dupont.test"],
    }


def test_planned_refuses_a_wrong_date_naming_it(api):
    response = api.get("/api/v1/reminders/planned/?date=2026-02-30")
    assert (response.status_code, fields(response)) == (422, ["date"])


# -- a customer's settings --------------------------------------------------------------------


def test_a_customer_is_paused_resumed_excluded_and_given_a_plan(api, seller):
    customer = chased(seller)["dupont"]
    url = f"/api/v1/customers/{customer.public_id}/reminders/"
    shown = ok(api.get(url))
    assert shown == {
        "customer": {"id": str(customer.public_id), "code": "DUPONT", "name": "Dupont SARL"},
        "plan": None,
        "excluded": False,
        "paused": False,
        "pause_reason": "",
    }
    paused = ok(api.patch(url, {"paused": True, "reason": "Litige commercial"}, "json"))
    assert (paused["paused"], paused["pause_reason"]) == (True, "Litige commercial")
    planned = ok(api.get("/api/v1/reminders/planned/?date=2026-11-25"))["messages"]
    assert "DUPONT" not in [m["customer_code"] for m in planned]
    resumed = ok(api.patch(url, {"paused": False}, "json"))
    assert (resumed["paused"], resumed["pause_reason"]) == (False, "")

    plan = _default_plan(api)
    chosen = ok(api.patch(url, {"plan": plan["id"], "excluded": True}, "json"))
    assert chosen["plan"] == {"id": plan["id"], "name": plan["name"]}
    assert ok(api.get(url))["excluded"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [({"plan": "default"}, "plan"), ({"paused": "perhaps"}, "paused")],
)
def test_wrong_customer_settings_are_refused_naming_the_field(api, seller, body, field):
    customer = chased(seller)["dupont"]
    response = api.patch(f"/api/v1/customers/{customer.public_id}/reminders/", body, "json")
    assert (response.status_code, fields(response)) == (422, [field])


def test_an_unknown_plan_or_customer_is_404(api, seller):
    customer = chased(seller)["dupont"]
    url = f"/api/v1/customers/{customer.public_id}/reminders/"
    plan = {"plan": "00000000-0000-4000-8000-000000000000"}
    assert api.patch(url, plan, "json").status_code == 404
    assert api.get("/api/v1/customers/DUPONT/reminders/").status_code == 404


# -- schema -----------------------------------------------------------------------------------


def test_the_schema_describes_the_reminder_paths(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/reminder-plans/": {"get"},
        "/api/v1/reminder-plans/{id}/": {"get"},
        "/api/v1/reminder-plans/{id}/steps/": {"post"},
        "/api/v1/reminder-steps/{id}/": {"get", "put", "patch"},
        "/api/v1/reminders/": {"get"},
        "/api/v1/reminders/{id}/": {"get"},
        "/api/v1/reminders/{id}/done/": {"post"},
        "/api/v1/reminders/planned/": {"get"},
        "/api/v1/promises/": {"get", "post"},
        "/api/v1/payment-plans/": {"get", "post"},
        "/api/v1/disputes/": {"get", "post"},
        "/api/v1/disputes/{id}/resolve/": {"post"},
        "/api/v1/customers/{id}/reminders/": {"get", "patch"},
    }.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    customer_id = paths["/api/v1/customers/{id}/reminders/"]["get"]["parameters"][0]
    assert customer_id["schema"] == {"type": "string", "format": "uuid"}
    filters = {p["name"] for p in paths["/api/v1/reminders/"]["get"]["parameters"]}
    assert {"customer", "invoice", "status", "channel", "since"} <= filters
