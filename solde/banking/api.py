"""Bank statements and the reconciliation queue over the REST API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet, NumberText
from solde.banking import review
from solde.banking.explain import proposals_for, proposals_view
from solde.banking.models import BankLine
from solde.banking.queries import bank_account_list, bank_line_list
from solde.banking.services import statement_import
from solde.core.errors import ValidationError
from solde.core.roles import Action
from solde.customers.queries import customer_get
from solde.invoicing.queries import invoice_get


class BankAccountSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    iban = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()


class BankLineSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    account = serializers.CharField(source="account.number")
    booking_date = serializers.DateField()
    value_date = serializers.DateField()
    amount = AmountField(help_text="signed: positive is money received")
    currency = serializers.CharField()
    bank_ref = serializers.CharField()
    end_to_end_id = serializers.CharField()
    counterparty_name = serializers.CharField()
    counterparty_iban = serializers.CharField()
    remittance = serializers.CharField()
    structured_ref = serializers.CharField()
    status = serializers.CharField(help_text="unmatched, suggested, matched, ignored or debit")
    how = serializers.CharField(help_text="auto, confirmed or manual, once matched")
    score = serializers.IntegerField(allow_null=True)
    payment_id = serializers.UUIDField(source="payment.public_id", default=None)
    proposals = serializers.SerializerMethodField()

    def get_proposals(self, line) -> list[dict]:
        return [
            {
                "customer": p["customer"].code if p["customer"] else None,
                "allocations": [
                    {"invoice": inv.number, "amount": f"{amount:.2f}"}
                    for inv, amount in p["allocations"]
                ],
                "write_off": [
                    {"invoice": inv.number, "amount": f"{amount:.2f}"}
                    for inv, amount in p["write_off"]
                ],
                "excess": f"{p['excess']:.2f}",
                "score": p["score"],
                "reasons": [{"text": text, "points": points} for text, points in p["reasons"]],
            }
            for p in self._proposals(line)
        ]

    def _proposals(self, line) -> list[dict]:
        found = self.context.get("proposals")
        if found is None or line.pk not in found:
            return proposals_view(line.company, line)
        return found[line.pk]


class ImportResultSerializer(serializers.Serializer):
    file = serializers.CharField()
    format = serializers.CharField()
    statements = serializers.IntegerField()
    lines = serializers.IntegerField()
    added = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    debits = serializers.IntegerField()
    auto_matched = serializers.IntegerField()
    suggested = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    ignored = serializers.IntegerField()
    balance_breaks = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


class UploadInput(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(
        ["auto", "camt053", "mt940", "ofx", "cfonb120", "csv"], default="auto"
    )


class LineFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        [s for s, _ in BankLine.STATUS_CHOICES] + ["queue"],
        required=False,
        help_text="queue: unmatched and suggested lines, waiting for a person",
    )


class AcceptInput(serializers.Serializer):
    index = serializers.IntegerField(default=0, min_value=0, help_text="0: the best proposal")


class ShareInput(serializers.Serializer):
    invoice = serializers.CharField(help_text="invoice id or number")
    amount = NumberText()


class AllocateLineInput(serializers.Serializer):
    customer = serializers.CharField(help_text="customer id or code")
    allocations = ShareInput(many=True, required=False, help_text="none: all on account")


class IgnoreInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)
    never_customer = serializers.BooleanField(default=False)


class UndoLineInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class BankAccountViewSet(mixins.ListModelMixin, CompanyViewSet):
    """The company's bank accounts, as its statements name them."""

    serializer_class = BankAccountSerializer

    def get_queryset(self):
        return bank_account_list(company=self.company)


class BankStatementViewSet(CompanyViewSet):
    """Import a statement file (CAMT.053, MT940, OFX, CFONB 120, CSV): new lines only."""

    default_write_action = Action.IMPORT
    parser_classes = [MultiPartParser]
    serializer_class = ImportResultSerializer

    @extend_schema(request=UploadInput, responses={201: ImportResultSerializer})
    def create(self, request):
        data = self.body(UploadInput)
        upload = data["file"]
        result = statement_import(
            company=self.company,
            data=upload.read(),
            file_name=upload.name,
            format=data["format"],
            actor=request.user,
        )
        return Response(result.as_dict(), status=201)


@extend_schema_view(list=extend_schema(parameters=[LineFilter]))
class BankLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Statement lines with the matcher's proposals and reasons; the review queue's actions."""

    serializer_class = BankLineSerializer
    default_write_action = Action.RECORD_PAYMENTS

    def get_queryset(self):
        return bank_line_list(company=self.company).select_related("payment", "company")

    def list(self, request, *args, **kwargs):
        status = self.query(LineFilter).get("status")
        rows = self.get_queryset()
        if status == "queue":
            rows = rows.filter(status__in=BankLine.OPEN_STATUSES)
        elif status:
            rows = rows.filter(status=status)
        page = self.paginate_queryset(rows.order_by("booking_date", "pk"))
        context = {"proposals": proposals_for(self.company, page)}
        return self.get_paginated_response(
            BankLineSerializer(page, many=True, context=context).data
        )

    def _detail(self, line) -> Response:
        return Response(BankLineSerializer(self.get_queryset().get(pk=line.pk)).data)

    @extend_schema(request=AcceptInput, responses=BankLineSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, id=None):
        index = self.body(AcceptInput)["index"]
        return self._detail(
            review.line_accept(line=self.get_object(), index=index, actor=request.user)
        )

    @extend_schema(
        request=AllocateLineInput,
        responses=BankLineSerializer,
        description="Match by hand: other invoices, a split, or all on account.",
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, id=None):
        data = self.body(AllocateLineInput)
        customer = customer_get(company=self.company, ref=data["customer"])
        shares = [
            (invoice_get(company=self.company, ref=s["invoice"]), s["amount"])
            for s in data.get("allocations", [])
        ]
        if len({invoice.pk for invoice, _ in shares}) != len(shares):
            raise ValidationError("An invoice is listed twice.", field="allocations")
        line = review.line_allocate(
            line=self.get_object(), customer=customer, allocations=shares, actor=request.user
        )
        return self._detail(line)

    @extend_schema(request=IgnoreInput, responses=BankLineSerializer)
    @action(detail=True, methods=["post"])
    def ignore(self, request, id=None):
        data = self.body(IgnoreInput)
        line = review.line_ignore(
            line=self.get_object(),
            reason=data.get("reason", ""),
            never_customer=data["never_customer"],
            actor=request.user,
        )
        return self._detail(line)

    @extend_schema(request=UndoLineInput, responses=BankLineSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, id=None):
        reason = self.body(UndoLineInput).get("reason", "")
        return self._detail(
            review.line_undo(line=self.get_object(), reason=reason, actor=request.user)
        )
