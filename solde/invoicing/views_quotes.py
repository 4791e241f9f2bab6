"""Quote pages: list, editor, the PDF, and the steps of a quote (send, accept, decline,
invoice)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from solde.core import clock
from solde.core.errors import SoldeError, ValidationError
from solde.core.roles import Action
from solde.customers.queries import customer_get, customer_list
from solde.invoicing import documents, editor, quotes
from solde.invoicing.models import Quote
from solde.invoicing.queries import quote_get
from solde.web.company import company_page
from solde.web.pages import field_errors, page_of, sorted_by

SORTS = {"number": "number", "issued": "issue_date", "total": "total", "created": "created_at"}


@company_page()
def quote_list_page(request):
    rows = Quote.objects.for_company(request.company).select_related("customer")
    status = request.GET.get("status", "")
    if status in {s for s, _label in Quote.STATUS_CHOICES}:
        rows = rows.filter(status=status)
    page = page_of(sorted_by(rows, request, SORTS, "-created"), request)
    today = clock.today()
    for quote in page.rows:
        quote.shown_status = quotes.quote_status(quote, today)
    context = {
        "page": page,
        "status": status,
        "statuses": [s for s, _label in Quote.STATUS_CHOICES],
        "sort": request.GET.get("sort", "-created"),
    }
    return render(request, "invoicing/quote_list.html", context)


def _valid_until(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise ValidationError(_("Enter a date."), field="valid_until") from exc


def _save(request, quote: Quote | None) -> Quote:
    post = request.POST
    lines = editor.posted_lines(post)
    fields = {"valid_until": _valid_until(post.get("valid_until", "")), "notes": post.get("notes")}
    if quote is not None:
        return quotes.quote_update(quote=quote, lines=lines, actor=request.user, **fields)
    if not post.get("customer"):
        raise ValidationError(_("Choose a customer."), field="customer")
    customer = customer_get(company=request.company, ref=post["customer"])
    return quotes.quote_create(
        company=request.company, customer=customer, lines=lines, actor=request.user, **fields
    )


def _editor(request, quote: Quote | None):
    errors: dict = {}
    if request.method == "POST":
        try:
            saved = _save(request, quote)
            messages.success(request, _("Quote saved."))
            return redirect("quote_detail", request.company.slug, saved.public_id)
        except SoldeError as exc:
            errors = field_errors(request, exc)
        data, rows = request.POST, editor.line_rows(editor.posted_lines(request.POST), errors)
    elif quote is not None:
        data = {"valid_until": quote.valid_until, "notes": quote.notes}
        rows = editor.line_rows(list(quote.lines.all()), blank=0)
    else:
        data, rows = {"customer": request.GET.get("customer", "")}, editor.line_rows([])
    customers = customer_list(company=request.company).order_by("name")[:2000]
    currency = quote.currency if quote else request.company.currency
    context = {
        "quote": quote,
        "data": data,
        "errors": errors,
        "rows": rows,
        "customers": [(str(c.public_id), c.name) for c in customers],
        "vat_choices": editor.VAT_CHOICES,
        "totals": editor.live_totals(editor.posted_lines(request.POST), currency)
        if request.method == "POST"
        else None,
        "currency": currency,
    }
    return render(request, "invoicing/quote_editor.html", context, status=422 if errors else 200)


@company_page(Action.WRITE_INVOICES)
def quote_new(request):
    return _editor(request, None)


@company_page(Action.WRITE_INVOICES)
def quote_edit(request, ref):
    quote = quote_get(company=request.company, ref=str(ref))
    if quote.status != Quote.DRAFT:
        messages.error(request, _("A sent quote cannot change."))
        return redirect("quote_detail", request.company.slug, quote.public_id)
    return _editor(request, quote)


@company_page()
def quote_detail(request, ref):
    quote = quote_get(company=request.company, ref=str(ref))
    lines = list(quote.lines.all())
    context = {
        "quote": quote,
        "status": quotes.quote_status(quote),
        "lines": lines,
        "totals": documents.totals_of(lines, [], quote.currency),
        "invoices": quote.invoices.all(),
        "confirm": request.GET.get("confirm", ""),
    }
    return render(request, "invoicing/quote_detail.html", context)


@company_page()
def quote_pdf(request, ref):
    """Drawn on demand (a quote's PDF is not stored); a draft has none."""
    from solde.invoicing.quote_pdf import render_quote_pdf

    quote = quote_get(company=request.company, ref=str(ref))
    if not quote.number:
        raise Http404("A draft quote has no PDF.")
    response = HttpResponse(render_quote_pdf(quote), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{quote.number}.pdf"'
    return response


VERBS = {
    "send": (quotes.quote_send, gettext_lazy("Quote numbered and marked as sent.")),
    "accept": (quotes.quote_accept, gettext_lazy("Quote accepted.")),
    "decline": (quotes.quote_decline, gettext_lazy("Quote declined.")),
}


@require_POST
@company_page(Action.WRITE_INVOICES)
def quote_act(request, ref, verb: str):
    quote = quote_get(company=request.company, ref=str(ref))
    try:
        if verb == "convert":
            invoice = quotes.quote_convert(
                quote=quote, kind=request.POST.get("kind", "invoice"), actor=request.user
            )
            messages.success(request, _("Invoice drafted from the quote: check it, then issue it."))
            return redirect("invoice_detail", request.company.slug, invoice.public_id)
        if verb not in VERBS:
            raise Http404("No such step.")
        act, done = VERBS[verb]
        act(quote=quote, actor=request.user)
        messages.success(request, done)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return redirect("quote_detail", request.company.slug, quote.public_id)
