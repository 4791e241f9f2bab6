"""Payments, allocations and balances over the REST API."""

from __future__ import annotations

from collections import defaultdict

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, NumberText, PartySerializer, ReasonInput
from solde.api.pagination import Pagination
from solde.core import clock
from solde.core.money import ZERO, format_amount
from solde.core.roles import Action
from solde.customers.models import Customer
from solde.customers.queries import customer_get
from solde.invoicing.queries import invoice_get
from solde.payments import services
from solde.payments.models import Payment
from solde.payments.queries import (
    allocation_list,
    customer_balances,
    invoices_as_of,
    payment_get,
    payment_list,
)


class AllocationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(help_text="payment, credit_note or write_off")
    invoice = serializers.CharField(source="invoice.number")
    invoice_id = serializers.UUIDField(source="invoice.public_id")
    payment_id = serializers.UUIDField(source="payment.public_id", default=None)
    credit_note = serializers.CharField(source="credit_note.number", default=None)
    credit_note_id = serializers.UUIDField(source="credit_note.public_id", default=None)
    amount = AmountField()
    currency = serializers.CharField()
    date = serializers.DateField()
    how = serializers.CharField(help_text="manual, auto or confirmed")
    reason = serializers.CharField()
    bad_debt = serializers.BooleanField()
    undone_on = serializers.DateField(help_text="in force until the day before")
    undo_reason = serializers.CharField()


class PaymentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = PartySerializer(allow_null=True)
    amount = AmountField()
    unallocated = AmountField(help_text="not yet allocated: the customer's credit")
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
            "created_at",
        ]


class PaymentInput(serializers.Serializer):
    amount = NumberText()
    date = serializers.DateField()
    currency = serializers.CharField(required=False, max_length=3)
    customer = serializers.CharField(
        required=False, help_text="customer id or code; default: the invoices' customer"
    )
    invoices = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="invoice ids or numbers, paid in this order; the rest stays as credit",
    )
    method = serializers.ChoiceField([m for m, _ in Payment.METHOD_CHOICES], default="transfer")
    payer_name = serializers.CharField(required=False, allow_blank=True)
    payer_iban = serializers.CharField(required=False, allow_blank=True)
    reference = serializers.CharField(required=False, allow_blank=True)
    write_off_difference = serializers.BooleanField(
        default=False, help_text="write off a small gap left on the last invoice"
    )


class AllocateInput(serializers.Serializer):
    invoice = serializers.CharField(help_text="invoice id or number")
    amount = NumberText(required=False, help_text="default: as much as possible")


class UndoInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class PaymentFilter(serializers.Serializer):
    customer = serializers.CharField(required=False, help_text="customer id or code")


class AllocationFilter(serializers.Serializer):
    invoice = serializers.CharField(required=False, help_text="invoice id or number")
    payment = serializers.UUIDField(required=False, help_text="payment id")
    include_undone = serializers.BooleanField(default=False)


@extend_schema_view(list=extend_schema(parameters=[PaymentFilter]))
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Payments received; what is not allocated to invoices is the customer's credit."""

    serializer_class = PaymentSerializer
    default_write_action = Action.RECORD_PAYMENTS

    def get_queryset(self):
        return payment_list(company=self.company).prefetch_related(
            "allocations__invoice", "allocations__credit_note", "allocations__payment"
        )

    def list(self, request, *args, **kwargs):
        ref = self.query(PaymentFilter).get("customer")
        rows = self.get_queryset()
        if ref:
            rows = rows.filter(customer=customer_get(company=self.company, ref=ref))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    def _detail(self, payment, status: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=payment.pk)
        return Response(PaymentSerializer(fresh).data, status=status)

    @extend_schema(request=PaymentInput, responses={201: PaymentSerializer})
    def create(self, request):
        data = self.body(PaymentInput)
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

    @extend_schema(
        request=ReasonInput,
        responses=PaymentSerializer,
        description="Bounced or recorded by mistake: its allocations are undone from today.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, id=None):
        payment = services.payment_cancel(
            payment=self.get_object(), reason=self.body(ReasonInput)["reason"], actor=request.user
        )
        return self._detail(payment)

    @extend_schema(
        request=AllocateInput,
        responses={201: AllocationSerializer},
        description="Use what is left of the payment (customer credit) on an invoice, today.",
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, id=None):
        payment = self.get_object()
        data = self.body(AllocateInput)
        invoice = invoice_get(company=self.company, ref=data["invoice"])
        allocation = services.allocation_create(
            payment=payment, invoice=invoice, amount=data.get("amount"), actor=request.user
        )
        return Response(AllocationSerializer(allocation).data, status=201)


@extend_schema_view(list=extend_schema(parameters=[AllocationFilter]))
class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """What settled each invoice: payments, credit notes applied and write-offs, dated.
    An undone allocation stays listed (with `include_undone`): past balances keep it."""

    serializer_class = AllocationSerializer
    default_write_action = Action.RECORD_PAYMENTS

    def get_queryset(self):
        return allocation_list(company=self.company).order_by("date", "id")

    def list(self, request, *args, **kwargs):
        found = self.query(AllocationFilter)
        rows = allocation_list(company=self.company, include_undone=found["include_undone"])
        if found.get("invoice"):
            rows = rows.filter(invoice=invoice_get(company=self.company, ref=found["invoice"]))
        if found.get("payment"):
            payment = payment_get(company=self.company, ref=str(found["payment"]))
            rows = rows.filter(payment=payment)
        page = self.paginate_queryset(rows.order_by("date", "id"))
        return self.get_paginated_response(AllocationSerializer(page, many=True).data)

    @extend_schema(
        request=UndoInput,
        responses=AllocationSerializer,
        description="Undo from today on: balances at earlier dates keep it.",
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, id=None):
        allocation = services.allocation_undo(
            allocation=self.get_object(),
            reason=self.body(UndoInput).get("reason", ""),
            actor=request.user,
        )
        return Response(AllocationSerializer(allocation).data)


# -- balances ---------------------------------------------------------------------------------


class AmountsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    receivable = serializers.CharField(help_text="invoices issued less what settled them")
    credit = serializers.CharField(help_text="payments and credit notes not yet allocated")
    balance = serializers.CharField(help_text="receivable − credit")


class CustomerBalanceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    receivable = serializers.CharField()
    credit = serializers.CharField()
    balance = serializers.CharField()


class BalancesSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    customers = CustomerBalanceSerializer(many=True)
    totals = AmountsSerializer(many=True)


class InvoiceBalanceSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    kind = serializers.CharField()
    customer = PartySerializer()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    total = AmountField()
    balance = AmountField(source="balance_as_of", help_text="what was left to pay that day")


class AsOfFilter(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="end of that day; default today")


class InvoicesAsOfFilter(AsOfFilter):
    customer = serializers.CharField(required=False, help_text="customer id or code")


class BalanceViewSet(CompanyViewSet):
    """Balances at any date, from the allocations (never from cached values)."""

    serializer_class = BalancesSerializer
    pagination_class = None

    @extend_schema(parameters=[AsOfFilter], responses=BalancesSerializer)
    def list(self, request):
        day = self.query(AsOfFilter).get("as_of") or clock.today()
        rows = customer_balances(self.company, day)
        customers = (
            Customer.objects.for_company(self.company)
            .filter(pk__in={r.customer_id for r in rows})
            .only("pk", "public_id", "code", "name")
            .in_bulk()
        )
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
        out.sort(key=lambda r: (r["name"].lower(), r["code"], r["currency"]))
        total_rows = [_amounts(cur, rec, cred) for cur, (rec, cred) in sorted(totals.items())]
        body = {"as_of": day, "customers": out, "totals": total_rows}
        return Response(BalancesSerializer(body).data)

    @extend_schema(parameters=[InvoicesAsOfFilter], responses=InvoiceBalanceSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=Pagination)
    def invoices(self, request):
        found = self.query(InvoicesAsOfFilter)
        day = found.get("as_of") or clock.today()
        rows = invoices_as_of(self.company, day).select_related("customer")
        if found.get("customer"):
            rows = rows.filter(customer=customer_get(company=self.company, ref=found["customer"]))
        page = self.paginate_queryset(rows.order_by("issue_date", "id"))
        return self.get_paginated_response(InvoiceBalanceSerializer(page, many=True).data)


def _amounts(currency: str, receivable, credit) -> dict:
    return {
        "currency": currency,
        "receivable": format_amount(receivable, currency),
        "credit": format_amount(credit, currency),
        "balance": format_amount(receivable - credit, currency),
    }
