"""Customer pages: the searchable list, the form, and the detail with what they owe."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solde.core import clock
from solde.core.errors import SoldeError, ValidationError
from solde.core.roles import Action
from solde.customers import services
from solde.customers.queries import customer_get, customer_list
from solde.invoicing.queries import invoice_list
from solde.payments.queries import customer_balances, payment_list
from solde.reminders.panels import customer_panel
from solde.web.company import company_page
from solde.web.pages import field_errors, page_of, sorted_by, statement_period

# (name, label, input type, choices): the form, in the order it is shown.
FIELDS = [
    ("name", gettext_lazy("Name"), "text", None),
    ("code", gettext_lazy("Customer code"), "text", None),
    (
        "kind",
        gettext_lazy("Kind"),
        "select",
        [("company", gettext_lazy("Company")), ("person", gettext_lazy("Person"))],
    ),
    ("siren", gettext_lazy("SIREN"), "text", None),
    ("vat_number", gettext_lazy("VAT number"), "text", None),
    ("email", gettext_lazy("Email"), "email", None),
    ("phone", gettext_lazy("Phone"), "tel", None),
    ("address", gettext_lazy("Address"), "text", None),
    ("postal_code", gettext_lazy("Postal code"), "text", None),
    ("city", gettext_lazy("City"), "text", None),
    ("country", gettext_lazy("Country (ISO code)"), "text", None),
    ("delivery_address", gettext_lazy("Delivery address"), "text", None),
    ("delivery_postal_code", gettext_lazy("Delivery postal code"), "text", None),
    ("delivery_city", gettext_lazy("Delivery city"), "text", None),
    (
        "language",
        gettext_lazy("Language"),
        "select",
        [("fr", "Français"), ("en", "English")],
    ),
    ("payment_terms_days", gettext_lazy("Payment terms (days)"), "number", None),
    ("segment", gettext_lazy("Segment"), "text", None),
    ("notes", gettext_lazy("Notes"), "textarea", None),
]
SORTS = {"name": "name", "code": "code", "created": "created_at"}


def _posted(request) -> dict:
    data = {name: request.POST.get(name, "").strip() for name, *_ in FIELDS}
    days = data["payment_terms_days"]
    if days and not days.isdigit():
        raise ValidationError(_("Enter a number of days."), field="payment_terms_days")
    data["payment_terms_days"] = int(days) if days else None
    return data


@company_page()
def customer_list_page(request):
    search = request.GET.get("q", "").strip()
    rows = customer_list(company=request.company, search=search)
    page = page_of(sorted_by(rows, request, SORTS, "name"), request)
    balances = customer_balances(request.company, clock.today(), [c.id for c in page.rows])
    owed = {}
    for row in balances:
        owed.setdefault(row.customer_id, []).append(row)
    for customer in page.rows:
        customer.balances = owed.get(customer.id, [])
    return render(
        request,
        "customers/list.html",
        {"page": page, "q": search, "sort": request.GET.get("sort", "name")},
    )


def _form(request, customer=None):
    data = {name: getattr(customer, name, "") for name, *_ in FIELDS} if customer else {}
    errors = {}
    if request.method == "POST":
        try:
            data = _posted(request)
            if customer is None:
                customer = services.customer_create(
                    company=request.company, actor=request.user, **data
                )
                messages.success(request, _("Customer %s created.") % customer.name)
            else:
                customer = services.customer_update(customer=customer, actor=request.user, **data)
                messages.success(request, _("Customer %s saved.") % customer.name)
            return redirect("customer_detail", request.company.slug, customer.public_id)
        except SoldeError as exc:
            data = {name: request.POST.get(name, "") for name, *_ in FIELDS}
            errors = field_errors(request, exc)
    fields = [
        {"name": n, "label": label, "type": t, "choices": c, "required": n == "name"}
        for n, label, t, c in FIELDS
    ]
    status = 422 if errors else 200
    context = {"customer": customer, "fields": fields, "data": data, "errors": errors}
    return render(request, "customers/form.html", context, status=status)


@company_page(Action.MANAGE_CUSTOMERS)
def customer_new(request):
    return _form(request)


@company_page(Action.MANAGE_CUSTOMERS)
def customer_edit(request, ref):
    return _form(request, customer_get(company=request.company, ref=str(ref)))


@company_page()
def customer_detail(request, ref):
    customer = customer_get(company=request.company, ref=str(ref))
    today = clock.today()
    open_invoices = (
        invoice_list(company=request.company, customer=customer, status="unpaid")
        .exclude(kind="credit_note")
        .order_by("due_date", "id")[:100]
    )
    payments = payment_list(company=request.company).filter(customer=customer)
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "balances": customer_balances(request.company, today, [customer.id]),
        "open_invoices": open_invoices,
        "recent_invoices": invoice_list(company=request.company, customer=customer)[:10],
        "payments": payments.order_by("-date", "-id")[:20],
        "today": today,
        "statement_start": date(today.year, 1, 1),
        "errors": {},
        "reminders": customer_panel(request.company, customer),
    }
    return render(request, "customers/detail.html", context)


@company_page(Action.MANAGE_CUSTOMERS)
def customer_contact_add(request, ref):
    customer = customer_get(company=request.company, ref=str(ref))
    if request.method == "POST":
        try:
            services.contact_add(
                customer=customer,
                email=request.POST.get("email", ""),
                name=request.POST.get("name", "").strip(),
                role=request.POST.get("role", "").strip(),
                receives_invoices=bool(request.POST.get("receives_invoices")),
            )
            messages.success(request, _("Contact added."))
        except SoldeError as exc:
            messages.error(request, exc.message)
    return redirect("customer_detail", request.company.slug, customer.public_id)


@company_page()
def customer_statement_pdf(request, ref):
    from solde.customers.statement import customer_statement
    from solde.customers.statement_pdf import statement_pdf

    customer = customer_get(company=request.company, ref=str(ref))
    start, end = statement_period(request.GET)
    statement = customer_statement(company=request.company, customer=customer, start=start, end=end)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    name = f"releve-{customer.code or customer.public_id}-{end:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@company_page()
def customer_statement_sheet(request, ref, extension: str):
    """The statement as CSV or XLSX, for the same period as its PDF."""
    from solde.customers.statement import customer_statement
    from solde.customers.statement_exports import (
        CONTENT_TYPES,
        statement_filename,
        statement_sheet,
    )

    customer = customer_get(company=request.company, ref=str(ref))
    start, end = statement_period(request.GET)
    try:
        statement = customer_statement(
            company=request.company, customer=customer, start=start, end=end
        )
    except ValidationError as exc:  # a period ending before it starts
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    response = HttpResponse(statement_sheet(statement, extension), CONTENT_TYPES[extension])
    name = statement_filename(statement, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
