"""The ledger through the REST API, as an integrating tool uses it."""

import pytest

from tests.api.api_helpers import new_customer, new_invoice, ok, pay, post

pytestmark = pytest.mark.django_db


def test_invoice_payment_credit_allocation_and_undo(api):
    customer = new_customer(api)
    draft = new_invoice(api, issue=False)
    assert (draft["state"], draft["number"], draft["status"]) == ("draft", "", "draft")
    invoice = post(api, f"/api/v1/invoices/{draft['id']}/issue/")
    assert (invoice["number"], invoice["status"], invoice["issue_date"]) == (
        "FA-2026-00001",
        "open",
        "2026-11-02",
    )
    assert (invoice["total_excl_tax"], invoice["total_tax"], invoice["total"]) == (
        "1399.00",
        "272.70",
        "1671.70",
    )
    assert [(g["rate"], g["taxable"], g["tax"]) for g in invoice["vat_breakdown"]] == [
        ("5.500", "49.00", "2.70"),
        ("20.000", "1350.00", "270.00"),
    ]
    assert invoice["customer"] == {"id": customer["id"], "code": "DUPONT", "name": "Dupont SARL"}

    payment = pay(api, "1000", "2026-11-10", "FA-2026-00001")
    assert [(a["invoice"], a["amount"]) for a in payment["allocations"]] == [
        ("FA-2026-00001", "1000.00")
    ]
    got = ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))
    assert (got["balance"], got["status"]) == ("671.70", "partially_paid")
    assert [a["payment_id"] for a in got["allocations"]] == [payment["id"]]

    # 700 on a 671.70 balance: 28.30 stays on the payment as the customer's credit.
    extra = pay(api, "700", "2026-11-12", invoice["id"])
    assert (extra["unallocated"], extra["customer"]["code"]) == ("28.30", "DUPONT")
    assert ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))["status"] == "paid"
    assert ok(api.get(f"/api/v1/customers/{customer['id']}/"))["balance"] == "-28.30"

    second = new_invoice(api, lines=[{"description": "x", "unit_price": "10", "vat_rate": "20"}])
    allocation = post(
        api, f"/api/v1/payments/{extra['id']}/allocate/", {"invoice": second["number"]}, 201
    )
    assert (allocation["amount"], allocation["date"], allocation["invoice"]) == (
        "12.00",
        "2026-11-20",
        "FA-2026-00002",
    )
    assert ok(api.get(f"/api/v1/invoices/{second['id']}/"))["status"] == "paid"
    assert ok(api.get(f"/api/v1/customers/{customer['id']}/"))["balance"] == "-16.30"

    undone = post(api, f"/api/v1/allocations/{allocation['id']}/undo/", {"reason": "erreur"})
    assert (undone["undone_on"], undone["undo_reason"]) == ("2026-11-20", "erreur")
    assert ok(api.get(f"/api/v1/invoices/{second['id']}/"))["balance"] == "12.00"
    assert ok(api.get(f"/api/v1/payments/{extra['id']}/"))["unallocated"] == "28.30"

    balances = ok(api.get("/api/v1/balances/"))
    assert balances["as_of"] == "2026-11-20"
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
    listed = ok(api.get("/api/v1/customers/"))["results"]
    assert [(c["code"], c["balance"]) for c in listed] == [("DUPONT", "-16.30")]


def test_balances_as_of_a_date_ignore_what_came_later(api):
    new_customer(api)
    invoice = new_invoice(api)
    pay(api, "1000", "2026-11-10", invoice["number"])

    before = ok(api.get("/api/v1/balances/?as_of=2026-11-09"))
    assert before["totals"] == [
        {"currency": "EUR", "receivable": "1671.70", "credit": "0.00", "balance": "1671.70"}
    ]
    after = ok(api.get("/api/v1/balances/?as_of=2026-11-10"))
    assert after["totals"][0]["balance"] == "671.70"
    assert ok(api.get("/api/v1/balances/?as_of=2026-11-01"))["customers"] == []

    by_invoice = ok(api.get("/api/v1/balances/invoices/?as_of=2026-11-09&customer=DUPONT"))
    assert [(r["number"], r["balance"]) for r in by_invoice["results"]] == [
        ("FA-2026-00001", "1671.70")
    ]
    now = ok(api.get("/api/v1/balances/invoices/"))["results"]
    assert [r["balance"] for r in now] == ["671.70"]


def test_a_full_credit_note_zeroes_the_invoice(api):
    new_customer(api)
    invoice = new_invoice(api)
    note = post(api, f"/api/v1/invoices/{invoice['id']}/credit-note/", {"reason": "Erreur"}, 201)
    assert (note["number"], note["kind"], note["total"], note["corrects"]) == (
        "AV-2026-00001",
        "credit_note",
        "1671.70",
        {"id": invoice["id"], "number": "FA-2026-00001"},
    )
    assert [(a["kind"], a["invoice"], a["amount"]) for a in note["allocations"]] == [
        ("credit_note", "FA-2026-00001", "1671.70")
    ]
    got = ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))
    assert (got["balance"], got["status"]) == ("0.00", "cancelled")
    assert ok(api.get("/api/v1/balances/"))["totals"][0]["balance"] == "0.00"

    listed = ok(api.get("/api/v1/credit-notes/"))
    assert [n["number"] for n in listed["results"]] == ["AV-2026-00001"]
    assert ok(api.get(f"/api/v1/credit-notes/{note['id']}/"))["number"] == "AV-2026-00001"
    assert ok(api.get("/api/v1/invoices/"))["count"] == 1  # credit notes are listed apart


def test_a_partial_credit_note_and_a_cancellation(api):
    new_customer(api)
    invoice = new_invoice(api)
    lines = [{"description": "Remise", "unit_price": "100", "vat_rate": "20"}]
    note = post(api, f"/api/v1/invoices/{invoice['id']}/credit-note/", {"lines": lines}, 201)
    assert note["total"] == "120.00"
    assert ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))["balance"] == "1551.70"

    other = new_invoice(api)
    draft_note = post(api, f"/api/v1/invoices/{other['id']}/credit-note/", {"issue": False}, 201)
    assert (draft_note["state"], draft_note["number"]) == ("draft", "")
    issued = post(api, f"/api/v1/invoices/{draft_note['id']}/issue/")
    assert issued["number"] == "AV-2026-00002"

    third = new_invoice(api)
    cancel = post(api, f"/api/v1/invoices/{third['id']}/cancel/", {"reason": "Doublon"}, 201)
    assert (cancel["kind"], cancel["corrects"]["number"]) == ("credit_note", third["number"])
    assert ok(api.get(f"/api/v1/invoices/{third['id']}/"))["status"] == "cancelled"


def test_drafts_change_issued_invoices_do_not(api):
    new_customer(api)
    draft = new_invoice(api, issue=False, notes="Merci")
    changed = ok(
        api.patch(
            f"/api/v1/invoices/{draft['id']}/",
            {"lines": [{"description": "x", "unit_price": "5"}], "due_date": "2026-12-01"},
            format="json",
        )
    )
    assert (changed["total"], changed["due_date"], changed["notes"]) == (
        "6.00",
        "2026-12-01",
        "Merci",
    )
    issued = post(api, f"/api/v1/invoices/{draft['id']}/issue/", {"issue_date": "2026-11-15"})
    assert (issued["number"], issued["issue_date"]) == ("FA-2026-00001", "2026-11-15")

    throwaway = new_invoice(api, issue=False)
    assert api.delete(f"/api/v1/invoices/{throwaway['id']}/").status_code == 204
    assert api.get(f"/api/v1/invoices/{throwaway['id']}/").status_code == 404


def test_deposit_then_final_invoice(api):
    new_customer(api)
    deposit = new_invoice(
        api, kind="deposit", lines=[{"description": "Acompte 30 %", "unit_price": "300"}]
    )
    assert (deposit["kind"], deposit["total"]) == ("deposit", "360.00")
    final = new_invoice(api, issue=False, lines=[{"description": "Site", "unit_price": "1000"}])
    deducted = post(
        api, f"/api/v1/invoices/{final['id']}/deduct-deposit/", {"deposit": deposit["number"]}
    )
    assert deducted["total"] == "840.00"
    assert [line["quantity"] for line in deducted["lines"]][-1].startswith("-1")


def test_discounts_and_document_charges(api):
    new_customer(api)
    lines = [{"description": "Audit", "unit_price": "1000", "discount_amount": "100"}]
    charges = [{"is_charge": True, "amount": "50", "reason": "Déplacement"}]
    invoice = new_invoice(api, lines=lines, allowance_charges=charges)
    assert (invoice["lines"][0]["discount_amount"], invoice["lines"][0]["net_amount"]) == (
        "100.00",
        "900.00",
    )
    assert invoice["allowance_charges"] == [
        {
            "is_charge": True,
            "amount": "50.00",
            "reason": "Déplacement",
            "vat_category": "S",
            "vat_rate": "20.000",
        }
    ]
    assert (invoice["total_excl_tax"], invoice["total"]) == ("950.00", "1140.00")


def test_write_off_and_dispute(api):
    new_customer(api)
    invoice = new_invoice(api)
    disputed = post(api, f"/api/v1/invoices/{invoice['id']}/dispute/", {"reason": "Livraison"})
    assert (disputed["status"], disputed["dispute_reason"]) == ("disputed", "Livraison")
    assert ok(api.get("/api/v1/invoices/?status=disputed"))["count"] == 1
    resolved = post(api, f"/api/v1/invoices/{invoice['id']}/resolve-dispute/")
    assert resolved["status"] == "open"

    done = post(
        api,
        f"/api/v1/invoices/{invoice['id']}/write-off/",
        {"reason": "Liquidation", "bad_debt": True},
    )
    assert (done["balance"], done["status"]) == ("0.00", "written_off")
    assert [(a["kind"], a["reason"]) for a in done["allocations"]] == [("write_off", "Liquidation")]


def test_a_small_gap_is_written_off_with_the_payment(api):
    new_customer(api)
    invoice = new_invoice(api)
    payment = pay(api, "1671.50", "2026-11-10", invoice["number"], write_off_difference=True)
    assert [a["kind"] for a in payment["allocations"]] == ["payment"]
    got = ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))
    assert (got["balance"], got["status"]) == ("0.00", "paid")
    assert [a["kind"] for a in got["allocations"]] == ["payment", "write_off"]


def test_a_cancelled_payment_undoes_its_allocations(api):
    new_customer(api)
    invoice = new_invoice(api)
    payment = pay(api, "500", "2026-11-10", invoice["number"], reference="VIR 42")
    cancelled = post(api, f"/api/v1/payments/{payment['id']}/cancel/", {"reason": "Rejet"})
    assert (cancelled["cancelled_on"], cancelled["unallocated"]) == ("2026-11-20", "0.00")
    assert ok(api.get(f"/api/v1/invoices/{invoice['id']}/"))["balance"] == "1671.70"
    active = ok(api.get(f"/api/v1/allocations/?invoice={invoice['number']}"))
    assert active["count"] == 0
    everything = ok(api.get(f"/api/v1/allocations/?invoice={invoice['id']}&include_undone=true"))
    assert [a["undone_on"] for a in everything["results"]] == ["2026-11-20"]
    by_payment = ok(api.get(f"/api/v1/allocations/?payment={payment['id']}&include_undone=1"))
    assert by_payment["count"] == 1
    # The balance on the 15th still counts the payment: it was in force then.
    past = ok(api.get("/api/v1/balances/?as_of=2026-11-15"))
    assert past["totals"][0]["balance"] == "1171.70"
