"""Recurring invoice pages: the list, one template with its occurrences and their
invoices, the editor (lines as in the invoice editor), pause and resume."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from solde.core import clock
from solde.core.errors import NotFound, SoldeError, ValidationError
from solde.core.roles import Action
from solde.customers.queries import customer_get, customer_list
from solde.invoicing import documents, editor
from solde.recurring import queries, services
from solde.recurring.models import RecurringInvoice
from solde.web.company import company_page
from solde.web.pages import field_errors, page_of

STATUS_LABELS = {
    "active": gettext_lazy("Active"),
    "paused": gettext_lazy("Paused"),
    "ended": gettext_lazy("Ended"),
}
MODES = [
    (RecurringInvoice.ISSUE_AND_SEND, gettext_lazy("Issue and email to the customer")),
    (RecurringInvoice.DRAFT, gettext_lazy("Draft, for me to review and issue")),
]
FREQUENCIES = [
    ("monthly", gettext_lazy("Monthly")),
    ("quarterly", gettext_lazy("Quarterly")),
    ("yearly", gettext_lazy("Yearly")),
]
NATURES = [
    ("services", gettext_lazy("Services")),
    ("goods", gettext_lazy("Goods")),
    ("mixed", gettext_lazy("Goods and services")),
]
TEXT_FIELDS = ("name", "frequency", "day_of_month", "mode", "notice_days", "nature", "notes")
CUSTOMER_CHOICES_LIMIT = 2000


def _template(request, ref) -> RecurringInvoice:
    try:
        return queries.recurring_get(company=request.company, ref=str(ref))
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _labelled(template: RecurringInvoice) -> RecurringInvoice:
    status = queries.display_status(template)
    template.shown_status, template.status_label = status, STATUS_LABELS[status]
    template.mode_label = dict(MODES)[template.mode]
    template.frequency_label = dict(FREQUENCIES)[template.frequency]
    return template


@company_page()
def recurring_list_page(request):
    status = request.GET.get("status", "")
    if status not in queries.STATUSES:
        status = ""
    rows = queries.recurring_list(company=request.company, status=status)
    page = page_of(rows, request)
    for template in page.rows:
        _labelled(template)
    context = {"page": page, "status": status, "statuses": STATUS_LABELS}
    return render(request, "recurring/list.html", context)


@company_page()
def recurring_detail(request, ref):
    template = _labelled(_template(request, ref))
    context = {
        "template": template,
        "lines": template.lines.all(),
        "occurrences": queries.occurrence_list(template=template)[:200],
    }
    return render(request, "recurring/detail.html", context)


def _day(text: str, name: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise ValidationError(_("Enter a date."), field=name) from exc


def _fields(post) -> dict:
    fields = {name: post.get(name, "").strip() for name in TEXT_FIELDS}
    fields["notice_days"] = fields["notice_days"] or "0"
    fields["start_date"] = _day(post.get("start_date", "").strip(), "start_date")
    fields["end_date"] = _day(post.get("end_date", "").strip(), "end_date")
    return fields


def _save(request, template: RecurringInvoice | None) -> RecurringInvoice:
    post, today = request.POST, clock.today()
    lines = editor.posted_lines(post)
    fields = _fields(post)
    if template is not None:
        return services.recurring_update(
            template=template, today=today, lines=lines, actor=request.user, **fields
        )
    if not post.get("customer"):
        raise ValidationError(_("Choose a customer."), field="customer")
    try:
        customer = customer_get(company=request.company, ref=post["customer"])
    except NotFound as exc:
        raise ValidationError(_("Choose a customer."), field="customer") from exc
    return services.recurring_create(
        company=request.company,
        customer=customer,
        lines=lines,
        today=today,
        actor=request.user,
        **fields,
    )


def _editor(request, template: RecurringInvoice | None):
    errors: dict = {}
    if request.method == "POST":
        try:
            saved = _save(request, template)
            messages.success(request, _("Recurring invoice saved."))
            return redirect("recurring_detail", request.company.slug, saved.public_id)
        except SoldeError as exc:
            errors = field_errors(request, exc)
        data = request.POST
        rows = editor.line_rows(editor.posted_lines(data), errors)
    elif template is not None:
        data = {name: getattr(template, name) for name in (*TEXT_FIELDS, "start_date", "end_date")}
        rows = editor.line_rows(list(template.lines.all()), blank=0)
    else:
        data = {
            "customer": request.GET.get("customer", ""),
            "frequency": "monthly",
            "day_of_month": 1,
            "start_date": clock.today(),
            "mode": RecurringInvoice.ISSUE_AND_SEND,
            "notice_days": 0,
            "nature": "services",
        }
        rows = editor.line_rows([])
    customers = customer_list(company=request.company).order_by("name")
    currency = template.currency if template else request.company.currency
    context = {
        "template": template,
        "data": data,
        "errors": errors,
        "rows": rows,
        "customers": [(str(c.public_id), c.name) for c in customers[:CUSTOMER_CHOICES_LIMIT]],
        "modes": MODES,
        "frequencies": FREQUENCIES,
        "natures": NATURES,
        "vat_choices": editor.VAT_CHOICES,
        "totals": _totals(request, template, currency),
        "currency": currency,
    }
    return render(request, "recurring/editor.html", context, status=422 if errors else 200)


def _totals(request, template: RecurringInvoice | None, currency: str):
    if request.method == "POST":
        return editor.live_totals(editor.posted_lines(request.POST), currency)
    if template is not None:
        return documents.totals_of(list(template.lines.all()), [], currency)
    return None


@company_page(Action.WRITE_INVOICES)
def recurring_new(request):
    return _editor(request, None)


@company_page(Action.WRITE_INVOICES)
def recurring_edit(request, ref):
    return _editor(request, _template(request, ref))


@require_POST
@company_page(Action.WRITE_INVOICES)
def recurring_pause(request, ref):
    template = services.recurring_pause(template=_template(request, ref), actor=request.user)
    messages.success(request, _("Paused: no invoice and no notice until it is resumed."))
    return redirect("recurring_detail", request.company.slug, template.public_id)


@require_POST
@company_page(Action.WRITE_INVOICES)
def recurring_resume(request, ref):
    try:
        template = services.recurring_resume(
            template=_template(request, ref), today=clock.today(), actor=request.user
        )
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("recurring_detail", request.company.slug, ref)
    messages.success(request, _("Resumed: the periods while it was paused are not invoiced."))
    return redirect("recurring_detail", request.company.slug, template.public_id)
