"""Recurring invoices over the REST API: thin views over the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, PartySerializer
from solde.core import clock
from solde.core.money import format_amount
from solde.core.roles import Action
from solde.customers.queries import customer_get
from solde.invoicing.api import LineInput
from solde.invoicing.models import Invoice
from solde.recurring import services
from solde.recurring.models import RecurringInvoice, RecurringLine
from solde.recurring.queries import (
    STATUSES,
    display_status,
    occurrence_list,
    recurring_get,
    recurring_list,
)

# -- output -----------------------------------------------------------------------------------


class RecurringLineSerializer(serializers.ModelSerializer):
    """A line; its net with the currency's decimals, prices and quantities as stored."""

    net_amount = serializers.SerializerMethodField()

    class Meta:
        model = RecurringLine
        fields = [
            "description",
            "quantity",
            "unit",
            "unit_price",
            "discount_percent",
            "vat_category",
            "vat_rate",
            "exemption_reason",
            "net_amount",
        ]

    def get_net_amount(self, line) -> str:
        return format_amount(line.net_amount, self.context["currency"])


class OccurrenceInvoiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")

    class Meta:
        model = Invoice
        fields = ["id", "number", "state"]


class OccurrenceSerializer(serializers.Serializer):
    date = serializers.DateField()
    invoice = OccurrenceInvoiceSerializer(allow_null=True, help_text="null: not invoiced yet")
    noticed_on = serializers.DateField(allow_null=True, help_text="when the renewal notice went")


class RecurringSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = PartySerializer()
    status = serializers.SerializerMethodField()
    total_excl_tax = AmountField()
    total = AmountField()

    class Meta:
        model = RecurringInvoice
        fields = [
            "id",
            "name",
            "customer",
            "status",
            "currency",
            "nature",
            "frequency",
            "day_of_month",
            "start_date",
            "end_date",
            "next_date",
            "mode",
            "notice_days",
            "total_excl_tax",
            "total",
            "notes",
            "last_error",
            "created_at",
        ]

    def get_status(self, template) -> str:
        """active, paused, or ended (active, with no occurrence left)."""
        return display_status(template)


class RecurringDetailSerializer(RecurringSerializer):
    lines = serializers.SerializerMethodField()
    occurrences = serializers.SerializerMethodField()

    class Meta(RecurringSerializer.Meta):
        fields = [*RecurringSerializer.Meta.fields, "lines", "occurrences"]

    def get_lines(self, template) -> RecurringLineSerializer(many=True):
        context = {"currency": template.currency}
        return RecurringLineSerializer(template.lines.all(), many=True, context=context).data

    def get_occurrences(self, template) -> OccurrenceSerializer(many=True):
        return OccurrenceSerializer(occurrence_list(template=template)[:200], many=True).data


# -- input ------------------------------------------------------------------------------------


class RecurringUpdateInput(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    lines = LineInput(many=True, required=False, help_text="replace all the lines")
    currency = serializers.CharField(required=False, max_length=3)
    nature = serializers.ChoiceField(["services", "goods", "mixed"], required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    frequency = serializers.ChoiceField(RecurringInvoice.FREQUENCY_CHOICES, required=False)
    day_of_month = serializers.IntegerField(
        required=False, min_value=1, max_value=31, help_text="31: the month's last day"
    )
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True, help_text="null: no end")
    mode = serializers.ChoiceField(
        RecurringInvoice.MODE_CHOICES,
        required=False,
        help_text="issue_and_send: issue and email each invoice; draft: leave drafts",
    )
    notice_days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=services.MAX_NOTICE_DAYS,
        help_text="days before each renewal to email the customer; 0: no notice",
    )


class RecurringCreateInput(RecurringUpdateInput):
    customer = serializers.CharField(help_text="customer id or code")
    name = serializers.CharField(max_length=200)
    lines = LineInput(many=True)
    start_date = serializers.DateField()


class RecurringFilter(serializers.Serializer):
    status = serializers.ChoiceField(list(STATUSES), required=False)
    customer = serializers.CharField(required=False, help_text="customer id or code")


# -- views ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[RecurringFilter]))
class RecurringInvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Templates that invoice themselves on a schedule (monthly, quarterly or yearly, on a
    day of the month): each occurrence is issued and emailed, or left as a draft. The
    first occurrence is the first on or after both the start date and the day it is made;
    periods missed while the service was down are invoiced on its next run."""

    model = RecurringInvoice
    default_write_action = Action.WRITE_INVOICES

    def get_queryset(self):
        return super().get_queryset().select_related("customer")

    def get_serializer_class(self):
        return RecurringSerializer if self.action == "list" else RecurringDetailSerializer

    def list(self, request, *args, **kwargs):
        found = self.query(RecurringFilter)
        customer = found.get("customer")
        rows = recurring_list(
            company=self.company,
            status=found.get("status", ""),
            customer=customer_get(company=self.company, ref=customer) if customer else None,
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecurringSerializer(page, many=True).data)

    def _detail(self, template, status: int = 200) -> Response:
        fresh = recurring_get(company=self.company, ref=str(template.public_id))
        return Response(RecurringDetailSerializer(fresh).data, status=status)

    @extend_schema(request=RecurringCreateInput, responses={201: RecurringDetailSerializer})
    def create(self, request):
        data = self.body(RecurringCreateInput)
        customer = customer_get(company=self.company, ref=data.pop("customer"))
        template = services.recurring_create(
            company=self.company,
            customer=customer,
            today=clock.today(),
            actor=request.user,
            **data,
        )
        return self._detail(template, 201)

    @extend_schema(request=RecurringUpdateInput, responses=RecurringDetailSerializer)
    def partial_update(self, request, id=None):
        template = services.recurring_update(
            template=self.get_object(),
            today=clock.today(),
            actor=request.user,
            **self.body(RecurringUpdateInput),
        )
        return self._detail(template)

    @extend_schema(request=None, responses=RecurringDetailSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, id=None):
        template = services.recurring_pause(template=self.get_object(), actor=request.user)
        return self._detail(template)

    @extend_schema(request=None, responses=RecurringDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, id=None):
        template = services.recurring_resume(
            template=self.get_object(), today=clock.today(), actor=request.user
        )
        return self._detail(template)
