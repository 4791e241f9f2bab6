"""The dashboard (the company's home page), the aged balance and the invoices behind a
figure. Every page is "as of" the end of a day: `?as_of=YYYY-MM-DD`, today by default."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from solde.core import clock
from solde.core.aging import days_past_due
from solde.core.money import quantize
from solde.customers.queries import customer_get
from solde.reports.dashboard import bucket_names, dashboard_context
from solde.reports.dashboard_kpis import BLOCKS, risk_block
from solde.reports.drilldown import OVERDUE, bucket_choices, open_invoices, open_total
from solde.reports.queries import BY_CUSTOMER, BY_SEGMENT, aging
from solde.web.company import company_page
from solde.web.pages import day_param, page_of
from solde.web.templatetags.solde import day


def as_of_param(request) -> date:
    """The day asked in ?as_of=, or today; a future day or a wrong one is refused with a
    message (figures cannot use what has not happened yet) and today is shown instead."""
    today = clock.today()
    text = request.GET.get("as_of", "").strip()
    if not text:
        return today
    asked = day_param(text)
    if asked is None:
        message = _("“%(text)s” is not a date: figures as of today.") % {"text": text}
        messages.error(request, message)
        return today
    if asked > today:
        messages.error(
            request,
            _("Figures cannot be as of a future date (%(day)s): figures as of today.")
            % {"day": day(asked)},
        )
        return today
    return asked


@company_page()
def dashboard(request):
    as_of = as_of_param(request)
    context = dashboard_context(company=request.company, as_of=as_of)
    return render(
        request, "reports/dashboard.html", {**context, "as_of": as_of, "today": clock.today()}
    )


def _fragment_as_of(request) -> date:
    """A block's day: the dashboard already said what it refused, so no message here."""
    today = clock.today()
    return min(day_param(request.GET.get("as_of", "").strip(), today), today)


@company_page()
def dashboard_block(request, block: str):
    """One of the dashboard's slower blocks, as the HTML fragment it loads (htmx)."""
    as_of = _fragment_as_of(request)
    company = request.company
    if block == "risk":
        context = risk_block(company, as_of, request.GET.getlist("customer"))
    elif block in BLOCKS:
        context = BLOCKS[block](company, as_of)
    else:
        raise Http404("No such block.")
    return render(request, f"reports/_block_{block}.html", {**context, "as_of": as_of})


@company_page()
def aging_report(request):
    as_of = as_of_param(request)
    by = request.GET.get("by", BY_CUSTOMER)
    if by not in (BY_CUSTOMER, BY_SEGMENT):
        by = BY_CUSTOMER
    report = aging(company=request.company, as_of=as_of, by=by)
    return render(
        request,
        "reports/aging.html",
        {
            "report": report,
            "by": by,
            "names": bucket_names(),
            "page": page_of(report.rows, request),
            "as_of": as_of,
            "today": clock.today(),
        },
    )


def _bucket_param(request) -> str | None:
    bucket = request.GET.get("bucket", "").strip() or None
    if bucket is not None and bucket not in bucket_choices():
        message = _("Unknown bucket “%(bucket)s”: all receivables.") % {"bucket": bucket}
        messages.error(request, message)
        return None
    return bucket


KEPT = ("bucket", "customer", "segment")  # what the drill-down's date picker keeps


@company_page()
def invoice_drilldown(request):
    """?as_of=&bucket=&customer=<uuid or code>&segment=: the invoices behind a figure."""
    company = request.company
    as_of = as_of_param(request)
    bucket = _bucket_param(request)
    ref = request.GET.get("customer", "").strip()
    customer = customer_get(company=company, ref=ref) if ref else None  # NotFound: 404
    segment = request.GET.get("segment") if "segment" in request.GET else None
    scope = {"bucket": bucket, "customer": customer, "segment": segment}
    page = page_of(open_invoices(company=company, as_of=as_of, **scope), request)
    for invoice in page.rows:  # the page's rows only, no query
        invoice.balance_as_of = quantize(invoice.balance_as_of, invoice.currency)
        invoice.days_past_due = days_past_due(invoice.due_on, as_of)
    bucket_name = _("Overdue") if bucket == OVERDUE else bucket_names().get(bucket)
    return render(
        request,
        "reports/invoices.html",
        {
            **scope,
            "bucket_name": bucket_name,
            "page": page,
            "total": open_total(company=company, as_of=as_of, **scope),
            "keep": [(k, request.GET[k]) for k in KEPT if k in request.GET],
            "as_of": as_of,
            "today": clock.today(),
        },
    )
