"""Company settings pages (owners only): identity and terms, numbering series, members."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solde.companies import services
from solde.companies.models import DEFAULT_BRAND_COLOUR, Membership
from solde.core import clock, numbering
from solde.core.errors import SoldeError, ValidationError
from solde.core.roles import Action, Role, can
from solde.invoicing import services as invoicing_services
from solde.invoicing.models import Series, SeriesCounter
from solde.web.company import company_page
from solde.web.pages import field_errors

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]
# (name, label, input type, choices): the identity form, in the order it is shown.
FIELDS = [
    ("name", gettext_lazy("Company name"), "text", None),
    ("legal_form", gettext_lazy("Legal form (SAS, SARL…)"), "text", None),
    ("share_capital", gettext_lazy("Share capital"), "number", None),
    ("siren", gettext_lazy("SIREN"), "text", None),
    ("siret", gettext_lazy("SIRET"), "text", None),
    ("vat_number", gettext_lazy("VAT number"), "text", None),
    ("rcs_city", gettext_lazy("RCS city (trade register)"), "text", None),
    ("address", gettext_lazy("Address"), "text", None),
    ("postal_code", gettext_lazy("Postal code"), "text", None),
    ("city", gettext_lazy("City"), "text", None),
    ("country", gettext_lazy("Country (ISO code)"), "text", None),
    ("email", gettext_lazy("Email"), "email", None),
    ("iban", gettext_lazy("IBAN"), "text", None),
    ("bic", gettext_lazy("BIC"), "text", None),
    ("currency", gettext_lazy("Currency (ISO code)"), "text", None),
    ("payment_terms_days", gettext_lazy("Payment terms (days)"), "number", None),
    (
        "late_penalty_rate",
        gettext_lazy("Late penalty rate (% a year; empty: ECB rate + 10 points)"),
        "number",
        None,
    ),
    ("recovery_indemnity", gettext_lazy("Fixed recovery indemnity"), "number", None),
    (
        "early_payment_discount",
        gettext_lazy("Early-payment discount terms (empty: none)"),
        "text",
        None,
    ),
    ("vat_on_debits", gettext_lazy("VAT on debits (TVA sur les débits)"), "checkbox", None),
    ("write_off_tolerance", gettext_lazy("Write-off tolerance"), "number", None),
    ("brand_colour", gettext_lazy("Brand colour (#RRGGBB; empty: default)"), "text", None),
    ("email_sender_name", gettext_lazy("Sender name on emails"), "text", None),
    ("email_reply_to", gettext_lazy("Reply-to address for emails"), "email", None),
    (
        "digest_enabled",
        gettext_lazy("Email the owners a weekly digest of the receivables"),
        "checkbox",
        None,
    ),
    ("digest_weekday", gettext_lazy("Day of the digest"), "select", WEEKDAYS),
    ("digest_hour", gettext_lazy("Hour of the digest (0–23)"), "number", None),
]
# The identity form's fieldsets: legend and the fields in it.
GROUPS = [
    (
        gettext_lazy("Legal identity"),
        ["name", "legal_form", "share_capital", "siren", "siret", "vat_number", "rcs_city"],
    ),
    (
        gettext_lazy("Address and contact"),
        ["address", "postal_code", "city", "country", "email"],
    ),
    (gettext_lazy("Bank details"), ["iban", "bic", "currency"]),
    (
        gettext_lazy("Payment terms"),
        [
            "payment_terms_days",
            "late_penalty_rate",
            "recovery_indemnity",
            "early_payment_discount",
            "vat_on_debits",
            "write_off_tolerance",
        ],
    ),
    (gettext_lazy("Emails"), ["email_sender_name", "email_reply_to"]),
    (gettext_lazy("Invoice look"), ["brand_colour"]),
    (gettext_lazy("Weekly digest"), ["digest_enabled", "digest_weekday", "digest_hour"]),
]
STEPS = {
    "share_capital": "0.01",
    "late_penalty_rate": "0.001",
    "recovery_indemnity": "0.01",
    "write_off_tolerance": "0.01",
}
DECIMALS = set(STEPS)
CHECKBOXES = {name for name, _label, kind, _choices in FIELDS if kind == "checkbox"}
REQUIRED = {
    "name",
    "payment_terms_days",
    "recovery_indemnity",
    "write_off_tolerance",
    "digest_weekday",
    "digest_hour",
}

ROLES = [
    (Role.OWNER.value, gettext_lazy("Owner")),
    (Role.ACCOUNTANT.value, gettext_lazy("Accountant")),
    (Role.SALES.value, gettext_lazy("Sales")),
    (Role.VIEWER.value, gettext_lazy("Viewer")),
]
SERIES_KINDS = [
    ("invoice", gettext_lazy("Invoices")),
    ("credit_note", gettext_lazy("Credit notes")),
    ("quote", gettext_lazy("Quotes")),
]


def _posted(request) -> dict:
    """The identity form as the service takes it."""
    data = {}
    for name, _label, _kind, _choices in FIELDS:
        if name in CHECKBOXES:
            data[name] = bool(request.POST.get(name))
            continue
        value = request.POST.get(name, "").strip()
        if name in DECIMALS:
            value = value.replace(" ", "").replace(",", ".")  # 1 000,50 as typed in French
        data[name] = value
    days = data["payment_terms_days"]
    if not days.isdigit():
        raise ValidationError(_("Enter a number of days."), field="payment_terms_days")
    data["payment_terms_days"] = int(days)
    if request.FILES.get("logo"):
        data["logo"] = request.FILES["logo"]
    elif request.POST.get("logo_remove"):
        data["logo"] = ""
    return data


def _fields(names=None) -> list[dict]:
    return [
        {
            "name": name,
            "label": label,
            "type": kind,
            "choices": choices,
            "required": name in REQUIRED,
            "step": STEPS.get(name, ""),
        }
        for name, label, kind, choices in FIELDS
        if names is None or name in names
    ]


def _shown(value):
    """A stored value as an input holds it: numbers as plain text ("50000.00"), since
    a template would write them the reader's way ("50000,00") and number inputs refuse
    that; checkboxes keep their bool."""
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


@company_page(Action.MANAGE_COMPANY)
def company_settings(request):
    company = request.company
    data = {name: _shown(getattr(company, name)) for name, *_rest in FIELDS}
    errors = {}
    if request.method == "POST":
        try:
            company = services.company_update(
                company=company, actor=request.user, **_posted(request)
            )
            messages.success(request, _("Company settings saved."))
            return redirect("company_settings", company.slug)
        except SoldeError as exc:
            data = {name: request.POST.get(name, "") for name, *_rest in FIELDS}
            errors = field_errors(request, exc)
    groups = [{"legend": legend, "fields": _fields(names)} for legend, names in GROUPS]
    context = {
        "tab": "identity",
        "groups": groups,
        "data": data,
        "errors": errors,
        "logo": company.logo_data_uri(),
        "default_colour": DEFAULT_BRAND_COLOUR,
    }
    return render(request, "companies/identity.html", context, status=422 if errors else 200)


# -- numbering series --------------------------------------------------------------------


def _last_numbers(company) -> dict[int, str]:
    """Per series, the last number it took (the latest of its periods)."""
    counters = (
        SeriesCounter.objects.filter(series__company=company, last_seq__gt=0)
        .select_related("series")
        .order_by("series_id", "-last_date", "-period")
    )
    last = {}
    for counter in counters:
        if counter.series_id not in last and counter.last_date:
            last[counter.series_id] = numbering.format_number(
                counter.series.pattern, counter.last_seq, counter.last_date
            )
    return last


def _example(pattern: str) -> str:
    try:
        return numbering.format_number(pattern, 1, clock.today())
    except SoldeError:
        return ""


@company_page(Action.MANAGE_COMPANY)
def company_series(request):
    data = {"kind": "invoice", "name": "", "pattern": "", "is_default": False}
    errors = {}
    if request.method == "POST":
        data = {
            "kind": request.POST.get("kind", ""),
            "name": request.POST.get("name", "").strip(),
            "pattern": request.POST.get("pattern", "").strip(),
            "is_default": bool(request.POST.get("is_default")),
        }
        try:
            series = invoicing_services.series_create(
                company=request.company, actor=request.user, **data
            )
            messages.success(request, _("Series %s added.") % series.name)
            return redirect("company_series", request.company.slug)
        except SoldeError as exc:
            errors = field_errors(request, exc)
    last = _last_numbers(request.company)
    kinds = dict(SERIES_KINDS)
    rows = []
    for series in Series.objects.for_company(request.company).order_by("kind", "name", "id"):
        series.kind_label = kinds.get(series.kind, series.kind)
        series.last_number = last.get(series.pk, "")
        series.example = _example(series.pattern)
        rows.append(series)
    context = {
        "tab": "series",
        "rows": rows,
        "kinds": SERIES_KINDS,
        "data": data,
        "errors": errors,
    }
    return render(request, "companies/series.html", context, status=422 if errors else 200)


@company_page(Action.MANAGE_COMPANY)
def company_series_edit(request, ref):
    series = Series.objects.for_company(request.company).filter(public_id=ref).first()
    if series is None:
        raise Http404("No such series.")
    last_number = _last_numbers(request.company).get(series.pk, "")
    used = bool(last_number)  # the service refuses a new pattern whatever this says
    data = {"name": series.name, "pattern": series.pattern, "is_default": series.is_default}
    errors = {}
    if request.method == "POST":
        data = {
            "name": request.POST.get("name", "").strip(),
            "pattern": series.pattern if used else request.POST.get("pattern", "").strip(),
            "is_default": series.is_default or bool(request.POST.get("is_default")),
        }
        try:
            series = invoicing_services.series_update(
                series=series,
                actor=request.user,
                name=data["name"],
                pattern=None if used else data["pattern"],
                is_default=True if data["is_default"] else None,
            )
            messages.success(request, _("Series %s saved.") % series.name)
            return redirect("company_series", request.company.slug)
        except SoldeError as exc:
            errors = field_errors(request, exc)
    context = {
        "tab": "series",
        "series": series,
        "used": used,
        "last_number": last_number,
        "kind_label": dict(SERIES_KINDS).get(series.kind, series.kind),
        "data": data,
        "errors": errors,
    }
    return render(request, "companies/series_edit.html", context, status=422 if errors else 200)


# -- members -----------------------------------------------------------------------------


def _member(request) -> Membership:
    """The member named by the posted email, in this company only."""
    email = request.POST.get("email", "").strip().lower()
    membership = (
        Membership.objects.select_related("user")
        .filter(company=request.company, user__username=email)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


def _users_page(request, *, data=None, errors=None, confirm=None, status=200):
    members = (
        Membership.objects.filter(company=request.company)
        .select_related("user")
        .order_by("user__username")
    )
    context = {
        "tab": "users",
        "members": members,
        "roles": ROLES,
        "role_labels": dict(ROLES),
        "data": data or {"email": "", "role": Role.VIEWER.value},
        "errors": errors or {},
        "confirm": confirm,
    }
    return render(request, "companies/users.html", context, status=status)


@company_page(Action.MANAGE_COMPANY)
def company_users(request):
    if request.method != "POST":
        return _users_page(request)
    data = {
        "email": request.POST.get("email", "").strip().lower(),
        "role": request.POST.get("role", ""),
    }
    try:
        if Membership.objects.filter(
            company=request.company, user__username=data["email"]
        ).exists():
            raise ValidationError(
                _("%s is already a member: change their role in the list.") % data["email"],
                field="email",
            )
        user = services.user_create(company=request.company, actor=request.user, **data)
    except SoldeError as exc:
        errors = field_errors(request, exc)
        return _users_page(request, data=data, errors=errors, status=422 if errors else 200)
    messages.success(
        request,
        _("%(email)s added as %(role)s.")
        % {"email": user.email, "role": dict(ROLES).get(data["role"], data["role"])},
    )
    if not user.has_usable_password():
        messages.info(
            request,
            _("%(email)s has no password yet: set it with “%(command)s”.")
            % {
                "email": user.email,
                "command": f"solde user create {user.email} --company {request.company.slug} "
                f"--role {data['role']} --password-stdin",
            },
        )
    return redirect("company_users", request.company.slug)


@company_page(Action.MANAGE_COMPANY)
def company_user_role(request):
    if request.method != "POST":
        return redirect("company_users", request.company.slug)
    membership = _member(request)
    role = request.POST.get("role", "")
    try:
        membership = services.membership_update(
            membership=membership, role=role, actor=request.user
        )
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("company_users", request.company.slug)
    messages.success(
        request,
        _("%(email)s is now %(role)s.")
        % {"email": membership.user.email, "role": dict(ROLES).get(role, role)},
    )
    if membership.user_id == request.user.pk and not can(role, Action.MANAGE_COMPANY):
        return redirect("home", request.company.slug)  # these pages are closed to them now
    return redirect("company_users", request.company.slug)


@company_page(Action.MANAGE_COMPANY)
def company_user_remove(request):
    """Removing a member asks first: without `confirmed`, the page asks to confirm."""
    if request.method != "POST":
        return redirect("company_users", request.company.slug)
    membership = _member(request)
    if not request.POST.get("confirmed"):
        return _users_page(request, confirm=membership)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect("company_users", request.company.slug)
    messages.success(
        request,
        _("%(email)s no longer has access to %(company)s.")
        % {"email": membership.user.email, "company": request.company.name},
    )
    if membership.user_id == request.user.pk:
        return redirect("start")
    return redirect("company_users", request.company.slug)
