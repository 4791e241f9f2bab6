"""What the dashboard shows, one block at a time.

Each block is a function `(company, as_of, aging) -> dict` giving its part of the
template context; `dashboard_context` runs them in order. Every figure comes from an
aggregate query at the end of `as_of` (`queries.aging` is run once, by customer, and
shared: its company buckets are the same with or without rows), so the page costs the
same number of queries whatever the number of invoices. The slower blocks (KPIs, DSO
trend, forecast, risk) are fragments the page loads once shown: `dashboard_kpis.py`.

Chart data goes to the page through `json_script`: amounts as strings made from Decimal
(the browser turns them into numbers only to draw), each bar with the URL of the invoices
behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from solde.companies.models import Company
from solde.core.aging import DEFAULT_BOUNDARIES, Buckets
from solde.core.money import ZERO
from solde.customers.models import Customer
from solde.reports.drilldown import OVERDUE
from solde.reports.queries import BY_CUSTOMER, Aging, aging

TOP_DEBTORS = 10
# One colour per bucket, from blue (not due) to dark brown (oldest): the later, the darker,
# so the order reads in grey and for colour-blind readers too; each has a contrast of at
# least 3:1 on white (WCAG 1.4.11), and the table beside the chart gives the figures.
BUCKET_COLOURS = ("#2f6fc4", "#a87900", "#cc5500", "#a93226", "#5e1a12")
NOT_DUE_COLOUR, OVERDUE_COLOUR = BUCKET_COLOURS[0], BUCKET_COLOURS[3]


def bucket_names(boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES) -> dict[str, str]:
    """Readable names of the buckets' keys: "Not due", "1–30 days", …, "Over 90 days"."""
    names = {}
    for key, low, high in Buckets(boundaries).bounds():
        if low is None:
            names[key] = _("Not due")
        elif high is None:
            names[key] = _("Over %(days)s days") % {"days": low - 1}
        else:
            names[key] = _("%(low)s–%(high)s days") % {"low": low, "high": high}
    return names


def drilldown_url(company: Company, as_of: date, **params) -> str:
    """The invoices behind a figure: /c/<slug>/reports/invoices/?as_of=…&bucket=…"""
    query = {"as_of": as_of.isoformat(), **{k: v for k, v in params.items() if v is not None}}
    return f"{reverse('report_invoices', args=[company.slug])}?{urlencode(query)}"


@dataclass(frozen=True, slots=True)
class Card:
    key: str
    label: str
    amount: Decimal
    link: str | None


def figures_block(company: Company, as_of: date, report: Aging) -> dict:
    overdue = report.total - report.buckets[report.labels[0]]
    cards = [
        Card("receivable", _("Total receivable"), report.total, drilldown_url(company, as_of)),
        Card(
            "not_due",
            _("Not yet due"),
            report.buckets[report.labels[0]],
            drilldown_url(company, as_of, bucket=report.labels[0]),
        ),
        Card("overdue", _("Overdue"), overdue, drilldown_url(company, as_of, bucket=OVERDUE)),
        Card("credit", _("Customer credit"), report.credit, None),
    ]
    return {"cards": cards, "other_currencies": report.other_currencies}


def aging_block(company: Company, as_of: date, report: Aging) -> dict:
    names = bucket_names()
    rows = [
        {
            "key": key,
            "name": names[key],
            "amount": report.buckets[key],
            "link": drilldown_url(company, as_of, bucket=key),
            "colour": BUCKET_COLOURS[min(i, len(BUCKET_COLOURS) - 1)],
        }
        for i, key in enumerate(report.labels)
    ]
    chart = {
        "type": "bar",
        "currency": report.currency,
        "labels": [row["name"] for row in rows],
        "datasets": [
            {
                "label": _("Open balance"),
                "values": [str(row["amount"]) for row in rows],
                "colours": [row["colour"] for row in rows],
            }
        ],
        "links": [row["link"] for row in rows],
    }
    return {
        "aging_rows": rows,
        "aging_total": report.total,
        "aging_link": drilldown_url(company, as_of),
        "aging_chart": chart,
    }


def _top_rows(report: Aging) -> list:
    debtors = [row for row in report.rows if row.total > ZERO]
    debtors.sort(key=lambda row: (-row.total, row.code))
    return debtors[:TOP_DEBTORS]


def top_debtors_block(company: Company, as_of: date, report: Aging) -> dict:
    """The customers owing the most at `as_of`, with their overdue part (1 query for the
    customers' UUIDs, the rows come from the shared aging)."""
    top = _top_rows(report)
    refs = dict(
        Customer.objects.for_company(company)
        .filter(code__in=[row.code for row in top])
        .values_list("code", "public_id")
    )
    not_due = report.labels[0]
    debtors = []
    for row in top:
        ref = str(refs[row.code])
        debtors.append(
            {
                "code": row.code,
                "name": row.name,
                "public_id": ref,
                "total": row.total,
                "overdue": row.total - row.buckets[not_due],
                "link": drilldown_url(company, as_of, customer=ref),
                "overdue_link": drilldown_url(company, as_of, customer=ref, bucket=OVERDUE),
            }
        )
    risk = [("as_of", as_of.isoformat())] + [("customer", d["public_id"]) for d in debtors]
    chart = {
        "type": "bar",
        "horizontal": True,
        "stacked": True,
        "currency": report.currency,
        "labels": [d["name"] for d in debtors],
        "datasets": [
            {
                "label": _("Overdue"),
                "values": [str(d["overdue"]) for d in debtors],
                "colours": [OVERDUE_COLOUR],
            },
            {
                "label": _("Not yet due"),
                "values": [str(d["total"] - d["overdue"]) for d in debtors],
                "colours": [NOT_DUE_COLOUR],
            },
        ],
        "links": [d["link"] for d in debtors],
    }
    return {
        "debtors": debtors,
        "debtors_chart": chart,
        "risk_url": block_url(company, "risk", risk),
    }


def block_url(company: Company, block: str, query: list[tuple[str, str]]) -> str:
    """A slower block of the dashboard, loaded as a fragment (dashboard_kpis.py)."""
    return f"{reverse('report_block', args=[company.slug, block])}?{urlencode(query)}"


def later_blocks(company: Company, as_of: date, report: Aging) -> dict:
    query = [("as_of", as_of.isoformat())]
    return {"later": {b: block_url(company, b, query) for b in ("kpis", "trend", "forecast")}}


BLOCKS = (figures_block, aging_block, top_debtors_block, later_blocks)


def dashboard_context(*, company: Company, as_of: date) -> dict:
    """The dashboard's figures at the end of `as_of`, block by block (see BLOCKS)."""
    report = aging(company=company, as_of=as_of, by=BY_CUSTOMER)
    context = {"currency": report.currency}
    for block in BLOCKS:
        context.update(block(company, as_of, report))
    return context
