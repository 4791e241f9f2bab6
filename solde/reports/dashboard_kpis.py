"""The dashboard's slower blocks: collection KPIs, the DSO trend, the cash-in forecast
beside what came in, and the top debtors' risk.

Each is a function `(company, as_of) -> dict` of template context, rendered alone as a
fragment the dashboard loads after its first paint (htmx, `hx-trigger="load"`), so the
page shows its aged balance at once and each block costs its own module's fixed number
of queries (`kpis`, `trend`, `forecast`, `risk`), whatever the number of invoices.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from babel.dates import format_date
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from solde.companies.models import Company
from solde.core import forecast as core_forecast
from solde.core import risk as core_risk
from solde.customers.models import Customer
from solde.reports.forecast import forecast, forecast_vs_actual
from solde.reports.kpis import dso_trend, kpis
from solde.reports.risk import customer_risk
from solde.web.templatetags.solde import locale, money

TREND_MONTHS = 24
FORECAST_WEEKS = core_forecast.WEEKS
RECEIVED, EXPECTED, BAND = "#2f6fc4", "#cc5500", "#cc5500"


def kpi_block(company: Company, as_of: date) -> dict:
    return {"kpis": kpis(company=company, as_of=as_of)}


def _month(day: date) -> str:
    return format_date(day, format="MMM yyyy", locale=locale())


def trend_block(company: Company, as_of: date) -> dict:
    """DSO at the end of each of the last 24 months (as_of for the last); a point opens
    the dashboard as of that day."""
    points = dso_trend(company=company, as_of=as_of, months=TREND_MONTHS)
    home = reverse("home", args=[company.slug])
    chart = {
        "type": "line",
        "format": "days",
        "labels": [_month(p.month_end) for p in points],
        "datasets": [
            {
                "label": _("DSO (days)"),
                "values": [None if p.dso is None else str(p.dso) for p in points],
                "colours": [RECEIVED],
                "type": "line",
            }
        ],
        "links": [f"{home}?{urlencode({'as_of': p.month_end.isoformat()})}" for p in points],
    }
    return {"points": points, "trend_chart": chart, "currency": company.currency}


def _weeks(company: Company, as_of: date) -> tuple[list[dict], core_forecast.Forecast]:
    """The 13 weeks before as_of, as forecast 13 weeks earlier beside what came in, then
    the 13 weeks after it as forecast now."""
    made_on = as_of - timedelta(days=7 * FORECAST_WEEKS)
    past = forecast_vs_actual(
        company=company, made_on=made_on, weeks=FORECAST_WEEKS, as_of=as_of
    ).weeks
    ahead = forecast(company=company, as_of=as_of, weeks=FORECAST_WEEKS)
    rows = [_week(w, w.actual) for w in past] + [_week(w, None) for w in ahead.weeks]
    return rows, ahead


def _week(week, actual) -> dict:
    return {
        "start": week.start,
        "end": week.end,
        "expected": week.expected,
        "low": week.low,
        "high": week.high,
        "actual": actual,
    }


def _amounts(rows: list[dict], key: str) -> list[str | None]:
    return [None if row[key] is None else str(row[key]) for row in rows]


def forecast_block(company: Company, as_of: date) -> dict:
    rows, ahead = _weeks(company, as_of)
    chart = {
        "type": "bar",
        "currency": company.currency,
        "labels": [format_date(row["start"], format="d MMM", locale=locale()) for row in rows],
        "datasets": [
            {"label": _("Received"), "values": _amounts(rows, "actual"), "colours": [RECEIVED]},
            {
                "label": _("Expected"),
                "values": _amounts(rows, "expected"),
                "colours": [EXPECTED],
                "type": "line",
            },
            {
                "label": _("Low"),
                "values": _amounts(rows, "low"),
                "colours": [BAND],
                "type": "line",
                "dashed": True,
                "legend": False,
            },
            {
                "label": _("High"),
                "values": _amounts(rows, "high"),
                "colours": [BAND],
                "type": "line",
                "dashed": True,
                "fill": "-1",
                "legend": False,
            },
        ],
    }
    return {
        "weeks": rows,
        "ahead": ahead,
        "expected_total": sum(w.expected for w in ahead.weeks),
        "forecast_chart": chart,
        "currency": company.currency,
    }


RISK_LEVELS = {
    core_risk.LOW: pgettext("risk", "Low"),
    core_risk.MEDIUM: pgettext("risk", "Medium"),
    core_risk.HIGH: pgettext("risk", "High"),
}


def reason_text(reason: core_risk.Reason, currency: str) -> str:
    """One of core.risk's reasons as a sentence (its points table names the codes)."""
    v, code = reason.values, reason.code
    n = v.get("count", 0)
    if code == "lateness_rising":
        return _("pays later: %(recent)s days late lately, %(before)s before") % v
    if code == "paid_late":
        return _("%(on_time)s %% of %(paid)s invoices paid on time") % v
    if code == "dispute_open":
        return ngettext("%(count)s dispute open", "%(count)s disputes open", n) % v
    if code == "disputes_recent":
        return (
            ngettext("%(count)s other dispute this year", "%(count)s other disputes this year", n)
            % v
        )
    if code == "promises_broken":
        return (
            ngettext(
                "%(count)s promise to pay broken this year",
                "%(count)s promises to pay broken this year",
                n,
            )
            % v
        )
    if code == "overdue_vs_habit":
        amounts = {
            "overdue": money(v["overdue"], currency),
            "monthly": money(v["monthly"], currency),
        }
        return _("%(overdue)s overdue against %(monthly)s invoiced a month") % amounts
    if code == "oldest_overdue":
        return _("oldest overdue invoice %(days)s days past due") % v
    return code


def risk_block(company: Company, as_of: date, refs: list[str]) -> dict:
    """The risk badges of the customers given by UUID (the dashboard's top debtors)."""
    customers = dict(
        Customer.objects.for_company(company)
        .filter(public_id__in=refs)
        .values_list("pk", "public_id")
    )
    scores = customer_risk(company=company, as_of=as_of, customer_ids=list(customers))
    empty = core_risk.score(core_risk.Behaviour())
    badges = []
    for pk, ref in customers.items():
        risk = scores.get(pk, empty)
        reasons = [reason_text(r, company.currency) for r in risk.reasons]
        badges.append(
            {
                "ref": str(ref),
                "score": risk.score,
                "level": risk.level,
                "label": RISK_LEVELS[risk.level],
                "reasons": "; ".join(reasons) or _("nothing of note"),
            }
        )
    return {"badges": badges}


BLOCKS = {"kpis": kpi_block, "trend": trend_block, "forecast": forecast_block}
