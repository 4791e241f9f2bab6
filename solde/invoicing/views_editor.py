"""The invoice editor: a draft's header and lines, with totals that follow the typing."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solde.core.errors import SoldeError, ValidationError
from solde.core.roles import Action
from solde.customers.queries import customer_get, customer_list
from solde.invoicing import documents, editor, services
from solde.invoicing.models import Invoice
from solde.invoicing.queries import invoice_get
from solde.web.company import company_page
from solde.web.pages import field_errors

NATURES = [
    ("services", gettext_lazy("Services")),
    ("goods", gettext_lazy("Goods")),
    ("mixed", gettext_lazy("Goods and services")),
]
KINDS = [("invoice", gettext_lazy("Invoice")), ("deposit", gettext_lazy("Deposit invoice"))]
HEADER = ("nature", "due_date", "sale_date", "payment_terms", "buyer_reference", "purchase_order")
CUSTOMER_CHOICES_LIMIT = 2000


def _header(post) -> dict:
    fields = {name: post.get(name, "").strip() for name in (*HEADER, "notes")}
    for name in ("due_date", "sale_date"):
        try:
            fields[name] = date.fromisoformat(fields[name]) if fields[name] else None
        except ValueError as exc:
            raise ValidationError(_("Enter a date."), field=name) from exc
    return fields


def _save(request, invoice: Invoice | None):
    post = request.POST
    lines = editor.posted_lines(post)
    fields = _header(post)
    if invoice is not None:
        if invoice.kind == Invoice.CREDIT_NOTE:
            fields = {"notes": fields["notes"]}
        return services.invoice_update(invoice=invoice, lines=lines, actor=request.user, **fields)
    if not post.get("customer"):
        raise ValidationError(_("Choose a customer."), field="customer")
    customer = customer_get(company=request.company, ref=post["customer"])
    return services.invoice_create(
        company=request.company,
        customer=customer,
        lines=lines,
        kind=post.get("kind", Invoice.INVOICE),
        actor=request.user,
        **fields,
    )


def _editor(request, invoice: Invoice | None):
    errors: dict = {}
    if request.method == "POST":
        try:
            saved = _save(request, invoice)
            messages.success(request, _("Draft saved."))
            return redirect("invoice_detail", request.company.slug, saved.public_id)
        except SoldeError as exc:
            errors = field_errors(request, exc)
        data = request.POST
        rows = editor.line_rows(editor.posted_lines(data), errors)
    elif invoice is not None:
        data = {name: getattr(invoice, name) or "" for name in (*HEADER, "notes")}
        data["customer"] = str(invoice.customer.public_id)
        rows = editor.line_rows(list(invoice.lines.all()), blank=0)
    else:
        data = {"customer": request.GET.get("customer", ""), "nature": "services"}
        rows = editor.line_rows([])
    customers = customer_list(company=request.company).order_by("name")
    context = {
        "invoice": invoice,
        "data": data,
        "errors": errors,
        "rows": rows,
        "customers": [(str(c.public_id), c.name) for c in customers[:CUSTOMER_CHOICES_LIMIT]],
        "natures": NATURES,
        "kinds": KINDS,
        "vat_choices": editor.VAT_CHOICES,
        "totals": editor.live_totals(editor.posted_lines(request.POST), request.company.currency)
        if request.method == "POST"
        else (invoice and _stored_totals(invoice)),
        "currency": invoice.currency if invoice else request.company.currency,
    }
    return render(request, "invoicing/editor.html", context, status=422 if errors else 200)


def _stored_totals(invoice: Invoice):
    lines, charges = list(invoice.lines.all()), list(invoice.allowance_charges.all())
    return documents.totals_of(lines, charges, invoice.currency)


@company_page(Action.WRITE_INVOICES)
def invoice_new(request):
    return _editor(request, None)


@company_page(Action.WRITE_INVOICES)
def invoice_edit(request, ref):
    invoice = invoice_get(company=request.company, ref=str(ref))
    if not invoice.is_draft:
        messages.error(request, _("An issued invoice cannot change: issue a credit note."))
        return redirect("invoice_detail", request.company.slug, invoice.public_id)
    return _editor(request, invoice)


@company_page(Action.WRITE_INVOICES)
def invoice_totals(request):
    """The totals block for the lines typed so far (htmx, on every change)."""
    currency = request.POST.get("currency") or request.company.currency
    totals = editor.live_totals(editor.posted_lines(request.POST), currency)
    return render(request, "invoicing/_totals.html", {"totals": totals, "currency": currency})


@company_page(Action.WRITE_INVOICES)
def invoice_line(request):
    """One more empty line row (htmx)."""
    try:
        index = int(request.GET.get("index", "0"))
    except ValueError:
        index = 0
    context = {"row": editor.empty_row(index), "vat_choices": editor.VAT_CHOICES}
    return render(request, "invoicing/_line.html", context)
