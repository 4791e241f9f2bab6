"""Reminder pages: the home (what the next run sends, what waits for a person, what was
sent), one reminder as sent, marking a task done, invoicing its late fees, and the company's
reminder settings.

Plans and steps are in views_plans; the customer and invoice forms in views_follow.
Viewers read; owners, accountants and sales people act (ACT) and draft late-fee invoices
(WRITE_INVOICES); settings are owners'.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.core import clock
from solde.core.errors import SoldeError
from solde.core.money import ZERO
from solde.core.roles import Action
from solde.customers.models import Customer
from solde.reminders import labels, queries, services
from solde.reminders.latefee_invoice import latefee_invoice_create
from solde.reminders.models import LETTER, Reminder
from solde.web.company import company_page
from solde.web.pages import field_errors, page_of

# Chasing customers is customer follow-up: the roles that manage customers act.
ACT = Action.MANAGE_CUSTOMERS
PLANNED_SHOWN = 200


def reminder_of(request, ref) -> Reminder:
    # Not found: 404 (company_page turns NotFound into Http404 for every page).
    return queries.reminder_get(company=request.company, ref=str(ref))


@company_page()
def reminder_home(request):
    company, today = request.company, clock.today()
    day = queries.next_working_day(company, today)
    planned = queries.planned_list(company=company, day=day)
    shown = planned[:PLANNED_SHOWN]
    names = Customer.objects.for_company(company).in_bulk({c.customer_id for c in shown})
    for composed in shown:
        composed.customer = names.get(composed.customer_id)
    sent = queries.reminder_list(company=company).exclude(status=Reminder.OPEN)
    context = {
        "day": day,
        "planned": shown,
        "planned_count": len(planned),
        "waiting": queries.reminder_list(company=company, status=Reminder.OPEN)[:200],
        "page": page_of(sent, request),
        "today": today,
    }
    return render(request, "reminders/home.html", context)


@company_page()
def reminder_detail(request, ref):
    reminder = reminder_of(request, ref)
    lines = reminder.lines.all()
    context = {
        "reminder": reminder,
        "lines": lines,
        "interest": sum((line.interest for line in lines), ZERO),
        "indemnity": sum((line.indemnity for line in lines), ZERO),
        "total_with_fees": reminder.total_due + reminder.late_fees,
    }
    return render(request, "reminders/detail.html", context)


@company_page()
def reminder_letter(request, ref):
    from solde.reminders.documents import letter_pdf

    reminder = reminder_of(request, ref)
    if reminder.channel != LETTER:
        raise Http404("Only a formal notice has a letter.")
    response = HttpResponse(letter_pdf(reminder), content_type="application/pdf")
    who = reminder.customer.code or reminder.customer_id
    name = f"mise-en-demeure-{who}-{reminder.run_date:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@company_page(ACT)
def reminder_done(request, ref):
    reminder = reminder_of(request, ref)
    try:
        services.task_done(reminder=reminder, actor=request.user)
        messages.success(request, _("Marked done."))
    except SoldeError as exc:
        messages.error(request, exc.message)
    if request.POST.get("back") == "detail":
        return redirect("reminder_detail", request.company.slug, reminder.public_id)
    return redirect("reminder_home", request.company.slug)


@require_POST
@company_page(Action.WRITE_INVOICES)
def reminder_latefee_invoice(request, ref):
    """Draft the invoice of the late fees a reminder claimed, and open it for review."""
    reminder = reminder_of(request, ref)
    try:
        invoice = latefee_invoice_create(reminder=reminder, actor=request.user)
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("reminder_detail", request.company.slug, reminder.public_id)
    messages.success(request, _("Late-fee invoice drafted: check it, then issue it."))
    return redirect("invoice_detail", request.company.slug, invoice.public_id)


# -- company settings ---------------------------------------------------------------------

SETTING_FIELDS = ("reminders_enabled", "reminder_hour", "reminder_min_gap_days")
SETTING_FIELDS += ("reminders_on_working_days", "holiday_region")
FLAGS = {"reminders_enabled", "reminders_on_working_days"}


def _settings_posted(request, plans) -> dict:
    post = request.POST
    fields = {name: post.get(name, "").strip() for name in SETTING_FIELDS}
    fields.update({name: bool(post.get(name)) for name in FLAGS})
    chosen = post.get("default_plan", "")
    fields["default_plan"] = next((p for p in plans if str(p.public_id) == chosen), None)
    return fields


@company_page(Action.MANAGE_COMPANY)
def company_reminders(request):
    """Owners only, like the other company settings (its URL name puts it under them)."""
    company = request.company
    plans = list(queries.plan_list(company=company))
    data = {name: getattr(company, name) for name in SETTING_FIELDS}
    default = next((p for p in plans if p.is_default), None)
    data["default_plan"] = str(default.public_id) if default else ""
    errors: dict = {}
    if request.method == "POST":
        try:
            services.reminder_settings_set(
                company=company, actor=request.user, **_settings_posted(request, plans)
            )
            messages.success(request, _("Reminder settings saved."))
            return redirect("company_reminders", company.slug)
        except SoldeError as exc:
            data = {name: request.POST.get(name, "") for name in (*SETTING_FIELDS, "default_plan")}
            errors = field_errors(request, exc)
    context = {
        "tab": "reminders",
        "data": data,
        "errors": errors,
        "regions": labels.HOLIDAY_REGIONS,
        "plans": [(str(p.public_id), p.name) for p in plans],
    }
    status = 422 if errors else 200
    return render(request, "reminders/settings.html", context, status=status)
