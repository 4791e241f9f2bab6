"""Reminder plans (made, changed, deleted) and their steps over the REST API: thin views
over solde.reminders.services and queries. Which plan is the default is a reminder
setting (services.reminder_settings_set), so only owners move it, as on the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import CompanyViewSet
from solde.api.permissions import request_role
from solde.core.errors import ValidationError
from solde.core.roles import Action, can
from solde.reminders import services
from solde.reminders.api import CHANNELS, CHASE
from solde.reminders.models import TONES, ReminderStep
from solde.reminders.plans import STEP_COPIED
from solde.reminders.queries import plan_get, plan_list

STEP_FIELDS = STEP_COPIED  # what a step is made of, in the API as when a plan is copied


class WordingSerializer(serializers.Serializer):
    subject = serializers.CharField()
    body = serializers.CharField(help_text="placeholders in braces: {customer}, {invoices}…")


class ReminderStepSerializer(serializers.Serializer):
    # Steps have no UUID of their own (no public_id on ReminderStep): addressed by their
    # key, always through the request company's plans.
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    offset_days = serializers.IntegerField(help_text="days from the due date; negative: before")
    channel = serializers.CharField(help_text="email, letter or task")
    tone = serializers.CharField(help_text=", ".join(TONES))
    attach_invoices = serializers.BooleanField()
    attach_statement = serializers.BooleanField()
    with_late_fees = serializers.BooleanField(help_text="claim L441-10 interest and the indemnity")
    texts = serializers.DictField(child=WordingSerializer(), help_text="per language: fr, en")


class ReminderPlanSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    is_default = serializers.BooleanField()
    segments = serializers.ListField(
        child=serializers.CharField(), help_text="customer segments that follow this plan"
    )
    steps = ReminderStepSerializer(many=True)
    created_at = serializers.DateTimeField()


class WordingInput(serializers.Serializer):
    subject = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)


class ReminderStepInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    offset_days = serializers.IntegerField()
    channel = serializers.ChoiceField(CHANNELS)
    tone = serializers.ChoiceField(TONES)
    attach_invoices = serializers.BooleanField(default=False)
    attach_statement = serializers.BooleanField(default=False)
    with_late_fees = serializers.BooleanField(default=False)
    texts = serializers.DictField(
        child=WordingInput(), help_text="per language (fr, en): replaces every wording"
    )


SEGMENTS_HELP = "customer segments that follow this plan; a segment follows one plan only"


class ReminderPlanInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    segments = serializers.ListField(
        child=serializers.CharField(allow_blank=True), default=list, help_text=SEGMENTS_HELP
    )
    copy_from = serializers.UUIDField(
        required=False, allow_null=True, help_text="a plan whose steps the new plan starts with"
    )


class ReminderPlanChange(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    segments = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, help_text=SEGMENTS_HELP
    )
    is_default = serializers.BooleanField(
        required=False,
        help_text="true: make it the company's default plan (owners only, as the settings)",
    )


class ReminderPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Plans of reminders, each with its steps in order of days from the due date. A
    customer follows its own plan, else its segment's, else the default one.

    POST makes a plan (copy_from: starting with a copy of another plan's steps); PATCH
    renames it, changes its segments or, for owners, makes it the default; DELETE is
    refused (409) for the default plan and a plan reminders were sent through."""

    serializer_class = ReminderPlanSerializer
    default_write_action = CHASE

    def get_queryset(self):
        return plan_list(company=self.company)

    def _render(self, plan, status: int = 200) -> Response:
        fresh = plan_get(company=self.company, ref=plan.public_id)
        return Response(ReminderPlanSerializer(fresh).data, status=status)

    @extend_schema(request=ReminderPlanInput, responses={201: ReminderPlanSerializer})
    def create(self, request):
        data = self.body(ReminderPlanInput)
        source = data.pop("copy_from", None)
        plan = services.plan_create(
            company=self.company,
            copy_from=plan_get(company=self.company, ref=source) if source else None,
            actor=request.user,
            **data,
        )
        return self._render(plan, status=201)

    @extend_schema(
        request=ReminderPlanChange,
        responses=ReminderPlanSerializer,
        description="Rename the plan, choose its segments, or make it the default (owners).",
    )
    def partial_update(self, request, id=None):
        plan = self.get_object()
        data = self.body(ReminderPlanChange)
        default = data.pop("is_default", None)
        if default and not can(request_role(request), Action.MANAGE_COMPANY):
            raise exceptions.PermissionDenied(_("Only owners choose the default plan."))
        if default is False and plan.is_default:
            raise ValidationError(_("Make another plan the default instead."), field="is_default")
        if data:
            services.plan_update(
                plan=plan,
                name=data.get("name", plan.name),
                segments=data.get("segments", plan.segments),
                actor=request.user,
            )
        if default:
            services.reminder_settings_set(
                company=self.company, default_plan=plan, actor=request.user
            )
        return self._render(plan)

    @extend_schema(
        responses={204: None},
        description="409 for the default plan and for a plan reminders were sent through.",
    )
    def destroy(self, request, id=None):
        services.plan_delete(plan=self.get_object(), actor=request.user)
        return Response(status=204)

    @extend_schema(request=ReminderStepInput, responses={201: ReminderStepSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, id=None):
        data = self.body(ReminderStepInput)
        step = services.step_save(
            plan=self.get_object(), wording=data.pop("texts"), actor=request.user, **data
        )
        return Response(ReminderStepSerializer(step).data, status=201)


class ReminderStepViewSet(mixins.RetrieveModelMixin, CompanyViewSet):
    """One step of a plan; a change is checked as a new step is (placeholders, one step
    per day). PATCH keeps what it does not name."""

    serializer_class = ReminderStepSerializer
    default_write_action = CHASE
    lookup_field = "pk"

    def get_queryset(self):
        return ReminderStep.objects.filter(plan__company=self.company).select_related("plan")

    @extend_schema(request=ReminderStepInput, responses=ReminderStepSerializer)
    def update(self, request, id=None, partial: bool = False):
        step = self.get_object()
        data = {field: getattr(step, field) for field in STEP_FIELDS}
        data.update(self.body(ReminderStepInput, partial=partial))
        step = services.step_save(
            plan=step.plan, step=step, wording=data.pop("texts"), actor=request.user, **data
        )
        return Response(ReminderStepSerializer(step).data)

    @extend_schema(request=ReminderStepInput, responses=ReminderStepSerializer)
    def partial_update(self, request, id=None):
        return self.update(request, id, partial=True)

    @extend_schema(responses={204: None}, description="409 once a reminder was sent for it.")
    def destroy(self, request, id=None):
        services.step_delete(step=self.get_object(), actor=request.user)
        return Response(status=204)
