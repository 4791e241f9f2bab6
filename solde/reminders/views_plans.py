"""Reminder plans: the list with their steps; creating a plan (from a copy of another's
steps), renaming it and choosing its segments, making it the default, deleting it or
one of its steps (after a confirmation, the refusal shown as a message); and a step's
form (add or change) with its wording in French and English, the placeholders, and a
preview on a real customer.

Steps have no UUID of their own: they are addressed within their plan's, which is
company-scoped, so another company's step is never found.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solde.core import clock
from solde.core.errors import NotFound, SoldeError, ValidationError
from solde.core.roles import Action, can
from solde.customers.queries import customer_get
from solde.reminders import labels, queries, services, texts
from solde.reminders.defaults import PLACEHOLDERS
from solde.reminders.models import ReminderPlan, ReminderStep
from solde.reminders.preview import preview_customers, step_preview
from solde.reminders.views import ACT
from solde.web.company import company_page
from solde.web.pages import field_errors

LANGUAGES = (("fr", "Français"), ("en", "English"))
FLAGS = ("attach_invoices", "attach_statement", "with_late_fees")
PARTS = ("subject", "body")


def _plan(request, ref) -> ReminderPlan:
    # Not found: 404 (company_page turns NotFound into Http404 for every page).
    return queries.plan_get(company=request.company, ref=str(ref))


def _step(plan: ReminderPlan, step_id: int) -> ReminderStep:
    step = plan.steps.filter(pk=step_id).first()
    if step is None:
        raise Http404("No such step.")
    return step


# -- plans ------------------------------------------------------------------------------------

PLAN_FIELDS = ("name", "segments")


def _confirm(request, plans: list[ReminderPlan]) -> dict | None:
    """What ?confirm=delete-plan&plan=… or ?confirm=delete-step&plan=…&step=… asks about."""
    kind, ref = request.GET.get("confirm", ""), request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.public_id) == ref), None)
    if plan is None or kind not in ("delete-plan", "delete-step"):
        return None
    if kind == "delete-plan":
        return {"kind": "plan", "plan": plan}
    step = next((s for s in plan.steps.all() if str(s.pk) == request.GET.get("step")), None)
    return {"kind": "step", "plan": plan, "step": step} if step else None


def _plans_page(request, *, form: str = "", data: dict | None = None, errors=None):
    """The plans with their steps and forms; `form` ("new" or a plan's UUID) is the form
    posted with `data` that `errors` are about."""
    errors = errors or {}
    plans = list(queries.plan_list(company=request.company))
    default = next((p for p in plans if p.is_default), None)
    for plan in plans:
        plan.form = {"name": plan.name, "segments": ", ".join(plan.segments or ())}
        plan.form_errors = {}
        if form == str(plan.public_id):
            plan.form, plan.form_errors = data, errors
    new = {"name": "", "segments": "", "copy_from": str(default.public_id) if default else ""}
    context = {
        "plans": plans,
        "new": data if form == "new" else new,
        "new_errors": errors if form == "new" else {},
        "sources": [("", _("No step (an empty plan)"))]
        + [(str(p.public_id), p.name) for p in plans],
        "segments_known": queries.segment_list(company=request.company),
        "confirm": _confirm(request, plans),
        "placeholders": [(f"{{{name}}}", labels.PLACEHOLDERS[name]) for name in PLACEHOLDERS],
    }
    return render(request, "reminders/plans.html", context, status=422 if errors else 200)


def _segments(text: str) -> list[str]:
    """Segments typed separated by commas (the service trims them and drops empty ones)."""
    return text.split(",")


def _plans_url(request, plan: ReminderPlan | None = None) -> str:
    url = reverse("reminder_plans", args=[request.company.slug])
    return f"{url}#plan-{plan.public_id}" if plan else url


@company_page()
def reminder_plans(request):
    return _plans_page(request)


@require_POST
@company_page(ACT)
def reminder_plan_new(request):
    data = {name: request.POST.get(name, "").strip() for name in (*PLAN_FIELDS, "copy_from")}
    try:
        plan = services.plan_create(
            company=request.company,
            name=data["name"],
            segments=_segments(data["segments"]),
            copy_from=_source(request, data["copy_from"]),
            actor=request.user,
        )
    except SoldeError as exc:
        return _plans_page(request, form="new", data=data, errors=field_errors(request, exc))
    messages.success(request, _("Plan %(name)s created.") % {"name": plan.name})
    return redirect(_plans_url(request, plan))


def _source(request, ref: str) -> ReminderPlan | None:
    """The plan whose steps a new plan starts from (none: an empty plan)."""
    if not ref:
        return None
    try:
        return queries.plan_get(company=request.company, ref=ref)
    except NotFound as exc:
        raise ValidationError(_("No such plan."), field="copy_from") from exc


@require_POST
@company_page(ACT)
def reminder_plan_edit(request, plan):
    """Rename the plan and choose its segments."""
    plan = _plan(request, plan)
    data = {name: request.POST.get(name, "").strip() for name in PLAN_FIELDS}
    try:
        services.plan_update(
            plan=plan, name=data["name"], segments=_segments(data["segments"]), actor=request.user
        )
    except SoldeError as exc:
        errors = field_errors(request, exc)
        return _plans_page(request, form=str(plan.public_id), data=data, errors=errors)
    messages.success(request, _("Plan saved."))
    return redirect(_plans_url(request, plan))


@require_POST
@company_page(ACT)
def reminder_plan_delete(request, plan):
    plan = _plan(request, plan)
    try:
        services.plan_delete(plan=plan, actor=request.user)
    except SoldeError as exc:
        messages.error(request, exc.message)
        return redirect(_plans_url(request, plan))
    messages.success(request, _("Plan %(name)s deleted.") % {"name": plan.name})
    return redirect(_plans_url(request))


@require_POST
@company_page(Action.MANAGE_COMPANY)
def reminder_plan_default(request, plan):
    """Which plan is the default is a reminder setting: owners choose it, as on the
    settings page (services.reminder_settings_set moves it)."""
    plan = _plan(request, plan)
    try:
        services.reminder_settings_set(
            company=request.company, default_plan=plan, actor=request.user
        )
    except SoldeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is now the default plan.") % {"name": plan.name})
    return redirect(_plans_url(request, plan))


@require_POST
@company_page(ACT)
def reminder_step_delete(request, plan, step):
    plan = _plan(request, plan)
    step = _step(plan, step)
    try:
        services.step_delete(step=step, actor=request.user)
    except SoldeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Step %(name)s deleted.") % {"name": step.name})
    return redirect(_plans_url(request, plan))


# -- steps ------------------------------------------------------------------------------------


def _data(step: ReminderStep | None) -> dict:
    """The form's values: the step's, or a new step's defaults."""
    if step is None:
        data = {"name": "", "offset_days": "", "channel": "email", "tone": "friendly"}
        data.update({flag: False for flag in FLAGS})
        data.update({f"{part}_{lang}": "" for lang, _l in LANGUAGES for part in PARTS})
        return data
    data = {name: getattr(step, name) for name in ("name", "offset_days", "channel", "tone")}
    data.update({flag: getattr(step, flag) for flag in FLAGS})
    for lang, _label in LANGUAGES:
        for part in PARTS:
            data[f"{part}_{lang}"] = (step.texts.get(lang) or {}).get(part, "")
    return data


def _posted(post) -> dict:
    data = {name: post.get(name, "").strip() for name in ("name", "offset_days", "channel", "tone")}
    data.update({flag: bool(post.get(flag)) for flag in FLAGS})
    for lang, _label in LANGUAGES:
        for part in PARTS:
            data[f"{part}_{lang}"] = post.get(f"{part}_{lang}", "")
    return data


def _wording(data: dict) -> dict:
    """The languages with something typed; a half-written one is refused by step_save."""
    out = {}
    for lang, _label in LANGUAGES:
        subject, body = data[f"subject_{lang}"], data[f"body_{lang}"]
        if subject.strip() or body.strip():
            out[lang] = {"subject": subject, "body": body}
    return out


def _located(exc: SoldeError, wording: dict) -> SoldeError:
    """step_save names "subject", "body" or "texts": point at the language's input."""
    if exc.field in PARTS:
        for lang, text in wording.items():
            if texts.unknown_placeholders(text[exc.field]):
                return ValidationError(exc.message, field=f"{exc.field}_{lang}")
    if exc.field == "texts":
        for lang, text in wording.items():
            for part in PARTS:
                if not text[part].strip():
                    return ValidationError(exc.message, field=f"{part}_{lang}")
        return ValidationError(exc.message, field="subject_fr")
    return exc


def _save(request, plan, step, data) -> ReminderStep:
    try:
        offset = int(data["offset_days"])
    except ValueError as exc:
        raise ValidationError(_("Enter a number of days."), field="offset_days") from exc
    return services.step_save(
        plan=plan,
        step=step,
        name=data["name"],
        offset_days=offset,
        channel=data["channel"],
        tone=data["tone"],
        wording=_wording(data),
        actor=request.user,
        **{flag: data[flag] for flag in FLAGS},
    )


def _customer(request, choices):
    ref = request.POST.get("customer") or request.GET.get("customer")
    if ref:
        try:
            return customer_get(company=request.company, ref=ref)
        except NotFound:
            return None
    return choices[0] if choices else None


def _step_form(request, plan: ReminderPlan, step: ReminderStep | None):
    """GET: the step and a preview. POST: save it, or (with `preview`) only preview
    what was typed."""
    data, errors = _data(step), {}
    wording = step.texts if step else {}
    if request.method == "POST":
        data = _posted(request.POST)
        wording = _wording(data)
        if not request.POST.get("preview"):
            try:
                saved = _save(request, plan, step, data)
                messages.success(request, _("Step %(name)s saved.") % {"name": saved.name})
                return redirect(
                    "reminder_step_edit", request.company.slug, plan.public_id, saved.pk
                )
            except SoldeError as exc:
                errors = field_errors(request, _located(exc, wording))
    choices = list(preview_customers(company=request.company))
    customer = _customer(request, choices)
    previews = []
    if customer is not None and wording:
        previews = step_preview(
            company=request.company,
            customer=customer,
            wording=wording,
            with_late_fees=bool(data["with_late_fees"]),
            today=clock.today(),
        )
    context = {
        "plan": plan,
        "step": step,
        "data": data,
        "errors": errors,
        "languages": LANGUAGES,
        "channels": list(labels.CHANNELS.items()),
        "tones": list(labels.TONES.items()),
        "placeholders": [(f"{{{name}}}", labels.PLACEHOLDERS[name]) for name in PLACEHOLDERS],
        "customers": choices,
        "customer": customer,
        "previews": previews,
    }
    template = "reminders/_preview.html" if request.htmx else "reminders/step_edit.html"
    return render(request, template, context, status=422 if errors else 200)


@company_page(ACT)
def reminder_step_new(request, plan):
    return _step_form(request, _plan(request, plan), None)


@company_page()
def reminder_step_edit(request, plan, step):
    """Everyone may read a step and preview it; saving it takes ACT."""
    plan = _plan(request, plan)
    saving = request.method == "POST" and not request.POST.get("preview")
    if saving and not can(request.role, ACT):
        raise PermissionDenied(f"Your role does not allow: {ACT.value}.")
    return _step_form(request, plan, _step(plan, step))
