"""Bank pages: the reconciliation queue, one line with its candidates and the actions a
person takes on it (accept, pick other invoices or split, on account, ignore, undo), and
uploading a statement. Keys: j/k move, 1–3 accept a suggestion, i ignores (see bank.js)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.banking import review
from solde.banking.explain import proposals_for, proposals_view
from solde.banking.models import BankLine
from solde.banking.queries import bank_line_get, bank_line_list, review_queue
from solde.banking.services import statement_import
from solde.core.errors import SoldeError, ValidationError
from solde.core.roles import Action
from solde.customers.queries import customer_get, customer_list
from solde.invoicing.queries import invoice_get, invoice_open_list
from solde.web.company import company_page
from solde.web.pages import page_of

VIEWS = {
    "queue": None,
    "matched": BankLine.MATCHED,
    "ignored": BankLine.IGNORED,
    "debit": BankLine.DEBIT,
}


@company_page()
def bank_queue(request):
    view = request.GET.get("view", "queue")
    if view not in VIEWS:
        view = "queue"
    if view == "queue":
        rows = review_queue(company=request.company)
    else:
        rows = bank_line_list(company=request.company, status=VIEWS[view]).order_by(
            "-booking_date", "-pk"
        )
    page = page_of(rows, request)
    found = proposals_for(request.company, page.rows)
    context = {
        "page": page,
        "view": view,
        "views": list(VIEWS),
        "lines": [(line, found[line.pk][:1]) for line in page.rows],
    }
    return render(request, "banking/queue.html", context)


@company_page()
def bank_line_detail(request, ref):
    line = bank_line_get(company=request.company, ref=str(ref))
    customer = None
    chosen = request.GET.get("customer")
    if chosen:
        customer = customer_get(company=request.company, ref=chosen)
    context = {
        "line": line,
        "proposals": proposals_view(request.company, line),
        "customer": customer,
        "customers": [
            (str(c.public_id), c.name)
            for c in customer_list(company=request.company).order_by("name")[:2000]
        ],
        "open_invoices": invoice_open_list(company=request.company, customer=customer)
        if customer
        else [],
        "next": _next_in_queue(request.company, line),
    }
    return render(request, "banking/line.html", context)


def _next_in_queue(company, line):
    return review_queue(company=company).exclude(pk=line.pk).first()


def _after(request, line):
    """Back to the queue's next line, so a person works through it without the mouse."""
    following = _next_in_queue(request.company, line)
    if following is not None and request.POST.get("then") == "next":
        return redirect("bank_line_detail", request.company.slug, following.public_id)
    return redirect("bank_line_detail", request.company.slug, line.public_id)


def _act(request, ref, action, done: str):
    line = bank_line_get(company=request.company, ref=str(ref))
    try:
        action(line)
        messages.success(request, done)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return _after(request, line)


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def bank_line_accept(request, ref):
    try:
        index = int(request.POST.get("index", "0"))
    except ValueError:
        index = -1
    return _act(
        request,
        ref,
        lambda line: review.line_accept(line=line, index=index, actor=request.user),
        _("Match confirmed."),
    )


def _allocations(request, customer):
    pairs = []
    for ref in request.POST.getlist("invoices"):
        invoice = invoice_get(company=request.company, ref=ref)
        amount = request.POST.get(f"amount-{ref}", "").replace(",", ".").replace(" ", "")
        pairs.append((invoice, amount or invoice.balance))
    return pairs


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def bank_line_allocate(request, ref):
    def allocate(line):
        if not request.POST.get("customer"):
            raise ValidationError(_("Choose a customer."), field="customer")
        customer = customer_get(company=request.company, ref=request.POST["customer"])
        review.line_allocate(
            line=line,
            customer=customer,
            allocations=_allocations(request, customer),
            actor=request.user,
        )

    return _act(request, ref, allocate, _("Line matched."))


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def bank_line_ignore(request, ref):
    return _act(
        request,
        ref,
        lambda line: review.line_ignore(
            line=line,
            reason=request.POST.get("reason", ""),
            never_customer=bool(request.POST.get("never")),
            actor=request.user,
        ),
        _("Line ignored."),
    )


@require_POST
@company_page(Action.RECORD_PAYMENTS)
def bank_line_undo(request, ref):
    return _act(
        request,
        ref,
        lambda line: review.line_undo(
            line=line, reason=request.POST.get("reason", ""), actor=request.user
        ),
        _("Undone: the line is back in the queue."),
    )


@company_page(Action.IMPORT)
def bank_upload(request):
    if request.method != "POST":
        return render(request, "banking/upload.html", {"errors": {}})
    upload = request.FILES.get("file")
    if upload is None:
        return render(
            request,
            "banking/upload.html",
            {"errors": {"file": _("Choose a statement file.")}},
            status=422,
        )
    try:
        result = statement_import(
            company=request.company,
            data=upload.read(),
            file_name=upload.name,
            format=request.POST.get("format", "auto"),
            actor=request.user,
        )
    except SoldeError as exc:
        return render(request, "banking/upload.html", {"errors": {"file": exc.message}}, status=422)
    messages.success(
        request,
        _(
            "%(added)s lines added (%(duplicates)s already there): %(auto)s matched "
            "automatically, %(suggested)s to review, %(unmatched)s without a candidate."
        )
        % {
            "added": result.added,
            "duplicates": result.duplicates,
            "auto": result.auto_matched,
            "suggested": result.suggested,
            "unmatched": result.unmatched,
        },
    )
    for text in result.balance_breaks:
        messages.warning(request, _("Balance break: %s") % text)
    return redirect("bank_queue", request.company.slug)
