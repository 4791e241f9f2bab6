"""Statements and the reconciliation queue through the API, as an integrator uses them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.api_helpers import PROBLEM, new_customer, new_invoice, ok, post
from tests.banking.statements import camt, credit

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def _upload(api, data: bytes, name: str = "releve.xml", status: int = 201):
    file = SimpleUploadedFile(name, data, "application/xml")
    return ok(api.post("/api/v1/bank-statements/", {"file": file}, format="multipart"), status)


def test_upload_match_review_and_undo(api):
    new_customer(api)
    first = new_invoice(api)
    second = new_invoice(api)
    data = camt(
        [
            credit(
                first["total"], f"FACTURE {first['number']}", name="DUPONT SARL", ref="A", day=DAY
            ),
            credit("100.00", "VIREMENT", name="INCONNU", ref="B", day=DAY),
        ]
    )
    result = _upload(api, data)
    assert (result["added"], result["auto_matched"]) == (2, 1)
    assert _upload(api, data)["duplicates"] == 2

    queue = ok(api.get("/api/v1/bank-lines/?status=queue"))["results"]
    assert [line["bank_ref"] for line in queue] == ["B"]
    line_id = queue[0]["id"]
    matched = post(
        api,
        f"/api/v1/bank-lines/{line_id}/allocate/",
        {"customer": "DUPONT", "allocations": [{"invoice": second["number"], "amount": "100.00"}]},
    )
    assert (matched["status"], matched["how"]) == ("matched", "manual")
    invoice = ok(api.get(f"/api/v1/invoices/{second['id']}/"))
    assert invoice["status"] == "partially_paid"

    undone = post(api, f"/api/v1/bank-lines/{line_id}/undo/", {"reason": "wrong customer"})
    assert undone["status"] in ("unmatched", "suggested") and undone["payment_id"] is None
    ignored = post(api, f"/api/v1/bank-lines/{line_id}/ignore/", {"never_customer": True})
    assert ignored["status"] == "ignored"

    auto = ok(api.get("/api/v1/bank-lines/?status=matched"))["results"]
    assert auto[0]["how"] == "auto" and auto[0]["proposals"][0]["reasons"]


def test_a_broken_file_is_a_problem_naming_it(api):
    response = api.post(
        "/api/v1/bank-statements/",
        {"file": SimpleUploadedFile("cassé.xml", b"<Document>", "application/xml")},
        format="multipart",
    )
    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert "cassé.xml" in response.json()["detail"]


def test_an_outsider_cannot_import_into_another_company(outsider_api, api):
    new_customer(api)
    _upload(outsider_api, camt([credit("10.00", day=DAY)]))
    assert ok(api.get("/api/v1/bank-lines/"))["count"] == 0
