"""Payments, allocations and balances over the REST API."""

from __future__ import annotations

from collections import defaultdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, NumberText
from solde.core import clock
from solde.core.money import ZERO, format_amount
from solde.core.roles import Action
from solde.customers.models import Customer
from solde.customers.queries import customer_get
from solde.invoicing.api import PartySerializer, ReasonInput
from solde.invoicing.queries import invoice_get
from solde.payments import services
from solde.payments.models import Allocation, Payment
from solde.payments.queries import (
    allocation_list,
    customer_balances,
    invoices_as_of,
    payment_get,
    payment_list,
)


class AllocationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    invoice = serializers.CharField(source="invoice.number")
    invoice_id = serializers.UUIDField(source="invoice.public_id")
    payment_id = serializers.UUIDField(source="payment.public_id", default=None)
    credit_note = serializers.CharField(source="credit_note.number", default=None)
    amount = AmountField()

    class Meta:
        model = Allocation
        fields = [
            "id",
            "kind",
            "invoice",
            "invoice_id",
            "payment_id",
            "credit_note",
            "amount",
            "currency",
            "date",
            "how",
            "reason",
            "bad_debt",
            "undone_on",
            "undo_reason",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = PartySerializer()
    amount = AmountField()
    unallocated = AmountField()
    allocations = AllocationSerializer(many=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "customer",
            "date",
            "amount",
            "currency",
            "method",
            "payer_name",
            "payer_iban",
            "reference",
            "source",
            "unallocated",
            "cancelled_on",
            "cancel_reason",
            "allocations",
        ]


class PaymentInput(serializers.Serializer):
    amount = NumberText()
    date = serializers.DateField()
    currency = serializers.CharField(required=False, max_length=3)
    customer = serializers.CharField(required=False, help_text="customer id or code")
    invoices = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="invoice ids or numbers, paid in this order",
    )
    method = serializers.ChoiceField([m for m, _ in Payment.METHOD_CHOICES], default="transfer")
    payer_name = serializers.CharField(required=False, allow_blank=True)
    payer_iban = serializers.CharField(required=False, allow_blank=True)
    reference = serializers.CharField(required=False, allow_blank=True)
    write_off_difference = serializers.BooleanField(default=False)


class AllocateInput(serializers.Serializer):
    invoice = serializers.CharField(help_text="invoice id or number")
    amount = NumberText(required=False, help_text="default: as much as possible")


class UndoInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


def _input(request, serializer_class) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(parameters=[OpenApiParameter("customer", str, description="id or code")])
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    serializer_class = PaymentSerializer
    default_write_action = Action.RECORD_PAYMENTS

    def get_queryset(self):
        rows = payment_list(company=self.company).prefetch_related(
            "allocations__invoice", "allocations__credit_note", "allocations__payment"
        )
        ref = self.request.query_params.get("customer")
        if ref:
            rows = rows.filter(customer=customer_get(company=self.company, ref=ref))
        return rows

    def _detail(self, payment, status: int = 200) -> Response:
        return Response(
            PaymentSerializer(self.get_queryset().get(pk=payment.pk)).data, status=status
        )

    @extend_schema(request=PaymentInput, responses={201: PaymentSerializer})
    def create(self, request):
        data = _input(request, PaymentInput)
        ref = data.pop("customer", None)
        customer = customer_get(company=self.company, ref=ref) if ref else None
        invoices = [invoice_get(company=self.company, ref=r) for r in data.pop("invoices", [])]
        payment = services.payment_record(
            company=self.company,
            customer=customer,
            invoices=invoices,
            source="api",
            actor=request.user,
            **data,
        )
        return self._detail(payment, 201)

    @extend_schema(request=ReasonInput, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, id=None):
        payment = services.payment_cancel(
            payment=self.get_object(),
            actor=request.user,
            reason=_input(request, ReasonInput)["reason"],
        )
        return self._detail(payment)

    @extend_schema(request=AllocateInput, responses={201: AllocationSerializer})
    @action(detail=True, methods=["post"])
    def allocate(self, request, id=None):
        data = _input(request, AllocateInput)
        invoice = invoice_get(company=self.company, ref=data["invoice"])
        allocation = services.allocation_create(
            payment=self.get_object(),
            invoice=invoice,
            amount=data.get("amount"),
            actor=request.user,
        )
        return Response(AllocationSerializer(allocation).data, status=201)


@extend_schema(
    parameters=[
        OpenApiParameter("invoice", str, description="invoice id or number"),
        OpenApiParameter("payment", str, description="payment id"),
        OpenApiParameter("include_undone", bool),
    ]
)
class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    serializer_class = AllocationSerializer
    default_write_action = Action.RECORD_PAYMENTS

    def get_queryset(self):
        params = self.request.query_params
        rows = allocation_list(
            company=self.company, include_undone=params.get("include_undone") in {"true", "1"}
        )
        if params.get("invoice"):
            rows = rows.filter(invoice=invoice_get(company=self.company, ref=params["invoice"]))
        if params.get("payment"):
            rows = rows.filter(payment=payment_get(company=self.company, ref=params["payment"]))
        return rows.order_by("date", "id")

    @extend_schema(request=UndoInput, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, id=None):
        allocation = services.allocation_undo(
            allocation=self.get_object(),
            actor=request.user,
            reason=_input(request, UndoInput).get("reason", ""),
        )
        return Response(AllocationSerializer(allocation).data)


class CustomerBalanceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    receivable = serializers.CharField()
    credit = serializers.CharField()
    balance = serializers.CharField()


class TotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    receivable = serializers.CharField()
    credit = serializers.CharField()
    balance = serializers.CharField()


class BalancesSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    customers = CustomerBalanceSerializer(many=True)
    totals = TotalSerializer(many=True)


class InvoiceBalanceSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    customer = serializers.CharField(source="customer.code")
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    total = AmountField()
    balance = AmountField(source="balance_as_of")


AS_OF = OpenApiParameter("as_of", str, description="YYYY-MM-DD, end of that day; default today")


class BalanceViewSet(CompanyViewSet):
    """Balances at any date, from the allocations (never from cached values)."""

    serializer_class = BalancesSerializer
    pagination_class = None

    @extend_schema(parameters=[AS_OF], responses=BalancesSerializer)
    def list(self, request):
        day = self.query_date("as_of") or clock.today()
        rows = customer_balances(self.company, day)
        customers = {
            c.pk: c
            for c in Customer.objects.for_company(self.company)
            .filter(pk__in={r.customer_id for r in rows})
            .only("pk", "public_id", "code", "name")
        }
        totals: dict[str, list] = defaultdict(lambda: [ZERO, ZERO])
        out = []
        for row in rows:
            customer = customers[row.customer_id]
            totals[row.currency][0] += row.receivable
            totals[row.currency][1] += row.credit
            out.append(
                {
                    "id": customer.public_id,
                    "code": customer.code,
                    "name": customer.name,
                    **_amounts(row.currency, row.receivable, row.credit),
                }
            )
        return Response(
            BalancesSerializer(
                {
                    "as_of": day,
                    "customers": out,
                    "totals": [
                        _amounts(cur, rec, cred) for cur, (rec, cred) in sorted(totals.items())
                    ],
                }
            ).data
        )

    @extend_schema(
        parameters=[AS_OF, OpenApiParameter("customer", str)],
        responses=InvoiceBalanceSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=CompanyViewSet.pagination_class)
    def invoices(self, request):
        day = self.query_date("as_of") or clock.today()
        rows = (
            invoices_as_of(self.company, day)
            .select_related("customer")
            .order_by("issue_date", "id")
        )
        if request.query_params.get("customer"):
            rows = rows.filter(
                customer=customer_get(company=self.company, ref=request.query_params["customer"])
            )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(InvoiceBalanceSerializer(page, many=True).data)


def _amounts(currency: str, receivable, credit) -> dict:
    return {
        "currency": currency,
        "receivable": format_amount(receivable, currency),
        "credit": format_amount(credit, currency),
        "balance": format_amount(receivable - credit, currency),
    }
