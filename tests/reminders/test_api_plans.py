"""Managing reminder plans through the REST API: POST reminder-plans/, PATCH and DELETE
reminder-plans/{id}/, DELETE reminder-steps/{id}/. Roles and tenancy: test_api_access.py."""

from __future__ import annotations

import pytest

from solde.reminders.models import ReminderPlan, ReminderStep
from solde.reminders.services import plan_create, plan_default_ensure
from tests import builders
from tests.api.api_helpers import client_for
from tests.reminders.api_helpers import PROBLEM, chased, fields, ok, owner_api

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/reminder-plans/"


@pytest.fixture
def api(seller):
    return owner_api(seller)


def _default(api) -> dict:
    (plan,) = [p for p in ok(api.get(PLANS))["results"] if p["is_default"]]
    return plan


def _create(api, **body) -> dict:
    return ok(api.post(PLANS, body, "json"), 201)


def test_a_plan_is_created_from_a_copy_of_the_defaults_steps(api):
    default = _default(api)
    made = _create(api, name="Export", segments=["export", " ue "], copy_from=default["id"])
    assert (made["name"], made["segments"], made["is_default"]) == (
        "Export",
        ["export", "ue"],
        False,
    )
    assert [s["offset_days"] for s in made["steps"]] == [-3, 3, 15, 30, 45]
    assert {s["id"] for s in made["steps"]}.isdisjoint({s["id"] for s in default["steps"]})
    assert [s["texts"] for s in made["steps"]] == [s["texts"] for s in default["steps"]]
    assert ok(api.get(f"{PLANS}{made['id']}/")) == made
    assert ok(api.get(PLANS))["count"] == 2


def test_a_plan_without_copy_from_starts_empty(api):
    made = _create(api, name="Vide")
    assert (made["steps"], made["segments"]) == ([], [])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"segments": ["x"]}, "name"),
        ({"name": ""}, "name"),
        ({"name": "relances standard"}, "name"),
        ({"name": "Export", "segments": "export"}, "segments"),
        ({"name": "Export", "segments": ["public"]}, "segments"),
        ({"name": "Export", "copy_from": "standard"}, "copy_from"),
    ],
)
def test_a_wrong_plan_is_refused_naming_its_field(api, seller, body, field):
    plan_create(company=seller, name="Public", segments=["public"])
    response = api.post(PLANS, body, "json")
    assert (response.status_code, fields(response)) == (422, [field])
    assert ReminderPlan.objects.count() == 2


def test_copying_an_unknown_or_another_companys_plan_is_404(api, seller):
    foreign = plan_default_ensure(company=builders.make_company("ailleurs"))
    for ref in ["00000000-0000-4000-8000-000000000000", str(foreign.public_id)]:
        response = api.post(PLANS, {"name": "Copie", "copy_from": ref}, "json")
        assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert not ReminderPlan.objects.filter(name="Copie").exists()


def test_a_plan_is_renamed_its_segments_changed_and_made_the_default(api):
    made = _create(api, name="Export", segments=["export"])
    url = f"{PLANS}{made['id']}/"
    renamed = ok(api.patch(url, {"name": "Étranger"}, "json"))
    assert (renamed["name"], renamed["segments"]) == ("Étranger", ["export"])
    moved = ok(api.patch(url, {"segments": ["ue"]}, "json"))
    assert (moved["name"], moved["segments"]) == ("Étranger", ["ue"])
    default = ok(api.patch(url, {"is_default": True}, "json"))
    assert default["is_default"] is True
    assert [p["name"] for p in ok(api.get(PLANS))["results"] if p["is_default"]] == ["Étranger"]


def test_the_default_is_not_unset_but_moved(api):
    url = f"{PLANS}{_default(api)['id']}/"
    response = api.patch(url, {"is_default": False}, "json")
    assert (response.status_code, fields(response)) == (422, ["is_default"])
    assert ok(api.get(url))["is_default"] is True


def test_only_owners_make_a_plan_the_default(api, seller):
    made = _create(api, name="Export")
    sales = client_for(builders.make_user(seller, "sales"), seller)
    url = f"{PLANS}{made['id']}/"
    response = sales.patch(url, {"name": "Autre", "is_default": True}, "json")
    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)
    assert ok(api.get(url)) == made, "nothing changed"
    assert ok(sales.patch(url, {"name": "Autre"}, "json"))["name"] == "Autre"


def test_a_wrong_change_names_its_field(api, seller):
    plan_create(company=seller, name="Public", segments=["public"])
    made = _create(api, name="Export")
    url = f"{PLANS}{made['id']}/"
    for body, field in [({"segments": ["public"]}, "segments"), ({"name": "Public"}, "name")]:
        response = api.patch(url, body, "json")
        assert (response.status_code, fields(response)) == (422, [field])
    assert ok(api.get(url)) == made


def test_a_plan_is_deleted_and_then_not_found(api):
    made = _create(api, name="Export", copy_from=_default(api)["id"])
    url = f"{PLANS}{made['id']}/"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert not ReminderStep.objects.filter(pk__in=[s["id"] for s in made["steps"]]).exists()


def test_the_default_plan_and_a_plan_with_history_are_not_deleted(api, seller):
    chased(seller)  # reminders sent through the default plan's J+3 step
    old = _default(api)
    refused = api.delete(f"{PLANS}{old['id']}/")
    assert (refused.status_code, refused.json()["status"]) == (409, 409)
    new = _create(api, name="Neuf", copy_from=old["id"])
    ok(api.patch(f"{PLANS}{new['id']}/", {"is_default": True}, "json"))
    still = api.delete(f"{PLANS}{old['id']}/")
    assert still.status_code == 409 and "historique" in still.json()["detail"]
    assert ok(api.get(f"{PLANS}{old['id']}/")) == {**old, "is_default": False}


def test_a_step_is_deleted_unless_a_reminder_was_sent_for_it(api, seller):
    chased(seller)
    steps = {s["offset_days"]: s["id"] for s in _default(api)["steps"]}
    sent = api.delete(f"/api/v1/reminder-steps/{steps[3]}/")
    assert (sent.status_code, sent.json()["status"]) == (409, 409)
    assert api.delete(f"/api/v1/reminder-steps/{steps[-3]}/").status_code == 204
    assert api.get(f"/api/v1/reminder-steps/{steps[-3]}/").status_code == 404
    assert [s["offset_days"] for s in _default(api)["steps"]] == [3, 15, 30, 45]


def test_the_schema_describes_plan_management(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reminder-plans/"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/reminder-plans/{id}/"])
    assert "put" not in paths["/api/v1/reminder-plans/{id}/"]
    assert "delete" in paths["/api/v1/reminder-steps/{id}/"]
