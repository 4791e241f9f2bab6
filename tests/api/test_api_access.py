"""Tenancy and roles on every endpoint.

Another company's objects answer 404 and never show in lists; a key needs the write
scope and a role allowing the action to change anything; no key is 401.
"""

import pytest

from solde.banking.services import statement_import
from solde.invoicing.quotes import quote_create
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.services import payment_record
from tests.api.api_helpers import PROBLEM, client_for, ok
from tests.banking.statements import camt, credit
from tests.builders import line, make_invoice, make_user

pytestmark = pytest.mark.django_db

LISTS = [
    "customers",
    "invoices",
    "credit-notes",
    "quotes",
    "payments",
    "allocations",
    "balances/invoices",
    "bank-accounts",
    "bank-lines",
]


@pytest.fixture
def objects(company, customer):
    invoice = make_invoice(company, customer)
    payment = payment_record(
        company=company, amount="50", date=invoice.issue_date, invoices=[invoice]
    )
    note = invoice_issue(invoice=credit_note_create(invoice=make_invoice(company, customer)))
    statement = camt([credit("10.00", "VIREMENT", name="X", day=invoice.issue_date)])
    statement_import(company=company, data=statement, file_name="s.xml")
    return {
        "bank_line": company_bank_line(company),
        "customer": customer,
        "invoice": invoice,
        "draft": make_invoice(company, customer, issue=False),
        "deposit": make_invoice(company, customer, kind="deposit"),
        "credit_note": note,
        "quote": quote_create(company=company, customer=customer, lines=[line()]),
        "payment": payment,
        "allocation": payment.allocations.get(),
    }


def company_bank_line(company):
    from solde.banking.models import BankLine

    return BankLine.objects.get(company=company)


def writes(o) -> list[tuple[str, str, dict]]:
    """Every write of the API, on `company`'s objects."""
    inv, draft, quote = o["invoice"].public_id, o["draft"].public_id, o["quote"].public_id
    payment = o["payment"].public_id
    bank = f"/api/v1/bank-lines/{o['bank_line'].public_id}/"
    return [
        ("post", "/api/v1/customers/", {"code": "NEW", "name": "New"}),
        ("patch", f"/api/v1/customers/{o['customer'].public_id}/", {"city": "Lyon"}),
        ("post", "/api/v1/invoices/", {"customer": "DUPONT", "lines": [line()]}),
        ("patch", f"/api/v1/invoices/{draft}/", {"notes": "x"}),
        ("delete", f"/api/v1/invoices/{draft}/", {}),
        ("post", f"/api/v1/invoices/{draft}/issue/", {}),
        ("post", f"/api/v1/invoices/{draft}/deduct-deposit/", {"deposit": o["deposit"].number}),
        ("post", f"/api/v1/invoices/{inv}/credit-note/", {}),
        ("post", f"/api/v1/invoices/{inv}/cancel/", {"reason": "x"}),
        ("post", f"/api/v1/invoices/{inv}/write-off/", {"reason": "x", "bad_debt": True}),
        ("post", f"/api/v1/invoices/{inv}/dispute/", {"reason": "x"}),
        ("post", f"/api/v1/invoices/{inv}/resolve-dispute/", {}),
        ("post", "/api/v1/quotes/", {"customer": "DUPONT", "lines": [line()]}),
        ("patch", f"/api/v1/quotes/{quote}/", {"notes": "x"}),
        ("post", f"/api/v1/quotes/{quote}/send/", {}),
        ("post", f"/api/v1/quotes/{quote}/accept/", {}),
        ("post", f"/api/v1/quotes/{quote}/decline/", {}),
        ("post", f"/api/v1/quotes/{quote}/convert/", {}),
        ("post", "/api/v1/payments/", {"amount": "1", "date": "2026-11-20", "customer": "DUPONT"}),
        ("post", f"/api/v1/payments/{payment}/cancel/", {"reason": "x"}),
        ("post", f"/api/v1/payments/{payment}/allocate/", {"invoice": o["invoice"].number}),
        ("post", f"/api/v1/allocations/{o['allocation'].public_id}/undo/", {}),
        ("post", f"{bank}accept/", {}),
        ("post", f"{bank}allocate/", {"customer": "DUPONT"}),
        ("post", f"{bank}ignore/", {"reason": "x"}),
        ("post", f"{bank}undo/", {}),
    ]


def details(o) -> list[str]:
    return [
        f"/api/v1/customers/{o['customer'].public_id}/",
        f"/api/v1/invoices/{o['invoice'].public_id}/",
        f"/api/v1/invoices/{o['credit_note'].public_id}/",
        f"/api/v1/credit-notes/{o['credit_note'].public_id}/",
        f"/api/v1/quotes/{o['quote'].public_id}/",
        f"/api/v1/payments/{o['payment'].public_id}/",
        f"/api/v1/allocations/{o['allocation'].public_id}/",
        f"/api/v1/bank-lines/{o['bank_line'].public_id}/",
    ]


def send(client, method, url, body):
    return getattr(client, method)(url, body, format="json")


def test_the_owner_sees_everything(api, objects):
    for url in details(objects):
        ok(api.get(url))
    for name in LISTS:
        assert ok(api.get(f"/api/v1/{name}/"))["count"] >= 1, name
    assert ok(api.get("/api/v1/balances/"))["customers"] != []


def test_an_outsider_gets_404_and_sees_nothing(outsider_api, objects):
    for url in details(objects):
        response = outsider_api.get(url)
        assert (response.status_code, response["Content-Type"]) == (404, PROBLEM), url
    for name in LISTS:
        assert ok(outsider_api.get(f"/api/v1/{name}/"))["count"] == 0, name
    balances = ok(outsider_api.get("/api/v1/balances/"))
    assert (balances["customers"], balances["totals"]) == ([], [])


def test_an_outsider_cannot_act_on_anything(outsider_api, objects):
    for method, url, body in writes(objects):
        if url.endswith("/customers/"):
            continue  # creating a customer in one's own company is allowed
        response = send(outsider_api, method, url, body)
        assert response.status_code == 404, (method, url, response.content)
    objects["invoice"].refresh_from_db()
    assert (objects["invoice"].status, objects["invoice"].disputed) == ("partially_paid", False)


def test_an_outsider_cannot_name_anothers_objects_in_a_body_or_filter(
    outsider_api, objects, outsider, other_company
):
    invoice, payment = objects["invoice"], objects["payment"]
    by_number = {"amount": "1", "date": "2026-11-20", "invoices": [invoice.number]}
    assert outsider_api.post("/api/v1/payments/", by_number, format="json").status_code == 404
    by_id = {"amount": "1", "date": "2026-11-20", "customer": str(invoice.customer.public_id)}
    assert outsider_api.post("/api/v1/payments/", by_id, format="json").status_code == 404
    for query in [
        f"allocations/?invoice={invoice.number}",
        f"allocations/?payment={payment.public_id}",
        f"invoices/?customer={invoice.customer.public_id}",
        f"payments/?customer={invoice.customer.public_id}",
        f"balances/invoices/?customer={invoice.customer.public_id}",
    ]:
        assert outsider_api.get(f"/api/v1/{query}").status_code == 404, query
    own = make_invoice(other_company, issue=False)
    deduct = {"deposit": objects["deposit"].number}
    url = f"/api/v1/invoices/{own.public_id}/deduct-deposit/"
    assert outsider_api.post(url, deduct, format="json").status_code == 404


def test_a_viewer_reads_but_cannot_write(viewer_api, objects):
    for url in details(objects):
        ok(viewer_api.get(url))
    for method, url, body in writes(objects):
        response = send(viewer_api, method, url, body)
        assert (response.status_code, response["Content-Type"]) == (403, PROBLEM), url


def test_a_read_key_cannot_write(owner, company, objects):
    reader = client_for(owner, company, scope="read")
    ok(reader.get("/api/v1/customers/"))
    for method, url, body in writes(objects):
        assert send(reader, method, url, body).status_code == 403, url


def test_sales_write_invoices_but_not_money(company, objects):
    sales = client_for(make_user(company, "sales"), company)
    assert send(sales, *writes(objects)[0]).status_code == 201
    draft = objects["draft"].public_id
    assert send(sales, "post", f"/api/v1/invoices/{draft}/issue/", {}).status_code == 200
    for method, url, body in writes(objects):
        if (
            "/payments/" in url
            or "/allocations/" in url
            or "/bank-lines/" in url
            or url.endswith(("/credit-note/", "/cancel/", "/write-off/"))
        ):
            assert send(sales, method, url, body).status_code == 403, url


def test_an_accountant_records_payments(company, objects):
    accountant = client_for(make_user(company, "accountant"), company)
    body = {"amount": "10", "date": "2026-11-20", "invoices": [objects["invoice"].number]}
    assert send(accountant, "post", "/api/v1/payments/", body).status_code == 201


def test_no_key_or_a_wrong_key_is_401(client, objects):
    for url in ["/api/v1/customers/", details(objects)[1], "/api/v1/balances/"]:
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
        assert response.json()["status"] == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/v1/customers/", HTTP_AUTHORIZATION="Bearer sk_nope")
    assert (wrong.status_code, wrong["Content-Type"]) == (401, PROBLEM)
    posted = client.post("/api/v1/customers/", {"code": "N", "name": "N"})
    assert posted.status_code == 401


def test_a_revoked_key_is_401(owner, company):
    from solde.companies.models import ApiToken

    client = client_for(owner, company)
    ApiToken.objects.update(revoked_at="2026-11-20T00:00:00Z")
    assert client.get("/api/v1/customers/").status_code == 401
