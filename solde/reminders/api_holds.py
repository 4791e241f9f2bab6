"""What holds an invoice's reminders, over the REST API: promises to pay, payment plans
(instalments) and disputes. Thin views over solde.reminders.services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import CompanyViewSet, NumberText, PartySerializer
from solde.companies.models import Membership
from solde.core.errors import ValidationError
from solde.core.money import format_amount
from solde.customers.queries import customer_get
from solde.invoicing.queries import invoice_get
from solde.reminders import services
from solde.reminders.api import CHASE
from solde.reminders.queries import dispute_list, payment_plan_list, promise_list

# -- output -----------------------------------------------------------------------------------


class InvoiceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()


def _currency(row) -> str:
    """A promise or a plan is in its invoices' currency (they keep no currency of their own)."""
    invoices = row.invoices.all()
    return invoices[0].currency if invoices else row.company.currency


class HoldSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    customer = PartySerializer()
    invoices = InvoiceRefSerializer(many=True)
    currency = serializers.SerializerMethodField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_currency(self, row) -> str:
        return _currency(row)


class PromiseSerializer(HoldSerializer):
    promised_date = serializers.DateField()
    amount = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="open, kept, broken or cancelled")

    def get_amount(self, promise) -> str:
        return format_amount(promise.amount, _currency(promise))


class InstalmentSerializer(serializers.Serializer):
    due_date = serializers.DateField()
    amount = serializers.CharField()


class PaymentPlanSerializer(HoldSerializer):
    start_date = serializers.DateField()
    status = serializers.CharField(help_text="active, completed, broken or cancelled")
    instalments = serializers.SerializerMethodField()

    def get_instalments(self, plan) -> InstalmentSerializer(many=True):
        currency = _currency(plan)
        rows = [
            {"due_date": row.due_date, "amount": format_amount(row.amount, currency)}
            for row in plan.instalments.all()
        ]
        return InstalmentSerializer(rows, many=True).data


class DisputeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    invoice = InvoiceRefSerializer()
    reason = serializers.CharField()
    owner = serializers.EmailField(
        source="owner.email", default=None, help_text="the member who follows it up"
    )
    opened_on = serializers.DateField()
    resolved_on = serializers.DateField(allow_null=True, help_text="null: still open")
    resolution = serializers.CharField()


# -- input ------------------------------------------------------------------------------------


class HoldInput(serializers.Serializer):
    customer = serializers.CharField(help_text="customer id or code")
    invoices = serializers.ListField(
        child=serializers.CharField(), help_text="invoice ids or numbers, the customer's open ones"
    )
    note = serializers.CharField(required=False, allow_blank=True)


class PromiseInput(HoldInput):
    promised_date = serializers.DateField(help_text="today or later")
    amount = NumberText(required=False, help_text="default: what the invoices leave to pay")


class InstalmentInput(serializers.Serializer):
    due_date = serializers.DateField()
    amount = NumberText()


class PaymentPlanInput(HoldInput):
    instalments = InstalmentInput(many=True)


class DisputeInput(serializers.Serializer):
    invoice = serializers.CharField(help_text="invoice id or number")
    reason = serializers.CharField()
    owner = serializers.EmailField(
        required=False, help_text="email of the member of the company who follows it up"
    )


class ResolveInput(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True, help_text="how the dispute ended")


class CustomerFilter(serializers.Serializer):
    customer = serializers.CharField(required=False, help_text="customer id or code")


class DisputeFilter(serializers.Serializer):
    open = serializers.BooleanField(required=False, help_text="true: only unresolved disputes")


# -- views ------------------------------------------------------------------------------------


class HoldViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Lists filtered by customer; a new hold names its customer and invoices by reference."""

    default_write_action = CHASE

    def rows(self, customer=None):
        raise NotImplementedError

    def get_queryset(self):
        return self.rows().select_related("company")

    def list(self, request, *args, **kwargs):
        ref = self.query(CustomerFilter).get("customer")
        customer = customer_get(company=self.company, ref=ref) if ref else None
        page = self.paginate_queryset(self.rows(customer).select_related("company"))
        return self.get_paginated_response(self.get_serializer_class()(page, many=True).data)

    def parties(self, data: dict) -> dict:
        """The customer and invoices named in `data`, found in the request company."""
        return {
            "customer": customer_get(company=self.company, ref=data.pop("customer")),
            "invoices": [invoice_get(company=self.company, ref=r) for r in data.pop("invoices")],
        }

    def created(self, row) -> Response:
        fresh = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer_class()(fresh).data, status=201)


@extend_schema_view(list=extend_schema(parameters=[CustomerFilter]))
class PromiseViewSet(HoldViewSet):
    """Promises to pay some invoices by a date: their reminders wait until then; a date
    passed unpaid breaks the promise and the plan resumes with its next step."""

    serializer_class = PromiseSerializer

    def rows(self, customer=None):
        return promise_list(company=self.company, customer=customer)

    @extend_schema(request=PromiseInput, responses={201: PromiseSerializer})
    def create(self, request):
        data = self.body(PromiseInput)
        promise = services.promise_record(**self.parties(data), actor=request.user, **data)
        return self.created(promise)


@extend_schema_view(list=extend_schema(parameters=[CustomerFilter]))
class PaymentPlanViewSet(HoldViewSet):
    """Instalments agreed for some invoices: reminders wait while each is paid by its
    date; the first one missed resumes the plan with its next step."""

    serializer_class = PaymentPlanSerializer

    def rows(self, customer=None):
        return payment_plan_list(company=self.company, customer=customer)

    @extend_schema(request=PaymentPlanInput, responses={201: PaymentPlanSerializer})
    def create(self, request):
        data = self.body(PaymentPlanInput)
        instalments = [(row["due_date"], row["amount"]) for row in data.pop("instalments")]
        plan = services.payment_plan_record(
            **self.parties(data), instalments=instalments, actor=request.user, **data
        )
        return self.created(plan)


@extend_schema_view(list=extend_schema(parameters=[DisputeFilter]))
class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Disputed invoices: their reminders stop until the dispute is resolved."""

    serializer_class = DisputeSerializer
    default_write_action = CHASE

    def get_queryset(self):
        return dispute_list(company=self.company)

    def list(self, request, *args, **kwargs):
        open_only = self.query(DisputeFilter).get("open", False)
        page = self.paginate_queryset(dispute_list(company=self.company, open_only=open_only))
        return self.get_paginated_response(DisputeSerializer(page, many=True).data)

    def _owner(self, email: str | None):
        if not email:
            return None
        member = (
            Membership.objects.filter(company=self.company, user__email__iexact=email.strip())
            .select_related("user")
            .first()
        )
        if member is None:
            raise ValidationError(_("No member of the company has this email."), field="owner")
        return member.user

    @extend_schema(request=DisputeInput, responses={201: DisputeSerializer})
    def create(self, request):
        data = self.body(DisputeInput)
        dispute = services.dispute_open(
            invoice=invoice_get(company=self.company, ref=data["invoice"]),
            reason=data["reason"],
            owner=self._owner(data.get("owner")),
            actor=request.user,
        )
        return Response(DisputeSerializer(self.get_queryset().get(pk=dispute.pk)).data, status=201)

    @extend_schema(
        request=ResolveInput,
        responses=DisputeSerializer,
        description="Close the dispute; the invoice's reminders resume where they were.",
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, id=None):
        resolution = self.body(ResolveInput)["resolution"]
        dispute = services.dispute_resolve(
            dispute=self.get_object(), resolution=resolution, actor=request.user
        )
        return Response(DisputeSerializer(self.get_queryset().get(pk=dispute.pk)).data)
