"""Invoices, deposits and credit notes over the REST API: thin views over the services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, NumberText
from solde.core.roles import Action
from solde.customers.queries import customer_get
from solde.invoicing import services
from solde.invoicing.models import Invoice, InvoiceLine, VatBreakdown
from solde.invoicing.queries import display_status, invoice_get, invoice_list
from solde.payments import services as payments

# -- output -----------------------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()


class LineSerializer(serializers.ModelSerializer):
    net_amount = AmountField(currency_attr="invoice_currency")

    class Meta:
        model = InvoiceLine
        fields = [
            "description",
            "quantity",
            "unit",
            "unit_price",
            "discount_percent",
            "discount_amount",
            "vat_category",
            "vat_rate",
            "exemption_reason",
            "net_amount",
        ]


class VatSerializer(serializers.ModelSerializer):
    taxable = AmountField(currency_attr="invoice_currency")
    tax = AmountField(currency_attr="invoice_currency")

    class Meta:
        model = VatBreakdown
        fields = ["category", "rate", "taxable", "tax"]


class SettlementSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    amount = AmountField()
    date = serializers.DateField()
    how = serializers.CharField()
    reason = serializers.CharField()
    undone_on = serializers.DateField()


class InvoiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = PartySerializer()
    status = serializers.SerializerMethodField()
    total_excl_tax = AmountField()
    total_tax = AmountField()
    total = AmountField()
    balance = AmountField()
    corrects = serializers.CharField(source="corrects.number", default=None)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "state",
            "status",
            "customer",
            "currency",
            "issue_date",
            "due_date",
            "sale_date",
            "nature",
            "total_excl_tax",
            "total_tax",
            "total",
            "balance",
            "disputed",
            "dispute_reason",
            "corrects",
            "notes",
            "created_at",
        ]

    def get_status(self, invoice) -> str:
        return display_status(invoice)

    def to_representation(self, invoice):
        data = super().to_representation(invoice)
        if invoice.is_draft:
            data["balance"] = data["total"]
        return data


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = serializers.SerializerMethodField()
    vat_breakdown = serializers.SerializerMethodField()
    allocations = serializers.SerializerMethodField()

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "vat_breakdown", "allocations"]

    def _with_currency(self, rows, invoice):
        rows = list(rows)
        for row in rows:
            row.invoice_currency = invoice.currency
        return rows

    def get_lines(self, invoice) -> LineSerializer(many=True):
        return LineSerializer(self._with_currency(invoice.lines.all(), invoice), many=True).data

    def get_vat_breakdown(self, invoice) -> VatSerializer(many=True):
        return VatSerializer(
            self._with_currency(invoice.vat_breakdown.all(), invoice), many=True
        ).data

    def get_allocations(self, invoice) -> SettlementSerializer(many=True):
        return SettlementSerializer(invoice.allocations.all(), many=True).data


# -- input ------------------------------------------------------------------------------------


class LineInput(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    quantity = NumberText(required=False)
    unit = serializers.CharField(required=False, max_length=3)
    unit_price = NumberText()
    discount_percent = NumberText(required=False)
    discount_amount = NumberText(required=False)
    vat_category = serializers.CharField(required=False, max_length=2)
    vat_rate = NumberText(required=False)
    exemption_reason = serializers.CharField(required=False, allow_blank=True)


class AllowanceChargeInput(serializers.Serializer):
    is_charge = serializers.BooleanField(default=False)
    amount = NumberText()
    reason = serializers.CharField(required=False, allow_blank=True)
    vat_category = serializers.CharField(required=False)
    vat_rate = NumberText(required=False)


class DraftInput(serializers.Serializer):
    lines = LineInput(many=True, required=False)
    allowance_charges = AllowanceChargeInput(many=True, required=False)
    issue_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    sale_date = serializers.DateField(required=False)
    nature = serializers.ChoiceField(["services", "goods", "mixed"], required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    payment_terms = serializers.CharField(required=False, allow_blank=True)
    purchase_order = serializers.CharField(required=False, allow_blank=True)
    buyer_reference = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(required=False, max_length=3)


class InvoiceCreateInput(DraftInput):
    customer = serializers.CharField(help_text="customer id or code")
    kind = serializers.ChoiceField(["invoice", "deposit"], default="invoice")
    lines = LineInput(many=True)
    issue = serializers.BooleanField(default=False, help_text="issue at once")


class IssueInput(serializers.Serializer):
    issue_date = serializers.DateField(required=False)


class CreditNoteInput(serializers.Serializer):
    lines = LineInput(many=True, required=False, help_text="omit to credit the whole invoice")
    reason = serializers.CharField(required=False, allow_blank=True)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class WriteOffInput(ReasonInput):
    amount = NumberText(required=False, help_text="default: what is left")
    bad_debt = serializers.BooleanField(default=False)


class DepositInput(serializers.Serializer):
    deposit = serializers.CharField(help_text="deposit invoice id or number")


def _plain(data: dict) -> dict:
    """Validated input as plain dicts and lists, as the services take it."""
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            out[key] = [dict(item) for item in value]
        else:
            out[key] = value
    return out


# -- views ------------------------------------------------------------------------------------

FILTERS = [
    OpenApiParameter(
        "status",
        str,
        description="draft, open, partially_paid, paid, overdue, "
        "unpaid, disputed, written_off, cancelled",
    ),
    OpenApiParameter("customer", str, description="customer id or code"),
    OpenApiParameter("kind", str, description="invoice, deposit or credit_note"),
    OpenApiParameter("due_before", str, description="YYYY-MM-DD"),
    OpenApiParameter("due_after", str, description="YYYY-MM-DD"),
    OpenApiParameter("overdue", bool),
]


class InvoiceQueries(CompanyViewSet):
    kind_filter: str | None = None

    def get_queryset(self):
        params = self.request.query_params
        customer = params.get("customer")
        status = "overdue" if params.get("overdue") in {"true", "1"} else params.get("status")
        rows = invoice_list(
            company=self.company,
            kind=self.kind_filter or params.get("kind"),
            status=status or None,
            customer=customer_get(company=self.company, ref=customer) if customer else None,
            due_before=self.query_date("due_before"),
            due_after=self.query_date("due_after"),
        )
        if self.kind_filter is None and not params.get("kind"):
            rows = rows.exclude(kind=Invoice.CREDIT_NOTE)
        return rows.select_related("customer", "corrects").order_by("-issue_date", "-id")

    def get_serializer_class(self):
        return InvoiceSerializer if self.action == "list" else InvoiceDetailSerializer


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, InvoiceQueries):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    default_write_action = Action.WRITE_INVOICES
    write_actions = {
        "credit_note": Action.ISSUE_CREDIT_NOTES,
        "cancel": Action.ISSUE_CREDIT_NOTES,
        "write_off": Action.WRITE_OFF,
    }

    def _detail(self, invoice, status: int = 200) -> Response:
        fresh = invoice_get(company=self.company, ref=str(invoice.public_id))
        return Response(InvoiceDetailSerializer(fresh).data, status=status)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return _plain(serializer.validated_data)

    @extend_schema(request=InvoiceCreateInput, responses={201: InvoiceDetailSerializer})
    def create(self, request):
        data = self._input(InvoiceCreateInput)
        issue = data.pop("issue")
        customer = customer_get(company=self.company, ref=data.pop("customer"))
        invoice = services.invoice_create(
            company=self.company, customer=customer, actor=request.user, origin="api", **data
        )
        if issue:
            invoice = services.invoice_issue(invoice=invoice, actor=request.user)
        return self._detail(invoice, 201)

    @extend_schema(request=DraftInput, responses=InvoiceDetailSerializer)
    def partial_update(self, request, id=None):
        invoice = services.invoice_update(
            invoice=self.get_object(), actor=request.user, **self._input(DraftInput)
        )
        return self._detail(invoice)

    @extend_schema(responses={204: None})
    def destroy(self, request, id=None):
        services.invoice_delete_draft(invoice=self.get_object(), actor=request.user)
        return Response(status=204)

    @extend_schema(request=IssueInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, id=None):
        data = self._input(IssueInput)
        invoice = services.invoice_issue(
            invoice=self.get_object(), actor=request.user, issue_date=data.get("issue_date")
        )
        return self._detail(invoice)

    @extend_schema(request=CreditNoteInput, responses={201: InvoiceDetailSerializer})
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request, id=None):
        data = self._input(CreditNoteInput)
        note = services.credit_note_create(
            invoice=self.get_object(),
            actor=request.user,
            lines=data.get("lines"),
            reason=data.get("reason", ""),
        )
        note = services.invoice_issue(invoice=note, actor=request.user)
        return self._detail(note, 201)

    @extend_schema(request=ReasonInput, responses={201: InvoiceDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, id=None):
        note = services.invoice_cancel(
            invoice=self.get_object(), actor=request.user, reason=self._input(ReasonInput)["reason"]
        )
        return self._detail(note, 201)

    @extend_schema(request=WriteOffInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request, id=None):
        invoice = self.get_object()
        payments.invoice_write_off(
            invoice=invoice, actor=request.user, **self._input(WriteOffInput)
        )
        return self._detail(invoice)

    @extend_schema(request=ReasonInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, id=None):
        invoice = services.invoice_dispute(
            invoice=self.get_object(), actor=request.user, reason=self._input(ReasonInput)["reason"]
        )
        return self._detail(invoice)

    @extend_schema(request=None, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"], url_path="resolve-dispute")
    def resolve_dispute(self, request, id=None):
        invoice = services.invoice_resolve_dispute(invoice=self.get_object(), actor=request.user)
        return self._detail(invoice)

    @extend_schema(request=DepositInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"], url_path="deduct-deposit")
    def deduct_deposit(self, request, id=None):
        deposit = invoice_get(company=self.company, ref=self._input(DepositInput)["deposit"])
        invoice = services.invoice_deduct_deposit(
            invoice=self.get_object(), deposit=deposit, actor=request.user
        )
        return self._detail(invoice)


@extend_schema_view(list=extend_schema(parameters=FILTERS[:2]))
class CreditNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, InvoiceQueries):
    kind_filter = Invoice.CREDIT_NOTE
