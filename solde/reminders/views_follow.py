"""The reminder forms of the customer and invoice pages: the customer's plan, pause and
exclusion, a promise to pay, a payment plan; opening and resolving a dispute. Each posts
here, calls one service and goes back to the page, its error as a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.companies.models import Membership
from solde.core.errors import NotFound, SoldeError, ValidationError
from solde.customers.queries import customer_get
from solde.invoicing.queries import invoice_get
from solde.reminders import queries, services
from solde.reminders.views import ACT
from solde.web.company import company_page
from solde.web.pages import day_param

# The plan chooser's option "its segment's or the default plan" (no plan of its own).
FOLLOW_DEFAULT = "default"


def _customer_act(request, ref, act, done: str):
    customer = customer_get(company=request.company, ref=str(ref))  # else 404 (company_page)
    try:
        act(customer)
        messages.success(request, done)
    except SoldeError as exc:
        messages.error(request, exc.message)
    return redirect("customer_detail", request.company.slug, customer.public_id)


def _invoices(request, customer) -> list:
    """The customer's invoices ticked in the form (others are refused by the service)."""
    chosen = []
    for ref in request.POST.getlist("invoices"):
        try:
            chosen.append(invoice_get(company=request.company, ref=ref))
        except NotFound as exc:
            raise ValidationError(_("Choose the invoices concerned."), field="invoices") from exc
    return chosen


def _amount(text: str) -> str:
    return text.replace(" ", "").replace("\u202f", "").replace(",", ".")


@require_POST
@company_page(ACT)
def reminder_customer_set(request, ref):
    """One of: choose the plan (or none: its segment's or the default), pause (with a
    reason) or resume, exclude or include."""
    post = request.POST

    def act(customer):
        changes = {}
        if post.get("plan") == FOLLOW_DEFAULT:
            changes["follow_default"] = True
        elif post.get("plan"):
            try:
                changes["plan"] = queries.plan_get(company=request.company, ref=post["plan"])
            except NotFound as exc:
                raise ValidationError(_("No such plan."), field="plan") from exc
        if post.get("paused") in ("0", "1"):
            changes["paused"], changes["reason"] = post["paused"] == "1", post.get("reason", "")
        if post.get("excluded") in ("0", "1"):
            changes["excluded"] = post["excluded"] == "1"
        if not changes:
            raise ValidationError(_("Nothing to change."))
        services.customer_reminders_set(customer=customer, actor=request.user, **changes)

    return _customer_act(request, ref, act, _("Reminder settings of the customer saved."))


@require_POST
@company_page(ACT)
def reminder_promise(request, ref):
    post = request.POST

    def act(customer):
        promised = day_param(post.get("promised_date", ""))
        if promised is None:
            raise ValidationError(_("Enter the date promised."), field="promised_date")
        services.promise_record(
            customer=customer,
            invoices=_invoices(request, customer),
            promised_date=promised,
            amount=_amount(post.get("amount", "")) or None,
            note=post.get("note", ""),
            actor=request.user,
        )

    return _customer_act(request, ref, act, _("Promise recorded: reminders wait until then."))


@require_POST
@company_page(ACT)
def reminder_payment_plan(request, ref):
    post = request.POST

    def act(customer):
        instalments = []
        for day_text, amount in zip(
            post.getlist("instalment_date"), post.getlist("instalment_amount"), strict=False
        ):
            if not day_text.strip() and not amount.strip():
                continue  # an empty row of the form
            day = day_param(day_text.strip())
            if day is None:
                raise ValidationError(_("Enter each instalment's date."), field="instalments")
            instalments.append((day, _amount(amount)))
        services.payment_plan_record(
            customer=customer,
            invoices=_invoices(request, customer),
            instalments=instalments,
            note=post.get("note", ""),
            actor=request.user,
        )

    return _customer_act(request, ref, act, _("Payment plan recorded."))


def _back_to_invoice(request, invoice):
    return redirect("invoice_detail", request.company.slug, invoice.public_id)


@require_POST
@company_page(ACT)
def reminder_dispute_open(request, ref):
    invoice = invoice_get(company=request.company, ref=str(ref))
    owner = None
    if request.POST.get("owner"):
        members = Membership.objects.filter(company=request.company).select_related("user")
        member = members.filter(user_id=_pk(request.POST["owner"])).first()
        owner = member.user if member else None
        if owner is None:
            messages.error(request, _("The dispute's owner must be a member of the company."))
            return _back_to_invoice(request, invoice)
    try:
        services.dispute_open(
            invoice=invoice, reason=request.POST.get("reason", ""), owner=owner, actor=request.user
        )
        messages.success(request, _("Dispute opened: this invoice's reminders stop."))
    except SoldeError as exc:
        messages.error(request, exc.message)
    return _back_to_invoice(request, invoice)


def _pk(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@require_POST
@company_page(ACT)
def reminder_dispute_resolve(request, ref):
    dispute = queries.dispute_list(company=request.company).filter(public_id=ref).first()
    if dispute is None:
        raise Http404("No such dispute.")
    try:
        services.dispute_resolve(
            dispute=dispute, resolution=request.POST.get("resolution", ""), actor=request.user
        )
        messages.success(request, _("Dispute resolved: reminders resume where they were."))
    except SoldeError as exc:
        messages.error(request, exc.message)
    return _back_to_invoice(request, dispute.invoice)
