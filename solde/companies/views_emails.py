"""Company settings: the wording of customer emails (subject and body per kind and
language), with the placeholders each kind fills and a preview on the company's own data.
Owners only, like the other settings pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from solde.core.errors import SoldeError
from solde.core.roles import Action
from solde.customers.models import Customer
from solde.invoicing.models import Invoice, Quote
from solde.mail import compose, services, texts
from solde.mail.models import EmailTemplate
from solde.mail.queries import email_template_get
from solde.recurring.queries import renewal_sample
from solde.web.company import company_page
from solde.web.pages import field_errors, statement_period

KIND_LABELS = {
    "invoice": gettext_lazy("Invoice"),
    "credit_note": gettext_lazy("Credit note"),
    "quote": gettext_lazy("Quote"),
    "statement": gettext_lazy("Statement of account"),
    "renewal": gettext_lazy("Subscription renewal notice"),
}
KINDS = list(texts.KINDS)


@dataclass
class Sample:
    """What a preview is drawn with: a real document (or customer) and its values."""

    label: str
    values: dict[str, str]


def _latest_issued(company, **filters) -> Invoice | None:
    rows = Invoice.objects.for_company(company).issued().filter(**filters)
    return rows.select_related("customer", "company").order_by("-issue_date", "-id").first()


def _sample(company, kind: str, language: str) -> Sample | None:
    """The company's latest document of the kind (for a statement: the customer of its
    latest invoice, else its first customer; for a renewal notice: the subscription
    that renews next), or None when it has none yet."""
    if kind in ("invoice", "credit_note"):
        credit = kind == "credit_note"
        if credit:
            invoice = _latest_issued(company, kind=Invoice.CREDIT_NOTE)
        else:
            invoice = _latest_issued(company, kind__in=[Invoice.INVOICE, Invoice.DEPOSIT])
        if invoice is None:
            return None
        label = _("credit note %(number)s") if credit else _("invoice %(number)s")
        return Sample(label % {"number": invoice.number}, compose.invoice_values(invoice, language))
    if kind == "quote":
        quote = (
            Quote.objects.for_company(company)
            .exclude(number="")
            .select_related("customer", "company")
            .order_by("-issue_date", "-id")
            .first()
        )
        if quote is None:
            return None
        return Sample(
            _("quote %(number)s") % {"number": quote.number},
            compose.quote_values(quote, language),
        )
    if kind == "renewal":
        template = renewal_sample(company=company)
        if template is None:
            return None
        return Sample(
            _("the subscription %(name)s") % {"name": template.name},
            compose.renewal_values(template, template.next_date, language),
        )
    invoice = _latest_issued(company)
    customer = invoice.customer if invoice else None
    customer = customer or Customer.objects.for_company(company).order_by("name").first()
    if customer is None:
        return None
    start, end = statement_period({})
    period = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    return Sample(
        _("the statement of %(customer)s") % {"customer": customer.name},
        compose.statement_values(customer, period, language),
    )


def _names(kind: str, language: str) -> tuple[str, str]:
    """The kind and language of the URL, as labels; 404 for any other."""
    if kind not in KIND_LABELS or language not in texts.LANGUAGES:
        raise Http404("No such email wording.")
    return KIND_LABELS[kind], dict(settings.LANGUAGES).get(language, language)


def _own(company, kind: str, language: str) -> bool:
    rows = EmailTemplate.objects.for_company(company)
    return rows.filter(kind=kind, language=language).exists()


@company_page(Action.MANAGE_COMPANY)
def company_email_templates(request):
    own = set(EmailTemplate.objects.for_company(request.company).values_list("kind", "language"))
    rows = []
    for kind in KINDS:
        for language in texts.LANGUAGES:
            kind_label, language_label = _names(kind, language)
            subject, _body = email_template_get(
                company=request.company, kind=kind, language=language
            )
            rows.append(
                {
                    "kind": kind,
                    "language": language,
                    "kind_label": kind_label,
                    "language_label": language_label,
                    "subject": subject,
                    "own": (kind, language) in own,
                }
            )
    return render(request, "companies/emails.html", {"tab": "emails", "rows": rows})


@company_page(Action.MANAGE_COMPANY)
def company_email_template_edit(request, kind: str, language: str):
    """GET: the wording in use and its preview. POST: save it, or (with `preview`) only
    check and preview what was typed."""
    kind_label, language_label = _names(kind, language)
    company = request.company
    subject, body = email_template_get(company=company, kind=kind, language=language)
    errors: dict = {}
    if request.method == "POST":
        subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
        try:
            if request.POST.get("preview"):
                services.email_template_clean(
                    kind=kind, language=language, subject=subject, body=body
                )
            else:
                services.email_template_set(
                    company=company,
                    kind=kind,
                    language=language,
                    subject=subject,
                    body=body,
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("Wording saved: %(kind)s emails in %(language)s use it from now on.")
                    % {"kind": kind_label, "language": language_label},
                )
                return redirect("company_email_templates", company.slug)
        except SoldeError as exc:
            errors = field_errors(request, exc)
    sample = _sample(company, kind, language)
    values = sample.values if sample else {}
    context = {
        "tab": "emails",
        "kind": kind,
        "language": language,
        "kind_label": kind_label,
        "language_label": language_label,
        "data": {"subject": subject, "body": body},
        "errors": errors,
        "own": _own(company, kind, language),
        "placeholders": [
            (f"{{{name}}}", values.get(name, "")) for name in compose.PLACEHOLDERS[kind]
        ],
        "sample": sample,
        "preview": {
            "subject": texts.one_line(texts.render(subject, values)),
            "body": texts.render(body, values),
        }
        if sample
        else None,
        "confirm": request.GET.get("confirm", ""),
    }
    status = 422 if errors else 200
    return render(request, "companies/email_edit.html", context, status=status)


@require_POST
@company_page(Action.MANAGE_COMPANY)
def company_email_template_reset(request, kind: str, language: str):
    kind_label, language_label = _names(kind, language)
    try:
        removed = services.email_template_reset(
            company=request.company, kind=kind, language=language, actor=request.user
        )
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("company_email_template_edit", request.company.slug, kind, language)
    if removed:
        messages.success(
            request,
            _("%(kind)s emails in %(language)s are back to the default wording.")
            % {"kind": kind_label, "language": language_label},
        )
    return redirect("company_email_templates", request.company.slug)
