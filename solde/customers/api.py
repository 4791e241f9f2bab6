"""Customers over the REST API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from solde.api.common import CompanyViewSet, InvalidInput
from solde.core import clock
from solde.core.money import ZERO, format_amount
from solde.core.roles import Action
from solde.customers.models import Contact, Customer
from solde.customers.queries import customer_list
from solde.customers.services import customer_create, customer_update
from solde.payments.queries import customer_balances

EDITABLE = [
    "code",
    "kind",
    "name",
    "siren",
    "siret",
    "vat_number",
    "email",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "delivery_address",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
    "language",
    "payment_terms_days",
    "segment",
    "notes",
]
CREATE_ONLY = {"ibans", "contacts"}


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["name", "email", "role", "receives_invoices"]


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    receivable = serializers.CharField()
    credit = serializers.CharField()
    balance = serializers.CharField()


class IbanListField(serializers.ListField):
    """IBANs as strings: read from the customer's accounts, written on create."""

    def get_attribute(self, instance):
        return [row.iban for row in instance.ibans.all()]


class CustomerSerializer(serializers.ModelSerializer):
    """A customer; `balance` is today's, in the company's currency (all currencies in
    `balances`). IBANs and contacts are given on create only."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    ibans = IbanListField(child=serializers.CharField(), required=False)
    contacts = ContactSerializer(many=True, required=False)
    balance = serializers.SerializerMethodField()
    balances = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", *EDITABLE, "ibans", "contacts", "balance", "balances", "created_at"]
        # The services check codes and identifiers, with the same messages everywhere.
        extra_kwargs = {
            "code": {"validators": []},
            "siren": {"max_length": None},
            "siret": {"max_length": None},
            "vat_number": {"max_length": None},
        }

    def _rows(self, instance) -> list:
        return self.context.get("balances", {}).get(instance.pk, [])

    def get_balance(self, instance) -> str:
        currency = self.context["currency"]
        rows = [r for r in self._rows(instance) if r.currency == currency]
        return format_amount(rows[0].balance if rows else ZERO, currency)

    def get_balances(self, instance) -> BalanceSerializer(many=True):
        return [
            {
                "currency": r.currency,
                "receivable": format_amount(r.receivable, r.currency),
                "credit": format_amount(r.credit, r.currency),
                "balance": format_amount(r.balance, r.currency),
            }
            for r in self._rows(instance)
        ]


class CustomerFilter(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="name (part), code or SIREN")
    segment = serializers.CharField(required=False)


@extend_schema_view(list=extend_schema(parameters=[CustomerFilter]))
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CompanyViewSet,
):
    """Customers; each shows its balance today (what it owes less its unused credit)."""

    model = Customer
    serializer_class = CustomerSerializer
    default_write_action = Action.MANAGE_CUSTOMERS

    def get_queryset(self):
        return super().get_queryset().prefetch_related("ibans", "contacts")

    def _render(self, customers, many: bool = False):
        """Customers with today's balances: one customer_balances call for the whole page."""
        rows = customers if many else [customers]
        grouped: dict[int, list] = {}
        for row in customer_balances(self.company, clock.today(), [c.pk for c in rows]):
            grouped.setdefault(row.customer_id, []).append(row)
        context = {
            **self.get_serializer_context(),
            "balances": grouped,
            "currency": self.company.currency,
        }
        return CustomerSerializer(customers, many=many, context=context).data

    def list(self, request, *args, **kwargs):
        found = self.query(CustomerFilter)
        rows = customer_list(
            company=self.company, search=found.get("q", ""), segment=found.get("segment", "")
        ).prefetch_related("ibans", "contacts")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self._render(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._render(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = self.body(CustomerSerializer)
        customer = customer_create(company=self.company, actor=request.user, **data)
        return Response(self._render(customer), status=201)

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        data = self.body(CustomerSerializer, instance=customer, partial=True)
        refused = sorted(CREATE_ONLY & set(data))
        if refused:
            raise InvalidInput({refused[0]: ["Given on create only."]})
        customer = customer_update(customer=customer, actor=request.user, **data)
        return Response(self._render(customer))
