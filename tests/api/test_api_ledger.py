"""The ledger through the REST API, as an integrating tool uses it."""

import pytest

pytestmark = pytest.mark.django_db

LINES = [
    {"description": "Conseil", "quantity": "3", "unit_price": "450", "vat_rate": "20"},
    {"description": "Livre", "quantity": 2, "unit_price": 24.5, "vat_rate": "5.5"},
]


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _customer(api, code="DUPONT"):
    return _ok(
        api.post(
            "/api/v1/customers/",
            {"code": code, "name": "Dupont SARL", "siren": "732829320"},
            format="json",
        ),
        201,
    )


def _invoice(api, customer="DUPONT", issue=True, lines=LINES, **extra):
    body = {
        "customer": customer,
        "lines": lines,
        "issue": issue,
        "issue_date": "2026-11-02",
        **extra,
    }
    return _ok(api.post("/api/v1/invoices/", body, format="json"), 201)


def test_invoice_payment_credit_and_undo(api):
    customer = _customer(api)
    invoice = _invoice(api)
    assert (invoice["number"], invoice["total"], invoice["status"]) == (
        "FA-2026-00001",
        "1671.70",
        "open",
    )
    assert [g["tax"] for g in invoice["vat_breakdown"]] == ["2.70", "270.00"]

    payment = _ok(
        api.post(
            "/api/v1/payments/",
            {"amount": "1000", "date": "2026-11-10", "invoices": ["FA-2026-00001"]},
            format="json",
        ),
        201,
    )
    assert payment["allocations"][0]["amount"] == "1000.00"
    got = _ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))
    assert (got["balance"], got["status"]) == ("671.70", "partially_paid")

    extra = _ok(
        api.post(
            "/api/v1/payments/",
            {"amount": "700", "date": "2026-11-12", "invoices": [invoice["id"]]},
            format="json",
        ),
        201,
    )
    assert extra["unallocated"] == "28.30"
    second = _invoice(api, lines=[{"description": "x", "unit_price": "10", "vat_rate": "20"}])
    allocation = _ok(
        api.post(
            f"/api/v1/payments/{extra['id']}/allocate/",
            {"invoice": second["number"]},
            format="json",
        ),
        201,
    )
    assert allocation["amount"] == "12.00"
    _ok(
        api.post(
            f"/api/v1/allocations/{allocation['id']}/undo/", {"reason": "erreur"}, format="json"
        )
    )
    assert _ok(api.get(f"/api/v1/invoices/{second['id']}/"))["balance"] == "12.00"

    balances = _ok(api.get("/api/v1/balances/"))
    assert balances["customers"] == [
        {
            "id": customer["id"],
            "code": "DUPONT",
            "name": "Dupont SARL",
            "currency": "EUR",
            "receivable": "12.00",
            "credit": "28.30",
            "balance": "-16.30",
        }
    ]
    before = _ok(api.get("/api/v1/balances/?as_of=2026-11-09"))  # both issued 2026-11-02, unpaid
    assert before["totals"] == [
        {"currency": "EUR", "receivable": "1683.70", "credit": "0.00", "balance": "1683.70"}
    ]
    by_invoice = _ok(api.get("/api/v1/balances/invoices/?as_of=2026-11-11"))
    assert [r["balance"] for r in by_invoice["results"]] == ["671.70", "12.00"]


def test_a_full_credit_note_zeroes_the_invoice(api):
    _customer(api)
    invoice = _invoice(api)
    note = _ok(
        api.post(
            f"/api/v1/invoices/{invoice['id']}/credit-note/", {"reason": "Erreur"}, format="json"
        ),
        201,
    )
    assert (note["number"], note["kind"], note["corrects"]) == (
        "AV-2026-00001",
        "credit_note",
        "FA-2026-00001",
    )
    assert _ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))["status"] == "cancelled"
    listed = _ok(api.get("/api/v1/credit-notes/"))
    assert [n["number"] for n in listed["results"]] == ["AV-2026-00001"]


def test_drafts_change_issued_invoices_do_not(api):
    _customer(api)
    draft = _invoice(api, issue=False)
    changed = _ok(
        api.patch(
            f"/api/v1/invoices/{draft['id']}/",
            {"lines": [{"description": "x", "unit_price": "5"}]},
            format="json",
        )
    )
    assert changed["total"] == "6.00"
    issued = _ok(api.post(f"/api/v1/invoices/{draft['id']}/issue/", {}, format="json"))
    assert issued["number"] == "FA-2026-00001"
    refused = api.patch(f"/api/v1/invoices/{draft['id']}/", {"notes": "x"}, format="json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert api.delete(f"/api/v1/invoices/{draft['id']}/").status_code == 409


def test_filters(api):
    _customer(api)
    _customer(api, "LEROY")
    old = _invoice(api, issue_date="2026-09-01")
    _invoice(api, customer="LEROY")
    overdue = _ok(api.get("/api/v1/invoices/?status=overdue"))
    assert [i["number"] for i in overdue["results"]] == [old["number"]]
    assert _ok(api.get("/api/v1/invoices/?overdue=true"))["count"] == 1
    assert _ok(api.get("/api/v1/invoices/?customer=LEROY"))["count"] == 1
    assert _ok(api.get("/api/v1/invoices/?due_before=2026-10-15"))["count"] == 1
    assert _ok(api.get("/api/v1/customers/?q=leroy"))["count"] == 1


def test_write_off_and_dispute(api):
    _customer(api)
    invoice = _invoice(api)
    _ok(
        api.post(
            f"/api/v1/invoices/{invoice['id']}/dispute/", {"reason": "Livraison"}, format="json"
        )
    )
    assert _ok(api.get("/api/v1/invoices/?status=disputed"))["count"] == 1
    done = _ok(
        api.post(
            f"/api/v1/invoices/{invoice['id']}/write-off/",
            {"reason": "Liquidation", "bad_debt": True},
            format="json",
        )
    )
    assert (done["balance"], done["status"]) == ("0.00", "written_off")


def test_errors_are_problem_details_naming_the_field(api, client):
    _customer(api)
    bad = api.post(
        "/api/v1/invoices/",
        {"customer": "DUPONT", "lines": [{"description": "x", "unit_price": "abc"}]},
        format="json",
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "lines[0].unit_price"
    missing = api.post("/api/v1/payments/", {"date": "2026-13-01"}, format="json").json()
    assert {e["field"] for e in missing["errors"]} == {"amount", "date"}
    assert api.get("/api/v1/balances/?as_of=hier").json()["errors"][0]["field"] == "as_of"
    anonymous = client.get("/api/v1/invoices/")
    assert anonymous.status_code == 401
    assert anonymous.json()["status"] == 401


def test_schema_and_docs(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"https://" not in docs.content  # served from our static files, no CDN
    assert b"/static/drf_spectacular_sidecar/" in docs.content
