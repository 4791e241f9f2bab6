"""Quotes (devis) over the REST API: draft, send, accept or decline, convert."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, PartySerializer
from solde.core.roles import Action
from solde.customers.queries import customer_get
from solde.invoicing import quotes
from solde.invoicing.api import (
    NEW_KIND,
    InvoiceDetailSerializer,
    LineInput,
    QuoteLineSerializer,
)
from solde.invoicing.models import Invoice, Quote
from solde.invoicing.queries import invoice_get


class QuoteSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = PartySerializer()
    status = serializers.SerializerMethodField()
    total_excl_tax = AmountField()
    total_tax = AmountField()
    total = AmountField()
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "status",
            "customer",
            "currency",
            "issue_date",
            "valid_until",
            "decided_on",
            "total_excl_tax",
            "total_tax",
            "total",
            "notes",
            "lines",
            "created_at",
        ]

    def get_status(self, quote) -> str:
        """draft, sent, accepted, declined or expired."""
        return quotes.quote_status(quote)

    def get_lines(self, quote) -> QuoteLineSerializer(many=True):
        context = {"currency": quote.currency}
        return QuoteLineSerializer(quote.lines.all(), many=True, context=context).data


class QuoteInput(serializers.Serializer):
    lines = LineInput(many=True, required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class QuoteCreateInput(QuoteInput):
    customer = serializers.CharField(help_text="customer id or code")
    lines = LineInput(many=True)


class SendInput(serializers.Serializer):
    issue_date = serializers.DateField(required=False, help_text="default today")


class ConvertInput(serializers.Serializer):
    kind = serializers.ChoiceField(Invoice.KIND_CHOICES, default="invoice", help_text=NEW_KIND)


class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Quotes (devis): a draft changes; sent, it is numbered and only accepted or declined."""

    model = Quote
    serializer_class = QuoteSerializer
    default_write_action = Action.WRITE_INVOICES

    def get_queryset(self):
        rows = super().get_queryset().select_related("customer").prefetch_related("lines")
        return rows.order_by(F("issue_date").desc(nulls_first=True), "-id")

    def _detail(self, quote, status: int = 200) -> Response:
        return Response(QuoteSerializer(self.get_queryset().get(pk=quote.pk)).data, status=status)

    @extend_schema(request=QuoteCreateInput, responses={201: QuoteSerializer})
    def create(self, request):
        data = self.body(QuoteCreateInput)
        customer = customer_get(company=self.company, ref=data.pop("customer"))
        quote = quotes.quote_create(
            company=self.company, customer=customer, actor=request.user, **data
        )
        return self._detail(quote, 201)

    @extend_schema(request=QuoteInput, responses=QuoteSerializer)
    def partial_update(self, request, id=None):
        quote = quotes.quote_update(
            quote=self.get_object(), actor=request.user, **self.body(QuoteInput)
        )
        return self._detail(quote)

    @extend_schema(request=SendInput, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, id=None):
        day = self.body(SendInput).get("issue_date")
        quote = quotes.quote_send(quote=self.get_object(), issue_date=day, actor=request.user)
        return self._detail(quote)

    @extend_schema(request=None, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, id=None):
        return self._detail(quotes.quote_accept(quote=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, id=None):
        return self._detail(quotes.quote_decline(quote=self.get_object(), actor=request.user))

    @extend_schema(
        request=ConvertInput,
        responses={201: InvoiceDetailSerializer},
        description="A draft invoice (or deposit invoice) with the quote's lines.",
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, id=None):
        invoice = quotes.quote_convert(
            quote=self.get_object(), kind=self.body(ConvertInput)["kind"], actor=request.user
        )
        fresh = invoice_get(company=self.company, ref=str(invoice.public_id))
        return Response(InvoiceDetailSerializer(fresh).data, status=201)
