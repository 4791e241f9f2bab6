"""Email pages: sending an invoice, a quote or a statement, and the outbox of what was
sent (with the .eml file written when no SMTP server is configured)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.core.errors import SoldeError
from solde.core.roles import Action
from solde.customers.queries import customer_get
from solde.invoicing.queries import invoice_get, quote_get
from solde.mail import services
from solde.mail.queries import email_get, email_list
from solde.web.company import company_page
from solde.web.pages import page_of, statement_period


def addresses(text: str) -> list[str] | None:
    """ "a@x.fr, b@y.fr" as a list; empty means the customer's usual recipients."""
    found = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    return found or None


def _done(request, email) -> None:
    messages.success(request, _("Email queued for %(to)s.") % {"to": ", ".join(email.to)})


@require_POST
@company_page(Action.WRITE_INVOICES)
def invoice_email(request, ref):
    invoice = invoice_get(company=request.company, ref=str(ref))
    try:
        email = services.invoice_send(
            invoice=invoice, to=addresses(request.POST.get("to", "")), actor=request.user
        )
        _done(request, email)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return redirect("invoice_detail", request.company.slug, invoice.public_id)


@require_POST
@company_page(Action.WRITE_INVOICES)
def quote_email(request, ref):
    quote = quote_get(company=request.company, ref=str(ref))
    try:
        email = services.quote_send(
            quote=quote, to=addresses(request.POST.get("to", "")), actor=request.user
        )
        _done(request, email)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return redirect("quote_detail", request.company.slug, quote.public_id)


@require_POST
@company_page(Action.WRITE_INVOICES)
def statement_email(request, ref):
    from solde.customers.statement import customer_statement
    from solde.customers.statement_pdf import statement_pdf

    customer = customer_get(company=request.company, ref=str(ref))
    start, end = statement_period(request.POST, end_field="to_date")
    try:
        statement = customer_statement(
            company=request.company, customer=customer, start=start, end=end
        )
        email = services.statement_send(
            customer=customer,
            pdf=statement_pdf(statement),
            period_label=f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
            to=addresses(request.POST.get("to", "")),
            actor=request.user,
        )
        _done(request, email)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return redirect("customer_detail", request.company.slug, customer.public_id)


@company_page()
def email_list_page(request):
    status = request.GET.get("status", "")
    rows = email_list(company=request.company, status=status)
    context = {"page": page_of(rows, request), "status": status}
    return render(request, "mail/list.html", context)


@company_page()
def email_eml(request, ref):
    """The .eml file of a message written to the outbox folder (no SMTP configured)."""
    email = email_get(company=request.company, ref=str(ref))
    if not email.eml_path:
        raise Http404("This message was not written to a file.")
    try:
        handle = open(email.eml_path, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError as exc:
        raise Http404("The file is no longer in the outbox folder.") from exc
    return FileResponse(handle, content_type="message/rfc822", filename=f"{email.public_id}.eml")


@require_POST
@company_page(Action.WRITE_INVOICES)
def email_retry(request, ref):
    try:
        services.outbox_retry(email=email_get(company=request.company, ref=str(ref)))
        messages.success(request, _("The email will be sent again."))
    except SoldeError as exc:
        messages.error(request, exc.message)
    return redirect("email_list", request.company.slug)
