"""The dashboard in the browser: its charts are drawn with the figures (Chart.js has the
labels and values, the canvas has ink), the date picker moves every figure, a click on a
bar opens the invoices behind it, which add up to the bar, and the full aged balance.

Today is Friday 20/11/2026; amounts at 0 % VAT. Invoices, in issue-date order:
    Hôtel Lumen     H1 2000 due 31/07, 500 paid 02/11 · H2 650 due 09/11
    Café des Arts   R1 450 due 31/08 · R2 300 due 15/10, paid 16/11
    Martin          M1 1200 due 31/10 · M2 800 due 05/12
    Verger          V1 900 due 10/12
As of 20/11: not due 1700 (M2, V1); 1–30 days 1850 (M1 20 days, H2 11); 31–60 days 0;
61–90 days 450 (R1, 81); over 90 days 1500 (H1, 112). Overdue 3800.
As of 15/11, before R2 is paid: 31–60 days 300 (R2, 31 days); overdue 4100.
"""

from __future__ import annotations

from datetime import date

import pytest

from solde.payments.services import payment_record
from tests.builders import line, make_customer, make_invoice
from tests.e2e.test_daily_work import sign_in, text_of

pytestmark = pytest.mark.django_db(transaction=True)

BUCKETS = ["Non échu", "1–30 jours", "31–60 jours", "61–90 jours", "Plus de 90 jours"]


def _invoice(company, customer, price: str, issued: str, due: str):
    return make_invoice(
        company,
        customer,
        lines=[line(price=price, rate="0", description="Luminaires")],
        issue_date=date.fromisoformat(issued),
        due_date=date.fromisoformat(due),
    )


@pytest.fixture
def receivables(seller):
    lumen = make_customer(seller, "LUMEN", name="Hôtel Lumen")
    arts = make_customer(seller, "ARTS", name="Café des Arts")
    martin = make_customer(seller, "MARTIN", name="Boulangerie Martin")
    verger = make_customer(seller, "VERGER", name="Le Verger SARL")
    h1 = _invoice(seller, lumen, "2000", "2026-07-01", "2026-07-31")
    _invoice(seller, arts, "450", "2026-08-01", "2026-08-31")
    r2 = _invoice(seller, arts, "300", "2026-09-15", "2026-10-15")
    _invoice(seller, martin, "1200", "2026-10-01", "2026-10-31")
    _invoice(seller, lumen, "650", "2026-10-10", "2026-11-09")
    _invoice(seller, martin, "800", "2026-11-05", "2026-12-05")
    _invoice(seller, verger, "900", "2026-11-10", "2026-12-10")
    payment_record(company=seller, amount="500", date=date(2026, 11, 2), invoices=[h1])
    payment_record(company=seller, amount="300", date=date(2026, 11, 16), invoices=[r2])


CHART = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  return {labels: chart.data.labels, values: chart.data.datasets.map((d) => d.data)};
}"""

# Pixels with some ink (not fully transparent) on the canvas: a drawn chart has thousands.
INK = """(id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
  return ink;
}"""

# The middle of a bar, in CSS pixels from the canvas' top left corner.
BAR = """([id, index]) => {
  const bar = Chart.getChart(document.getElementById(id)).getDatasetMeta(0).data[index];
  return {x: bar.x, y: (bar.y + bar.base) / 2};
}"""


def _wait_for_charts(page) -> None:
    page.wait_for_function(
        "typeof Chart !== 'undefined' && Chart.getChart(document.getElementById('aging-chart'))"
    )


def test_the_dashboard_charts_date_picker_and_drilldown(
    page, live_server, seller, receivables, shoot
):
    sign_in(page, live_server)
    _wait_for_charts(page)
    aging = page.evaluate(CHART, "aging-chart")
    assert aging == {"labels": BUCKETS, "values": [[1700, 1850, 0, 450, 1500]]}
    assert page.evaluate(INK, "aging-chart") > 2000
    debtors = page.evaluate(CHART, "debtors-chart")
    assert debtors["labels"] == [
        "Hôtel Lumen",
        "Boulangerie Martin",
        "Le Verger SARL",
        "Café des Arts",
    ]
    assert debtors["values"] == [[2150, 1200, 0, 450], [0, 800, 900, 0]]  # overdue, not due
    assert page.evaluate(INK, "debtors-chart") > 2000
    assert text_of(page.locator("[data-figure=overdue]")) == "3 800,00 €"

    # The slower blocks arrive as fragments and draw their charts when they land.
    page.locator("[data-figure=dso]").wait_for()
    for chart in ("trend-chart", "forecast-chart"):
        page.wait_for_function(f"Chart.getChart(document.getElementById('{chart}'))")
        assert page.evaluate(INK, chart) > 2000
    trend = page.evaluate(CHART, "trend-chart")
    assert len(trend["labels"]) == 24 and trend["labels"][-1] == "nov. 2026"
    assert trend["values"][0][-1] > 0  # the DSO of today
    forecast = page.evaluate(CHART, "forecast-chart")
    received, expected = forecast["values"][0], forecast["values"][1]
    assert len(forecast["labels"]) == 26 and sum(expected[13:]) > 0
    assert received[13:] == [None] * 13  # nothing has come in from the weeks to come
    page.locator(".risk").nth(3).wait_for()  # a badge for each of the four debtors
    shoot("dashboard")

    page.locator("input[name=as_of]").fill("2026-11-15")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/?as_of=2026-11-15")
    _wait_for_charts(page)
    assert text_of(page.locator("[data-figure=overdue]")) == "4 100,00 €"  # R2 not yet paid
    assert page.evaluate(CHART, "aging-chart")["values"] == [[1700, 1850, 300, 450, 1500]]

    bar = page.evaluate(BAR, ["aging-chart", 2])
    page.locator("#aging-chart").click(position=bar)
    page.wait_for_url("**/reports/invoices/?as_of=2026-11-15&bucket=31_60")
    page.get_by_role("heading", name="Factures derrière ce chiffre").wait_for()
    balances = page.locator("[data-balance]").evaluate_all(
        "cells => cells.map((c) => c.dataset.balance)"
    )
    assert balances == ["300.00"]  # R2's balance on the 15th, though it is paid today
    assert page.locator("[data-total]").get_attribute("data-total") == "300.00"
    assert page.locator("[data-days]").get_attribute("data-days") == "31"  # then

    # The 1–30 days bar of the 15th: M1 and H2, 1200 + 650.
    page.go_back()
    _wait_for_charts(page)
    page.locator("#aging-chart").click(position=page.evaluate(BAR, ["aging-chart", 1]))
    page.wait_for_url("**bucket=1_30")
    assert page.locator("[data-total]").get_attribute("data-total") == "1850.00"
    total = page.locator("[data-balance]").evaluate_all(
        "cells => cells.reduce((s, c) => s + Number(c.dataset.balance), 0)"
    )
    assert total == 1850

    # The overdue figure of the 15th: every invoice past due then, oldest first.
    page.go_back()
    page.locator("[data-figure=overdue] a").click()
    page.wait_for_url("**bucket=overdue")
    assert page.locator("[data-total]").get_attribute("data-total") == "4100.00"
    shoot("dashboard-drilldown")

    # The full aged balance of the 15th, customer by customer, for the accountant.
    page.get_by_role("link", name="Balance âgée complète").click()
    page.get_by_role("heading", name="Balance âgée").wait_for()
    assert page.locator("tfoot [data-total]").get_attribute("data-total") == "5800.00"
    shoot("aging")
