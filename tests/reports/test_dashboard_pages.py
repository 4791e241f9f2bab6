"""The dashboard (the company's home page), the aged balance page and the invoices behind
a figure, on a ledger computed by hand (amounts at 0 % VAT; today is 2026-11-20).

    ALPHA (retail)     A3 300 due 10-20 · A2 500 due 10-21, paid 11-12 · A1 1000 due 12-01
    BETA (wholesale)   B2 400 due 07-31 · B1 800 due 08-31, 200 paid 11-10
    GAMMA (retail)     G1 250 due 10-01 · 150 paid on 11-05, not allocated (credit)

As of 11-20: not due A1 1000; 31–60 A3 300 (31 days) + G1 250 (50) = 550; 61–90 B1 600
(81); over 90 B2 400 (112). Total 2550, overdue 1550, credit 150.
As of 11-11 (before Alpha's payment): 1–30 A2 500 (21 days) + A3 300 (22) = 800; 31–60
G1 250 (41); 61–90 B1 600 (72); over 90 B2 400 (103). Total 3050, overdue 2050.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from solde.payments.services import payment_record
from solde.reports.queries import aging
from tests.builders import line, make_customer, make_invoice, make_user

pytestmark = pytest.mark.django_db

D = Decimal


def invoice(company, customer, price, issued, due):
    return make_invoice(
        company,
        customer,
        lines=[line(price, rate="0")],
        issue_date=date.fromisoformat(issued),
        due_date=date.fromisoformat(due),
    )


@pytest.fixture
def ledger(company):
    alpha = make_customer(company, "ALPHA", name="Alpha SA", segment="retail")
    beta = make_customer(company, "BETA", name="Beta SARL", segment="wholesale")
    gamma = make_customer(company, "GAMMA", name="Gamma SAS", segment="retail")
    b2 = invoice(company, beta, "400", "2026-07-01", "2026-07-31")
    b1 = invoice(company, beta, "800", "2026-08-01", "2026-08-31")
    g1 = invoice(company, gamma, "250", "2026-09-01", "2026-10-01")
    a3 = invoice(company, alpha, "300", "2026-09-30", "2026-10-20")
    a2 = invoice(company, alpha, "500", "2026-10-01", "2026-10-21")
    a1 = invoice(company, alpha, "1000", "2026-11-01", "2026-12-01")
    payment_record(company=company, amount="150", date=date(2026, 11, 5), customer=gamma)
    payment_record(company=company, amount="200", date=date(2026, 11, 10), invoices=[b1])
    payment_record(company=company, amount="500", date=date(2026, 11, 12), invoices=[a2])
    return {"A1": a1, "A2": a2, "A3": a3, "B1": b1, "B2": b2, "G1": g1}


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def page_url(name, company, block=None, **params):
    base = reverse(name, args=[company.slug] + ([block] if block else []))
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def cards(response) -> dict[str, Decimal]:
    return {card.key: card.amount for card in response.context["cards"]}


def chart_values(chart) -> list[list[str]]:
    return [dataset["values"] for dataset in chart["datasets"]]


def test_the_dashboard_figures_today(browser, company, ledger):
    response = browser.get(page_url("home", company))
    assert response.status_code == 200
    assert cards(response) == {
        "receivable": D("2550.00"),
        "not_due": D("1000.00"),
        "overdue": D("1550.00"),
        "credit": D("150.00"),
    }
    page = response.content.decode()
    assert 'data-figure="overdue"><a href="' in page and "1\u202f550,00\xa0€" in page
    # The aging chart's data: amounts as strings, one drill-down link per bar.
    chart = response.context["aging_chart"]
    assert chart_values(chart) == [["1000.00", "0.00", "550.00", "600.00", "400.00"]]
    assert chart["links"][2] == page_url(
        "report_invoices", company, as_of="2026-11-20", bucket="31_60"
    )
    assert '<script id="aging-data" type="application/json">' in page


def test_top_debtors_with_their_overdue_part(browser, company, ledger):
    response = browser.get(page_url("home", company))
    debtors = [(d["code"], d["total"], d["overdue"]) for d in response.context["debtors"]]
    assert debtors == [
        ("ALPHA", D("1300.00"), D("300.00")),  # A1 1000 not due, A3 300 overdue
        ("BETA", D("1000.00"), D("1000.00")),
        ("GAMMA", D("250.00"), D("250.00")),  # its 150 credit is not netted
    ]
    alpha = ledger["A1"].customer
    page = response.content.decode()
    assert reverse("customer_detail", args=[company.slug, alpha.public_id]) in page
    overdue = page_url(
        "report_invoices", company, as_of="2026-11-20", customer=alpha.public_id, bucket="overdue"
    )
    assert overdue.replace("&", "&amp;") in page
    chart = response.context["debtors_chart"]
    assert chart["labels"] == ["Alpha SA", "Beta SARL", "Gamma SAS"]
    assert chart_values(chart) == [["300.00", "1000.00", "250.00"], ["1000.00", "0.00", "0.00"]]


def test_only_the_ten_largest_debtors_are_shown(browser, company):
    for n in range(12):  # customers owing 10, 20 … 120
        invoice(
            company,
            make_customer(company, f"C{n:02d}"),
            str(10 * (n + 1)),
            "2026-11-01",
            "2026-12-01",
        )
    debtors = browser.get(page_url("home", company)).context["debtors"]
    assert [d["code"] for d in debtors] == [f"C{n:02d}" for n in range(11, 1, -1)]


def test_as_of_a_day_before_a_payment_the_overdue_figure_is_higher(browser, company, ledger):
    response = browser.get(page_url("home", company, as_of="2026-11-11"))
    assert cards(response) == {
        "receivable": D("3050.00"),  # A2's 500 was paid on the 12th
        "not_due": D("1000.00"),
        "overdue": D("2050.00"),
        "credit": D("150.00"),
    }
    assert chart_values(response.context["aging_chart"]) == [
        ["1000.00", "800.00", "250.00", "600.00", "400.00"]
    ]
    assert response.context["debtors"][0]["total"] == D("1800.00")
    # Before any payment (B1's on the 10th, Gamma's on the 5th): no credit, B1 is 800.
    earlier = cards(browser.get(page_url("home", company, as_of="2026-11-04")))
    assert (earlier["receivable"], earlier["credit"]) == (D("3250.00"), D("0.00"))


def test_a_future_date_is_refused_with_a_message(browser, company, ledger):
    response = browser.get(page_url("home", company, as_of="2026-11-21"))
    assert response.status_code == 200
    assert response.context["as_of"] == date(2026, 11, 20)
    assert cards(response)["receivable"] == D("2550.00")
    assert "Les chiffres ne peuvent pas être arrêtés à une date future" in (
        response.content.decode()
    )
    wrong = browser.get(page_url("home", company, as_of="20-11-2026"))
    assert wrong.status_code == 200 and wrong.context["as_of"] == date(2026, 11, 20)
    assert "n’est pas une date" in wrong.content.decode()


def drilldown(browser, company, **params):
    response = browser.get(page_url("report_invoices", company, **params))
    assert response.status_code == 200
    rows = [(i.number, i.balance_as_of, i.days_past_due) for i in response.context["page"].rows]
    return rows, response.context["total"], response


@pytest.mark.parametrize("as_of", ["2026-11-11", "2026-11-20"])
def test_each_bars_invoices_add_up_to_the_bar(browser, company, ledger, as_of):
    report = aging(company=company, as_of=date.fromisoformat(as_of), by=None)
    for bucket in report.labels:
        rows, total, response = drilldown(browser, company, as_of=as_of, bucket=bucket)
        assert total == report.buckets[bucket]
        assert sum((balance for _, balance, _ in rows), D(0)) == total
        assert f'data-total="{total}"' in response.content.decode()
    rows, total, _ = drilldown(browser, company, as_of=as_of, bucket="overdue")
    assert total == report.total - report.buckets["not_due"]
    rows, total, _ = drilldown(browser, company, as_of=as_of)
    assert total == report.total and len(rows) == (6 if as_of == "2026-11-11" else 5)


def test_the_invoices_behind_a_bar_with_their_balance_at_that_date(browser, company, ledger):
    rows, total, response = drilldown(browser, company, as_of="2026-11-11", bucket="1_30")
    # A2 is paid today, but on the 11th it still owed its 500; oldest due first.
    numbers = {ledger["A3"].number: "A3", ledger["A2"].number: "A2"}
    assert [(numbers[n], b, d) for n, b, d in rows] == [
        ("A3", D("300.00"), 22),
        ("A2", D("500.00"), 21),
    ]
    assert total == D("800.00")
    page = response.content.decode()
    assert reverse("invoice_detail", args=[company.slug, ledger["A2"].public_id]) in page
    rows, total, _ = drilldown(browser, company, as_of="2026-11-20", bucket="61_90")
    assert [(b, d) for _, b, d in rows] == [(D("600.00"), 81)]  # B1: 800 − 200 paid


def test_a_customers_and_a_segments_invoices(browser, company, ledger):
    alpha = ledger["A1"].customer
    rows, total, _ = drilldown(
        browser, company, as_of="2026-11-20", customer=alpha.public_id, bucket="overdue"
    )
    assert [n for n, _, _ in rows] == [ledger["A3"].number] and total == D("300.00")
    rows, total, _ = drilldown(browser, company, as_of="2026-11-20", customer="ALPHA")
    assert total == D("1300.00")
    rows, total, _ = drilldown(browser, company, as_of="2026-11-20", segment="retail")
    assert total == D("1550.00")  # Alpha 1300 + Gamma 250
    rows, total, _ = drilldown(browser, company, as_of="2026-11-20", segment="")
    assert rows == [] and total == D("0.00")


def test_the_drilldown_is_paged_and_its_total_covers_every_page(browser, company):
    customer = make_customer(company, "MANY")
    for n in range(51):
        invoice(company, customer, "10", "2026-10-01", f"2026-10-{1 + n % 28:02d}")
    first = drilldown(browser, company, as_of="2026-11-20", bucket="overdue")
    second = drilldown(browser, company, as_of="2026-11-20", bucket="overdue", page=2)
    assert (len(first[0]), len(second[0])) == (50, 1)
    assert first[1] == second[1] == D("510.00")
    assert first[2].context["page"].has_next and "Total, toutes pages" in second[2].content.decode()


def test_an_unknown_bucket_shows_every_invoice_with_a_message(browser, company, ledger):
    rows, total, response = drilldown(browser, company, as_of="2026-11-20", bucket="late")
    assert total == D("2550.00")
    assert "late" in response.content.decode()


def test_the_aged_balance_page_by_customer_and_by_segment(browser, company, ledger):
    response = browser.get(page_url("report_aging", company, as_of="2026-11-11"))
    assert response.status_code == 200
    rows = {r.code: (r.total, r.credit) for r in response.context["page"].rows}
    assert rows == {
        "ALPHA": (D("1800.00"), D("0.00")),
        "BETA": (D("1000.00"), D("0.00")),
        "GAMMA": (D("250.00"), D("150.00")),
    }
    page = response.content.decode()
    assert 'data-total="3050.00"' in page and 'data-credit="150.00"' in page
    link = page_url("report_invoices", company, as_of="2026-11-11", bucket="1_30", customer="ALPHA")
    assert link.replace("&", "&amp;") in page
    segments = browser.get(page_url("report_aging", company, as_of="2026-11-11", by="segment"))
    rows = {r.code: r.total for r in segments.context["page"].rows}
    assert rows == {"retail": D("2050.00"), "wholesale": D("1000.00")}
    assert page_url("report_aging_xlsx", company, as_of="2026-11-11") in page


def test_every_page_links_to_the_others(browser, company, ledger):
    home = browser.get(page_url("home", company)).content.decode()
    assert page_url("report_aging", company, as_of="2026-11-20") in home
    assert 'aria-current="page">Tableau de bord' in home
    aging_page = browser.get(page_url("report_aging", company)).content.decode()
    assert 'aria-current="page">Tableau de bord' in aging_page


@pytest.mark.parametrize(
    ("name", "params"),
    [("home", {}), ("report_aging", {}), ("report_invoices", {"bucket": "overdue"})],
)
def test_another_companys_reports_do_not_exist(client, company, outsider, ledger, name, params):
    client.force_login(outsider)
    assert client.get(page_url(name, company, **params)).status_code == 404


def test_another_companys_customer_is_not_found_in_a_drilldown(browser, company, other_company):
    stranger = make_customer(other_company, "ALPHA")
    response = browser.get(page_url("report_invoices", company, customer=stranger.public_id))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["viewer", "sales", "accountant"])
def test_every_member_reads_the_reports(client, company, ledger, role):
    client.force_login(make_user(company, role))
    for name in ("home", "report_aging", "report_invoices"):
        assert client.get(page_url(name, company)).status_code == 200


def queries_of(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_runs_a_fixed_number_of_queries(
    browser, company, ledger, django_assert_max_num_queries
):
    # 3 for the session, the user and the membership; 8 for the aged balance by customer
    # (queries.aging); 1 for the top debtors' UUIDs.
    with django_assert_max_num_queries(12):
        browser.get(page_url("home", company, as_of="2026-11-11"))


@pytest.mark.parametrize(
    ("name", "params"),
    [("home", {}), ("report_aging", {}), ("report_invoices", {"bucket": "overdue"})],
)
def test_more_invoices_cost_no_more_queries(browser, company, ledger, name, params):
    url = page_url(name, company, as_of="2026-11-20", **params)
    before = queries_of(browser, url)
    for n in range(8):
        customer = make_customer(company, f"MORE{n}")
        paid = invoice(company, customer, "90", "2026-11-02", "2026-11-10")
        invoice(company, customer, "40", "2026-11-02", "2026-12-02")
        payment_record(company=company, amount="90", date=date(2026, 11, 3), invoices=[paid])
    assert queries_of(browser, url) == before


# The slower blocks, loaded by the dashboard as fragments (htmx).


def block(browser, company, name, **params):
    response = browser.get(page_url("report_block", company, block=name, **params))
    assert response.status_code == 200
    return response


def test_the_dashboard_loads_its_slower_blocks(browser, company, ledger):
    page = browser.get(page_url("home", company, as_of="2026-11-11")).content.decode()
    for name in ("kpis", "trend", "forecast"):
        url = reverse("report_block", args=[company.slug, name]) + "?as_of=2026-11-11"
        assert f'hx-get="{url}" hx-trigger="load"' in page


def test_the_kpi_cards(browser, company, ledger):
    # Window of 90 days to 11-20: 08-23 .. 11-20, invoiced G1 250 + A3 300 + A2 500 + A1 1000
    # = 2050. DSO = 2550 / 2050 × 90 = 111.95 → 112.0; best possible 1000 / 2050 × 90 = 43.9.
    # CEI: opening (08-22) B2 400 + B1 800 = 1200; (1200 + 2050 − 2550) / (1200 + 2050 − 1000)
    # = 700 / 2250 = 31.11 %. Paid in full in the window: A2, late: on time 0 %.
    response = block(browser, company, "kpis", as_of="2026-11-20")
    k = response.context["kpis"]
    assert (k.dso, k.best_possible_dso, k.cei, k.on_time_rate) == (
        D("112.0"),
        D("43.9"),
        D("31.11"),
        D("0.00"),
    )
    page = response.content.decode()
    assert 'data-figure="dso">112 jours' in page and 'data-figure="cei">31,11 %' in page
    # Before Alpha's payment: 3050 / 2050 × 90 = 133.90; nothing paid in full yet.
    earlier = block(browser, company, "kpis", as_of="2026-11-11").context["kpis"]
    assert (earlier.dso, earlier.on_time_rate) == (D("133.9"), None)


def test_the_dso_trend(browser, company, ledger):
    response = block(browser, company, "trend", as_of="2026-11-20")
    chart = response.context["trend_chart"]
    values = chart["datasets"][0]["values"]
    assert len(values) == len(chart["labels"]) == 24
    assert values[-1] == "112.0" and values[0] is None  # nothing invoiced in 2024
    # 31 October, before any payment and A1: B2 400 + B1 800 + G1 250 + A3 300 + A2 500
    # = 2250; invoiced 08-02 .. 10-31: G1 250 + A3 300 + A2 500 = 1050 (B1 is of 08-01);
    # 2250 / 1050 × 90 = 192.86 → 192.9.
    assert values[-2] == "192.9"
    assert chart["links"][-2] == page_url("home", company, as_of="2026-10-31")


def test_the_forecast_beside_what_came_in(browser, company, ledger):
    response = block(browser, company, "forecast", as_of="2026-11-20")
    weeks = response.context["weeks"]
    assert len(weeks) == 26
    assert (weeks[0]["start"], weeks[12]["end"]) == (date(2026, 8, 22), date(2026, 11, 20))
    assert (weeks[13]["start"], weeks[25]["end"]) == (date(2026, 11, 21), date(2027, 2, 19))
    # What came in on the invoices open on 08-21 (B2 and B1): Beta's 200 on 11-10.
    received = response.context["forecast_chart"]["datasets"][0]["values"]
    assert received[11] == "200.00" and set(received[:11] + received[12:13]) == {"0.00"}
    assert received[13:] == [None] * 13  # weeks to come
    for week in weeks:
        assert week["low"] <= week["expected"] <= week["high"]
    ahead = response.context["ahead"]
    # Open on 11-20: 2550, expected within the 13 weeks, beyond them or not expected.
    assert sum(w["expected"] for w in weeks[13:]) + ahead.beyond + ahead.not_expected == D(
        "2550.00"
    )


def test_the_risk_badges_of_the_top_debtors(browser, company, ledger):
    beta = ledger["B1"].customer
    response = block(browser, company, "risk", as_of="2026-11-20", customer=beta.public_id)
    # Beta: 1000 overdue against (800 + 400) / 12 = 100 invoiced a month: more than 3 ×,
    # 20 points; its oldest overdue invoice (B2) is 112 days past due: 20 points.
    [badge] = response.context["badges"]
    assert (badge["ref"], badge["score"], badge["level"]) == (str(beta.public_id), 40, "medium")
    page = response.content.decode()
    assert f'<span id="risk-{beta.public_id}" hx-swap-oob="true"' in page
    assert "facture impayée la plus ancienne en retard de 112 jours" in page
    home = browser.get(page_url("home", company)).content.decode()
    assert f'<span id="risk-{beta.public_id}"></span>' in home
    assert f"customer={beta.public_id}" in home


def test_an_unknown_block_does_not_exist(browser, company):
    assert browser.get(page_url("report_block", company, block="weather")).status_code == 404


@pytest.mark.parametrize("name", ["kpis", "trend", "forecast", "risk"])
def test_another_companys_blocks_do_not_exist(client, company, outsider, name):
    client.force_login(outsider)
    assert client.get(page_url("report_block", company, block=name)).status_code == 404


@pytest.mark.parametrize("name", ["kpis", "trend", "forecast", "risk"])
def test_a_block_costs_the_same_queries_with_more_invoices(browser, company, ledger, name):
    refs = "&".join(f"customer={i.customer.public_id}" for i in ledger.values())
    url = page_url("report_block", company, block=name) + f"?as_of=2026-11-20&{refs}"
    before = queries_of(browser, url)
    for n in range(6):
        customer = make_customer(company, f"MORE{n}")
        paid = invoice(company, customer, "90", "2026-11-02", "2026-11-10")
        invoice(company, customer, "40", "2026-11-02", "2026-12-02")
        payment_record(company=company, amount="90", date=date(2026, 11, 3), invoices=[paid])
    assert queries_of(browser, url) == before
