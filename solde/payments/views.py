"""Payment pages: the list, recording a payment against open invoices, allocating what
is left, undoing an allocation, cancelling a payment."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.core import clock
from solde.core.errors import SoldeError, ValidationError
from solde.core.roles import Action
from solde.customers.queries import customer_get, customer_list
from solde.invoicing.queries import invoice_get, invoice_open_list
from solde.payments import services
from solde.payments.queries import allocation_get, payment_get, payment_list
from solde.web.company import company_page
from solde.web.pages import field_errors, page_of, sorted_by

SORTS = {"date": "date", "amount": "amount", "unallocated": "unallocated"}


@company_page()
def payment_list_page(request):
    rows = payment_list(company=request.company).select_related("customer")
    if request.GET.get("unallocated"):
        rows = rows.filter(unallocated__gt=0, cancelled_on__isnull=True)
    page = page_of(sorted_by(rows, request, SORTS, "-date"), request)
    context = {"page": page, "sort": request.GET.get("sort", "-date"), "filters": request.GET}
    return render(request, "payments/list.html", context)


def _record(request):
    post = request.POST
    if not post.get("customer"):
        raise ValidationError(_("Choose a customer."), field="customer")
    customer = customer_get(company=request.company, ref=post["customer"])
    try:
        day = date.fromisoformat(post.get("date", ""))
    except ValueError as exc:
        raise ValidationError(_("Enter a date."), field="date") from exc
    chosen = [invoice_get(company=request.company, ref=ref) for ref in post.getlist("invoices")]
    return services.payment_record(
        company=request.company,
        amount=post.get("amount", "").replace(",", ".").replace(" ", ""),
        date=day,
        customer=customer,
        invoices=chosen,
        method=post.get("method", "transfer"),
        reference=post.get("reference", "").strip(),
        payer_name=post.get("payer_name", "").strip(),
        actor=request.user,
    )


@company_page(Action.RECORD_PAYMENTS)
def payment_new(request):
    errors: dict = {}
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            payment = _record(request)
            messages.success(request, _("Payment recorded."))
            return redirect("payment_detail", request.company.slug, payment.public_id)
        except SoldeError as exc:
            errors = field_errors(request, exc)
    customer = None
    if data.get("customer"):
        customer = customer_get(company=request.company, ref=data["customer"])
    context = {
        "data": data,
        "errors": errors,
        "today": clock.today(),
        "customers": [
            (str(c.public_id), c.name)
            for c in customer_list(company=request.company).order_by("name")[:2000]
        ],
        "open_invoices": invoice_open_list(company=request.company, customer=customer)
        if customer
        else [],
        "chosen": set(data.getlist("invoices")) if hasattr(data, "getlist") else set(),
    }
    return render(request, "payments/new.html", context, status=422 if errors else 200)


@company_page(Action.RECORD_PAYMENTS)
def payment_open_invoices(request):
    """The open invoices of the customer chosen in the payment form (htmx)."""
    customer = None
    if request.GET.get("customer"):
        customer = customer_get(company=request.company, ref=request.GET["customer"])
    rows = invoice_open_list(company=request.company, customer=customer) if customer else []
    return render(request, "payments/_open_invoices.html", {"open_invoices": rows, "chosen": set()})


@company_page()
def payment_detail(request, ref):
    payment = payment_get(company=request.company, ref=str(ref))
    allocations = payment.allocations.select_related("invoice").order_by("date", "id")
    context = {
        "payment": payment,
        "allocations": allocations,
        "open_invoices": invoice_open_list(company=request.company, customer=payment.customer)
        if payment.customer and payment.unallocated > 0 and not payment.cancelled_on
        else [],
        "confirm": request.GET.get("confirm", ""),
        "today": clock.today(),
    }
    return render(request, "payments/detail.html", context)


def _back(request, payment):
    return redirect("payment_detail", request.company.slug, payment.public_id)


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def payment_allocate(request, ref):
    payment = payment_get(company=request.company, ref=str(ref))
    try:
        invoice = invoice_get(company=request.company, ref=request.POST.get("invoice", ""))
        amount = request.POST.get("amount", "").replace(",", ".").strip() or None
        services.allocation_create(
            payment=payment, invoice=invoice, amount=amount, actor=request.user
        )
        messages.success(request, _("Allocated to %s.") % invoice.number)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return _back(request, payment)


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def payment_cancel(request, ref):
    payment = payment_get(company=request.company, ref=str(ref))
    try:
        services.payment_cancel(
            payment=payment, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, _("Payment cancelled; its allocations are undone."))
    except SoldeError as exc:
        messages.error(request, exc.message)
    return _back(request, payment)


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def allocation_undo(request, ref):
    allocation = allocation_get(company=request.company, ref=str(ref))
    try:
        services.allocation_undo(
            allocation=allocation, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, _("Allocation undone from today."))
    except SoldeError as exc:
        messages.error(request, exc.message)
    if allocation.payment_id:
        return _back(request, allocation.payment)
    return redirect("invoice_detail", request.company.slug, allocation.invoice.public_id)
