"""The reconciliation pages: upload a statement, work through the queue, undo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from solde.banking.models import BankLine
from solde.banking.services import statement_import
from tests.banking.statements import camt, credit
from tests.builders import make_invoice, make_user

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def url(name, company, *args):
    return reverse(name, args=[company.slug, *args])


def _statement(invoices):
    first, second = invoices
    return camt(
        [
            credit(
                f"{first.total}", f"VIR FACTURE {first.number}", name="DUPONT", ref="A", day=DAY
            ),
            credit("500.00", "VIREMENT", name="QUELQU'UN", ref="B", day=DAY),
            credit("-30.00", "PRLV EDF", ref="C", day=DAY),
        ]
    )


@pytest.fixture
def invoices(company, customer):
    return make_invoice(company, customer), make_invoice(company, customer)


def test_uploading_a_statement_matches_and_lists_the_rest(browser, company, invoices):
    upload = SimpleUploadedFile("releve.xml", _statement(invoices), "application/xml")
    response = browser.post(url("bank_upload", company), {"file": upload, "format": "auto"})
    assert response.status_code == 302
    page = browser.get(url("bank_queue", company)).content.decode()
    assert "QUELQU&#x27;UN" in page or "QUELQU'UN" in page
    assert "PRLV EDF" not in page, "debits are not in the review queue"
    assert BankLine.objects.get(bank_ref="A").status == BankLine.MATCHED


def test_a_broken_upload_says_why_next_to_the_field(browser, company):
    upload = SimpleUploadedFile("cassé.xml", b"<Document><oops", "application/xml")
    response = browser.post(url("bank_upload", company), {"file": upload})
    assert response.status_code == 422
    assert "cassé.xml" in response.content.decode()


def test_matching_a_line_by_hand_then_undoing_it(browser, company, customer, invoices):
    statement_import(company=company, data=_statement(invoices), file_name="r.xml")
    line = BankLine.objects.get(bank_ref="B")
    detail = browser.get(
        url("bank_line_detail", company, line.public_id), {"customer": customer.public_id}
    )
    assert invoices[1].number in detail.content.decode()
    response = browser.post(
        url("bank_line_allocate", company, line.public_id),
        {
            "customer": str(customer.public_id),
            "invoices": [str(invoices[1].public_id)],
            f"amount-{invoices[1].public_id}": "100,00",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    invoices[1].refresh_from_db()
    assert (line.status, line.how) == (BankLine.MATCHED, "manual")
    assert invoices[1].balance == invoices[1].total - Decimal("100.00")
    browser.post(url("bank_line_undo", company, line.public_id), {"reason": "wrong"})
    line.refresh_from_db()
    invoices[1].refresh_from_db()
    assert line.status in BankLine.OPEN_STATUSES and invoices[1].balance == invoices[1].total


def test_ignoring_a_line(browser, company, invoices):
    statement_import(company=company, data=_statement(invoices), file_name="r.xml")
    line = BankLine.objects.get(bank_ref="B")
    browser.post(url("bank_line_ignore", company, line.public_id), {"reason": "own transfer"})
    line.refresh_from_db()
    assert (line.status, line.ignore_reason) == (BankLine.IGNORED, "own transfer")
    page = browser.get(url("bank_queue", company), {"view": "ignored"}).content.decode()
    assert "own transfer" not in page and "QUELQU" in page


def test_a_viewer_sees_but_cannot_act_and_an_outsider_sees_nothing(
    client, company, outsider, invoices
):
    statement_import(company=company, data=_statement(invoices), file_name="r.xml")
    line = BankLine.objects.get(bank_ref="B")
    client.force_login(make_user(company, "viewer"))
    assert client.get(url("bank_line_detail", company, line.public_id)).status_code == 200
    refused = client.post(url("bank_line_ignore", company, line.public_id), {"reason": "x"})
    assert refused.status_code == 403
    client.force_login(outsider)
    assert client.get(url("bank_queue", company)).status_code == 404
    assert client.get(url("bank_line_detail", company, line.public_id)).status_code == 404
