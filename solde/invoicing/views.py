"""Invoice pages: the list with filters, the detail with what can be done next, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.core import clock
from solde.core.errors import PermissionDenied, SoldeError
from solde.core.roles import Action, can
from solde.customers.queries import customer_get
from solde.invoicing import services
from solde.invoicing.queries import display_status, invoice_get, invoice_list
from solde.payments import services as payments
from solde.payments.queries import allocation_list
from solde.reminders.panels import invoice_panel
from solde.web.company import company_page
from solde.web.pages import day_param, page_of, sorted_by

SORTS = {
    "number": "number",
    "issued": "issue_date",
    "due": "due_date",
    "total": "total",
    "balance": "balance",
}
STATUS_FILTERS = ["draft", "unpaid", "overdue", "partially_paid", "paid", "disputed", "cancelled"]


@company_page()
def invoice_list_page(request):
    get = request.GET
    customer = None
    if get.get("customer"):
        customer = customer_get(company=request.company, ref=get["customer"])
    status = get.get("status", "")
    rows = invoice_list(
        company=request.company,
        kind=get.get("kind") or None,
        status=status if status in STATUS_FILTERS else None,
        customer=customer,
        issued_from=day_param(get.get("from", "")),
        issued_to=day_param(get.get("to", "")),
    )
    page = page_of(sorted_by(rows, request, SORTS, "-issued"), request)
    today = clock.today()
    for invoice in page.rows:
        invoice.shown_status = display_status(invoice, today)
    context = {
        "page": page,
        "filters": get,
        "customer": customer,
        "statuses": STATUS_FILTERS,
        "sort": get.get("sort", "-issued"),
    }
    return render(request, "invoicing/list.html", context)


@company_page()
def invoice_detail(request, ref):
    invoice = invoice_get(company=request.company, ref=str(ref))
    today = clock.today()
    settlements = allocation_list(company=request.company).filter(invoice=invoice)
    context = {
        "invoice": invoice,
        "status": display_status(invoice, today),
        "lines": invoice.lines.all(),
        "vat": invoice.vat_breakdown.all(),
        "settlements": settlements.order_by("date", "id"),
        "credit_notes": invoice.credit_notes.all(),
        "confirm": request.GET.get("confirm", ""),
        "today": today,
        "reminders": invoice_panel(request.company, invoice),
    }
    return render(request, "invoicing/detail.html", context)


@company_page()
def invoice_pdf(request, ref):
    from solde.invoicing.pdf import invoice_pdf_bytes

    invoice = invoice_get(company=request.company, ref=str(ref))
    if invoice.is_draft:
        raise Http404("A draft has no PDF.")
    response = HttpResponse(invoice_pdf_bytes(invoice=invoice), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{invoice.number}.pdf"'
    return response


def _act(request, ref, act, done: str):
    """Run one action on an invoice; its error, if any, comes back as a message."""
    invoice = invoice_get(company=request.company, ref=str(ref))
    try:
        result = act(invoice)
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("invoice_detail", request.company.slug, invoice.public_id)
    messages.success(request, done)
    return redirect("invoice_detail", request.company.slug, result.public_id)


@require_POST
@company_page(Action.WRITE_INVOICES)
def invoice_issue(request, ref):
    issue_date = day_param(request.POST.get("issue_date", ""))

    def act(invoice):
        if invoice.kind == invoice.CREDIT_NOTE and not can(request.role, Action.ISSUE_CREDIT_NOTES):
            raise PermissionDenied(_("Your role does not allow issuing credit notes."))
        return services.invoice_issue(invoice=invoice, issue_date=issue_date, actor=request.user)

    return _act(request, ref, act, _("Issued. The number is final and the PDF is kept as it is."))


@require_POST
@company_page(Action.WRITE_INVOICES)
def invoice_delete(request, ref):
    invoice = invoice_get(company=request.company, ref=str(ref))
    try:
        services.invoice_delete_draft(invoice=invoice, actor=request.user)
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("invoice_detail", request.company.slug, invoice.public_id)
    messages.success(request, _("Draft deleted."))
    return redirect("invoice_list", request.company.slug)


@require_POST
@company_page(Action.WRITE_INVOICES)
def invoice_duplicate(request, ref):
    return _act(
        request,
        ref,
        lambda inv: services.invoice_duplicate(invoice=inv, actor=request.user),
        _("A new draft was made from this invoice."),
    )


@require_POST
@company_page(Action.ISSUE_CREDIT_NOTES)
def invoice_credit_note(request, ref):
    reason = request.POST.get("reason", "").strip()
    return _act(
        request,
        ref,
        lambda inv: services.credit_note_create(invoice=inv, reason=reason, actor=request.user),
        _("Credit note drafted: check its lines, then issue it."),
    )


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def invoice_payment(request, ref):
    post = request.POST

    def act(invoice):
        payments.payment_record(
            company=request.company,
            amount=post.get("amount", "").replace(",", ".").replace(" ", ""),
            date=day_param(post.get("date", "")) or clock.today(),
            customer=invoice.customer,
            invoices=[invoice],
            currency=invoice.currency,
            method=post.get("method", "transfer"),
            reference=post.get("reference", "").strip(),
            actor=request.user,
        )
        return invoice

    return _act(request, ref, act, _("Payment recorded."))


@require_POST
@company_page(Action.WRITE_OFF)
def invoice_write_off(request, ref):
    post = request.POST

    def act(invoice):
        payments.invoice_write_off(
            invoice=invoice,
            reason=post.get("reason", ""),
            bad_debt=bool(post.get("bad_debt")),
            actor=request.user,
        )
        return invoice

    return _act(request, ref, act, _("Written off."))


@require_POST
@company_page(Action.WRITE_INVOICES)
def invoice_dispute(request, ref):
    reason = request.POST.get("reason", "").strip()

    def act(invoice):
        if invoice.disputed:
            return services.invoice_resolve_dispute(invoice=invoice, actor=request.user)
        return services.invoice_dispute(invoice=invoice, reason=reason, actor=request.user)

    return _act(request, ref, act, _("Dispute status saved."))
