"""Invoices, deposits, credit notes and quotes over the REST API: thin views over the services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, NumberText, PartySerializer, ReasonInput
from solde.core.money import format_amount
from solde.core.roles import Action
from solde.customers.queries import customer_get
from solde.invoicing import services
from solde.invoicing.models import (
    Invoice,
    InvoiceAllowanceCharge,
    InvoiceLine,
    QuoteLine,
    VatBreakdown,
)
from solde.invoicing.queries import STATUSES, display_status, invoice_get, invoice_list
from solde.payments import services as payments

# -- output -----------------------------------------------------------------------------------


class LineSerializer(serializers.ModelSerializer):
    """A line; amounts with the currency's decimals, prices and quantities as stored."""

    discount_amount = serializers.SerializerMethodField()
    net_amount = serializers.SerializerMethodField()

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

    def get_discount_amount(self, line) -> str:
        return format_amount(line.discount_amount, self.context["currency"])

    def get_net_amount(self, line) -> str:
        return format_amount(line.net_amount, self.context["currency"])


class QuoteLineSerializer(LineSerializer):
    class Meta(LineSerializer.Meta):
        model = QuoteLine


class AllowanceChargeSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceAllowanceCharge
        fields = ["is_charge", "amount", "reason", "vat_category", "vat_rate"]

    def get_amount(self, row) -> str:
        return format_amount(row.amount, self.context["currency"])


class VatSerializer(serializers.ModelSerializer):
    taxable = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField()

    class Meta:
        model = VatBreakdown
        fields = ["category", "rate", "taxable", "tax"]

    def get_taxable(self, group) -> str:
        return format_amount(group.taxable, self.context["currency"])

    def get_tax(self, group) -> str:
        return format_amount(group.tax, self.context["currency"])


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()


class SettlementSerializer(serializers.Serializer):
    """An allocation as an invoice shows it (full form: /api/v1/allocations/)."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    invoice = serializers.CharField(source="invoice.number")
    payment_id = serializers.UUIDField(source="payment.public_id", default=None)
    credit_note = serializers.CharField(source="credit_note.number", default=None)
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
    balance = AmountField(help_text="what is left to pay; a draft's total")
    corrects = DocumentRefSerializer(
        allow_null=True, help_text="the invoice a credit note corrects"
    )

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
            "paid_on",
            "disputed",
            "dispute_reason",
            "corrects",
            "notes",
            "created_at",
        ]

    def get_status(self, invoice) -> str:
        """draft, open, partially_paid, paid, overdue, disputed, written_off or cancelled."""
        return display_status(invoice)

    def to_representation(self, invoice):
        data = super().to_representation(invoice)
        if invoice.is_draft:
            data["balance"] = data["total"]
        return data


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = serializers.SerializerMethodField()
    allowance_charges = serializers.SerializerMethodField()
    vat_breakdown = serializers.SerializerMethodField()
    allocations = serializers.SerializerMethodField(
        help_text="what settled this invoice, or where this credit note was applied"
    )

    class Meta(InvoiceSerializer.Meta):
        fields = [
            *InvoiceSerializer.Meta.fields,
            "payment_terms",
            "purchase_order",
            "buyer_reference",
            "lines",
            "allowance_charges",
            "vat_breakdown",
            "allocations",
        ]

    def get_lines(self, invoice) -> LineSerializer(many=True):
        context = {"currency": invoice.currency}
        return LineSerializer(invoice.lines.all(), many=True, context=context).data

    def get_allowance_charges(self, invoice) -> AllowanceChargeSerializer(many=True):
        context = {"currency": invoice.currency}
        rows = invoice.allowance_charges.all()
        return AllowanceChargeSerializer(rows, many=True, context=context).data

    def get_vat_breakdown(self, invoice) -> VatSerializer(many=True):
        context = {"currency": invoice.currency}
        return VatSerializer(invoice.vat_breakdown.all(), many=True, context=context).data

    def get_allocations(self, invoice) -> SettlementSerializer(many=True):
        rows = invoice.applications if invoice.kind == Invoice.CREDIT_NOTE else invoice.allocations
        rows = rows.select_related("invoice", "payment", "credit_note").order_by("date", "id")
        return SettlementSerializer(rows, many=True).data


# -- input ------------------------------------------------------------------------------------


class LineInput(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    quantity = NumberText(required=False, help_text="default 1")
    unit = serializers.CharField(required=False, max_length=3, help_text="UN/ECE rec. 20; C62")
    unit_price = NumberText(help_text="excluding VAT, up to 6 decimals")
    discount_percent = NumberText(required=False)
    discount_amount = NumberText(required=False)
    vat_category = serializers.CharField(required=False, max_length=2, help_text="S, Z, E, AE…")
    vat_rate = NumberText(required=False, help_text="percent; default 20")
    exemption_reason = serializers.CharField(required=False, allow_blank=True)


class AllowanceChargeInput(serializers.Serializer):
    is_charge = serializers.BooleanField(default=False)
    amount = NumberText()
    reason = serializers.CharField(required=False, allow_blank=True)
    vat_category = serializers.CharField(required=False)
    vat_rate = NumberText(required=False)


# One enum for every `kind` in the schema; invoice_create refuses credit_note itself.
NEW_KIND = "invoice or deposit (credit notes: POST /api/v1/invoices/{id}/credit-note/)"


class DraftInput(serializers.Serializer):
    lines = LineInput(many=True, required=False, help_text="replace all the lines")
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
    kind = serializers.ChoiceField(Invoice.KIND_CHOICES, default="invoice", help_text=NEW_KIND)
    lines = LineInput(many=True)
    issue = serializers.BooleanField(default=False, help_text="issue at once")


class IssueInput(serializers.Serializer):
    issue_date = serializers.DateField(required=False, help_text="default: the draft's, or today")


class CreditNoteInput(serializers.Serializer):
    lines = LineInput(many=True, required=False, help_text="omit to credit the whole invoice")
    reason = serializers.CharField(required=False, allow_blank=True)
    issue = serializers.BooleanField(default=True, help_text="false: keep it as a draft")


class WriteOffInput(ReasonInput):
    amount = NumberText(required=False, help_text="default: what is left")
    bad_debt = serializers.BooleanField(default=False)


class DepositInput(serializers.Serializer):
    deposit = serializers.CharField(help_text="deposit invoice id or number")


class InvoiceFilter(serializers.Serializer):
    status = serializers.ChoiceField(sorted(STATUSES), required=False)
    customer = serializers.CharField(required=False, help_text="customer id or code")
    kind = serializers.ChoiceField(
        ["invoice", "deposit", "credit_note"],
        required=False,
        help_text="default: invoices and deposits",
    )
    due_before = serializers.DateField(required=False, help_text="due on or before")
    due_after = serializers.DateField(required=False, help_text="due on or after")
    overdue = serializers.BooleanField(required=False, help_text="true: same as status=overdue")


class CreditNoteFilter(serializers.Serializer):
    customer = serializers.CharField(required=False, help_text="customer id or code")


# -- views ------------------------------------------------------------------------------------


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    # Lists are filtered by the query string; a detail route finds any kind of invoice.

    model = Invoice
    filter_class = InvoiceFilter
    default_write_action = Action.WRITE_INVOICES

    def get_queryset(self):
        return super().get_queryset().select_related("customer", "corrects")

    def get_serializer_class(self):
        return InvoiceSerializer if self.action == "list" else InvoiceDetailSerializer

    def filtered(self, found: dict):
        customer = found.get("customer")
        rows = invoice_list(
            company=self.company,
            kind=found.get("kind"),
            status="overdue" if found.get("overdue") else found.get("status"),
            customer=customer_get(company=self.company, ref=customer) if customer else None,
            due_before=found.get("due_before"),
            due_after=found.get("due_after"),
        )
        if not found.get("kind"):
            rows = rows.exclude(kind=Invoice.CREDIT_NOTE)
        # Drafts (no date yet) first on every database.
        return rows.select_related("customer", "corrects").order_by(
            F("issue_date").desc(nulls_first=True), "-id"
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filtered(self.query(self.filter_class)))
        return self.get_paginated_response(InvoiceSerializer(page, many=True).data)

    def _detail(self, invoice, status: int = 200) -> Response:
        fresh = invoice_get(company=self.company, ref=str(invoice.public_id))
        return Response(InvoiceDetailSerializer(fresh).data, status=status)


@extend_schema_view(list=extend_schema(parameters=[InvoiceFilter]))
class InvoiceViewSet(DocumentViewSet):
    """Invoices and deposit invoices. A draft changes freely; issuing numbers it and it never
    changes again (corrections are credit notes). Lists leave credit notes out unless
    `kind=credit_note`; `/invoices/{id}/` finds any kind."""

    write_actions = {
        "credit_note": Action.ISSUE_CREDIT_NOTES,
        "cancel": Action.ISSUE_CREDIT_NOTES,
        "write_off": Action.WRITE_OFF,
    }

    @extend_schema(request=InvoiceCreateInput, responses={201: InvoiceDetailSerializer})
    def create(self, request):
        data = self.body(InvoiceCreateInput)
        issue = data.pop("issue")
        customer = customer_get(company=self.company, ref=data.pop("customer"))
        with transaction.atomic():  # issue=true: no draft is left behind if issuing fails
            invoice = services.invoice_create(
                company=self.company, customer=customer, actor=request.user, origin="api", **data
            )
            if issue:
                invoice = services.invoice_issue(invoice=invoice, actor=request.user)
        return self._detail(invoice, 201)

    @extend_schema(request=DraftInput, responses=InvoiceDetailSerializer)
    def partial_update(self, request, id=None):
        invoice = services.invoice_update(
            invoice=self.get_object(), actor=request.user, **self.body(DraftInput)
        )
        return self._detail(invoice)

    @extend_schema(responses={204: None})
    def destroy(self, request, id=None):
        services.invoice_delete_draft(invoice=self.get_object(), actor=request.user)
        return Response(status=204)

    @extend_schema(request=IssueInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, id=None):
        day = self.body(IssueInput).get("issue_date")
        invoice = services.invoice_issue(
            invoice=self.get_object(), issue_date=day, actor=request.user
        )
        return self._detail(invoice)

    @extend_schema(request=CreditNoteInput, responses={201: InvoiceDetailSerializer})
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request, id=None):
        data = self.body(CreditNoteInput)
        invoice = self.get_object()
        with transaction.atomic():
            note = services.credit_note_create(
                invoice=invoice,
                lines=data.get("lines"),
                reason=data.get("reason", ""),
                actor=request.user,
            )
            if data["issue"]:
                note = services.invoice_issue(invoice=note, actor=request.user)
        return self._detail(note, 201)

    @extend_schema(
        request=ReasonInput,
        responses={201: InvoiceDetailSerializer},
        description="Cancel an issued invoice by a full credit note, issued at once.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, id=None):
        note = services.invoice_cancel(
            invoice=self.get_object(), reason=self.body(ReasonInput)["reason"], actor=request.user
        )
        return self._detail(note, 201)

    @extend_schema(request=WriteOffInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request, id=None):
        invoice = self.get_object()
        payments.invoice_write_off(invoice=invoice, actor=request.user, **self.body(WriteOffInput))
        return self._detail(invoice)

    @extend_schema(request=ReasonInput, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, id=None):
        invoice = services.invoice_dispute(
            invoice=self.get_object(), reason=self.body(ReasonInput)["reason"], actor=request.user
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
        invoice = self.get_object()
        deposit = invoice_get(company=self.company, ref=self.body(DepositInput)["deposit"])
        invoice = services.invoice_deduct_deposit(
            invoice=invoice, deposit=deposit, actor=request.user
        )
        return self._detail(invoice)


@extend_schema_view(list=extend_schema(parameters=[CreditNoteFilter]))
class CreditNoteViewSet(DocumentViewSet):
    """Credit notes, read only: they are made from their invoice (credit-note, cancel)."""

    filter_class = CreditNoteFilter

    def get_queryset(self):
        return super().get_queryset().filter(kind=Invoice.CREDIT_NOTE)

    def filtered(self, found: dict):
        return super().filtered({**found, "kind": Invoice.CREDIT_NOTE})
