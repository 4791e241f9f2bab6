"""Reminders sent and planned, and each customer's reminder settings over the REST API:
thin views over solde.reminders.services and queries.

Plans and their steps are in api_plans.py; promises, payment plans and disputes (what
holds reminders) in api_holds.py.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, PartySerializer
from solde.core import clock
from solde.core.money import format_amount
from solde.core.roles import Action
from solde.customers.models import Customer
from solde.customers.queries import customer_get
from solde.invoicing.api import InvoiceDetailSerializer
from solde.invoicing.queries import invoice_get
from solde.reminders import services
from solde.reminders.latefee_invoice import latefee_invoice_create
from solde.reminders.models import CHANNEL_CHOICES, Reminder
from solde.reminders.queries import (
    customer_reminders_get,
    next_working_day,
    plan_get,
    planned_list,
    reminder_get,
    reminder_list,
)

# Who chases customers: owners, accountants and sales people, with the same action as
# the reminder pages (views.ACT); viewers and read keys only read.
CHASE = Action.MANAGE_CUSTOMERS
CHANNELS = [channel for channel, _ in CHANNEL_CHOICES]

# -- reminders --------------------------------------------------------------------------------


class ReminderLineSerializer(serializers.Serializer):
    invoice = serializers.CharField(help_text="invoice number")
    invoice_id = serializers.UUIDField()
    balance = serializers.CharField(help_text="what was left to pay on the day")
    days_overdue = serializers.IntegerField(help_text="negative: days before the due date")
    interest = serializers.CharField()
    indemnity = serializers.CharField()


class EmailStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField(help_text="queued, sending, sent or failed")
    to = serializers.ListField(child=serializers.CharField())
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)


class ReminderSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    customer = PartySerializer()
    step = serializers.CharField(source="step.name")
    step_id = serializers.IntegerField()
    run_date = serializers.DateField()
    channel = serializers.CharField(help_text="email, letter or task")
    status = serializers.CharField(
        help_text="queued: given to the outbox; open: waits for a person; done"
    )
    currency = serializers.CharField()
    total_due = AmountField()
    late_fees = AmountField()
    invoices = serializers.SerializerMethodField()
    email_status = serializers.CharField(
        source="email.status", default=None, help_text="null: not sent by email"
    )

    def get_invoices(self, reminder) -> list[str]:
        return [line.invoice.number for line in reminder.lines.all()]


class ReminderDetailSerializer(ReminderSerializer):
    """A reminder with its text as it was sent."""

    language = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    lines = serializers.SerializerMethodField()
    email = EmailStatusSerializer(allow_null=True)
    assignee = serializers.EmailField(source="assignee.email", default=None)
    done_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_lines(self, reminder) -> ReminderLineSerializer(many=True):
        money = reminder.currency
        rows = [
            {
                "invoice": line.invoice.number,
                "invoice_id": line.invoice.public_id,
                "balance": format_amount(line.balance, money),
                "days_overdue": line.days_overdue,
                "interest": format_amount(line.interest, money),
                "indemnity": format_amount(line.indemnity, money),
            }
            for line in reminder.lines.all()
        ]
        return ReminderLineSerializer(rows, many=True).data


class PlannedInvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    balance = serializers.CharField()
    days_overdue = serializers.IntegerField()
    late_fee = serializers.CharField(help_text="interest and indemnity")


class PlannedMessageSerializer(serializers.Serializer):
    """One message as `solde remind --json` prints it."""

    customer_code = serializers.CharField()
    step = serializers.CharField()
    channel = serializers.CharField()
    invoices = PlannedInvoiceSerializer(many=True)
    total_due = serializers.CharField()
    late_fees = serializers.CharField()
    to = serializers.ListField(child=serializers.CharField(), help_text="empty for a task")


class PlannedSerializer(serializers.Serializer):
    date = serializers.DateField()
    messages = PlannedMessageSerializer(many=True)


class ReminderFilter(serializers.Serializer):
    customer = serializers.CharField(required=False, help_text="customer id or code")
    invoice = serializers.CharField(required=False, help_text="invoice id or number")
    status = serializers.ChoiceField([s for s, _ in Reminder.STATUS_CHOICES], required=False)
    channel = serializers.ChoiceField(CHANNELS, required=False)
    since = serializers.DateField(required=False, help_text="run on or after this day")


class PlannedFilter(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="default: the next working day")


@extend_schema_view(list=extend_schema(parameters=[ReminderFilter]))
class ReminderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Reminders sent (and tasks for a person), newest first, with their text as sent."""

    default_write_action = CHASE
    write_actions = {"latefee_invoice": Action.WRITE_INVOICES}

    def get_queryset(self):
        return reminder_list(company=self.company).select_related("assignee")

    def get_serializer_class(self):
        return ReminderSerializer if self.action == "list" else ReminderDetailSerializer

    def list(self, request, *args, **kwargs):
        found = self.query(ReminderFilter)
        customer, invoice = found.get("customer"), found.get("invoice")
        rows = reminder_list(
            company=self.company,
            customer=customer_get(company=self.company, ref=customer) if customer else None,
            invoice=invoice_get(company=self.company, ref=invoice) if invoice else None,
            status=found.get("status"),
        )
        if found.get("channel"):
            rows = rows.filter(channel=found["channel"])
        if found.get("since"):
            rows = rows.filter(run_date__gte=found["since"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReminderSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses=ReminderDetailSerializer,
        description="A task (or a reminder to send by hand) is done; 409 unless it is open.",
    )
    @action(detail=True, methods=["post"])
    def done(self, request, id=None):
        reminder = services.task_done(reminder=self.get_object(), actor=request.user)
        fresh = reminder_get(company=self.company, ref=reminder.public_id)
        return Response(ReminderDetailSerializer(fresh).data)

    @extend_schema(
        parameters=[PlannedFilter],
        responses=PlannedSerializer,
        description="What the run of that day would send, as things stand now; writes nothing.",
    )
    @action(detail=False, methods=["get"])
    def planned(self, request):
        day = self.query(PlannedFilter).get("date") or next_working_day(self.company, clock.today())
        messages = [m.as_dict() for m in planned_list(company=self.company, day=day)]
        return Response(PlannedSerializer({"date": day, "messages": messages}).data)

    @extend_schema(
        request=None,
        responses={201: InvoiceDetailSerializer},
        description="Draft the invoice of the late fees the reminder claimed (interest and "
        "fixed indemnity per invoice, outside the scope of VAT), to review and issue; 409 "
        "when already invoiced or when it claims none.",
    )
    @action(detail=True, methods=["post"], url_path="latefee-invoice")
    def latefee_invoice(self, request, id=None):
        invoice = latefee_invoice_create(reminder=self.get_object(), actor=request.user)
        fresh = invoice_get(company=self.company, ref=str(invoice.public_id))
        return Response(InvoiceDetailSerializer(fresh).data, status=201)


# -- one customer's settings ------------------------------------------------------------------


class ReminderPlanRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class CustomerRemindersSerializer(serializers.Serializer):
    customer = PartySerializer()
    plan = ReminderPlanRefSerializer(
        allow_null=True, help_text="null: its segment's plan or the default"
    )
    excluded = serializers.BooleanField(help_text="never reminded")
    paused = serializers.BooleanField()
    pause_reason = serializers.CharField()


class CustomerRemindersInput(serializers.Serializer):
    plan = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="the plan this customer follows; null: its segment's plan or the default",
    )
    excluded = serializers.BooleanField(required=False)
    paused = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, help_text="why paused")


CUSTOMER_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class CustomerRemindersViewSet(CompanyViewSet):
    """How one customer is reminded. Registered under the customer's own URL
    (/customers/{id}/reminders/), the customer addressed by its UUID."""

    model = Customer
    pagination_class = None
    default_write_action = CHASE

    def _render(self, customer) -> Response:
        row = customer_reminders_get(customer)
        return Response(CustomerRemindersSerializer(row).data)

    @extend_schema(methods=["GET"], parameters=[CUSTOMER_ID], responses=CustomerRemindersSerializer)
    @extend_schema(
        methods=["PATCH"],
        parameters=[CUSTOMER_ID],
        request=CustomerRemindersInput,
        responses=CustomerRemindersSerializer,
        description="Choose the plan (null: back to its segment's plan or the default), "
        "exclude, or pause (with a reason) and resume.",
    )
    @action(detail=False, methods=["get", "patch"])
    def reminders(self, request, id=None):
        customer = self.get_object()
        if request.method == "PATCH":
            data = self.body(CustomerRemindersInput)
            if "plan" in data and data["plan"] is None:
                del data["plan"]
                data["follow_default"] = True
            elif "plan" in data:
                data["plan"] = plan_get(company=self.company, ref=data["plan"])
            services.customer_reminders_set(customer=customer, actor=request.user, **data)
            customer = self.get_object()
        return self._render(customer)
