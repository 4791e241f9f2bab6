"""Downloading the aged balance: /c/<slug>/reports/aging.csv|.xlsx|.pdf?as_of=YYYY-MM-DD."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from solde.payments.services import payment_record
from tests.builders import line, make_customer, make_invoice, make_user

pytestmark = pytest.mark.django_db

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@pytest.fixture
def beta(company):
    """800.00 due 31/08/2026, 200.00 paid on 10/11/2026."""
    customer = make_customer(company, "BETA", name="Beta SARL")
    invoice = make_invoice(
        company,
        customer,
        lines=[line("800", rate="0")],
        issue_date=date(2026, 8, 1),
        due_date=date(2026, 8, 31),
    )
    payment_record(company=company, amount="200", date=date(2026, 11, 10), invoices=[invoice])
    return customer


def url(company, extension: str, as_of: str | None = None) -> str:
    path = reverse(f"report_aging_{extension}", args=[company.slug])
    return f"{path}?as_of={as_of}" if as_of else path


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("extension", sorted(TYPES))
def test_each_format_downloads_with_its_type_and_a_dated_file_name(
    client, owner, company, beta, extension
):
    client.force_login(owner)
    response = client.get(url(company, extension, "2026-11-09"))
    assert response.status_code == 200
    assert response["Content-Type"] == TYPES[extension]
    assert response["Content-Disposition"] == (
        f'attachment; filename="balance-agee-2026-11-09.{extension}"'
    )
    assert len(response.content) > 0


def test_the_day_defaults_to_today_and_a_day_before_the_payment_leaves_it_out(
    client, owner, company, beta
):
    client.force_login(owner)
    today = client.get(url(company, "csv"))
    assert "balance-agee-2026-11-20.csv" in today["Content-Disposition"]
    assert csv_rows(today)[1][5] == "600,00"  # 81 days late: 61–90, after the payment
    before = csv_rows(client.get(url(company, "csv", "2026-11-09")))
    assert before[1][5] == "800,00"


@pytest.mark.parametrize("role", ["viewer", "sales", "accountant"])
def test_every_member_may_download(client, company, beta, role):
    client.force_login(make_user(company, role))
    assert client.get(url(company, "csv")).status_code == 200


@pytest.mark.parametrize("extension", sorted(TYPES))
def test_a_member_of_another_company_finds_nothing(client, outsider, company, beta, extension):
    client.force_login(outsider)
    response = client.get(url(company, extension))
    assert response.status_code == 404
    assert b"Beta SARL" not in response.content


def test_a_visitor_must_sign_in(client, company):
    response = client.get(url(company, "xlsx"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("20/11/2026", "« 20/11/2026 » n’est pas une date (AAAA-MM-JJ)."),
        ("2026-11-21", "Les chiffres ne peuvent pas être arrêtés à une date future."),
    ],
)
def test_a_wrong_or_future_day_is_refused(client, owner, company, as_of, message):
    client.force_login(owner)
    response = client.get(url(company, "pdf", as_of))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"  # what was typed is no HTML
    assert response.content.decode() == message
