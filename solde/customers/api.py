"""Customers over the REST API."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from solde.api.common import CompanyViewSet
from solde.core import clock
from solde.core.money import format_amount
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


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["name", "email", "role", "receives_invoices"]


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    receivable = serializers.CharField()
    credit = serializers.CharField()
    balance = serializers.CharField()


class CustomerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    ibans = serializers.ListField(child=serializers.CharField(), required=False, write_only=True)
    contacts = ContactSerializer(many=True, required=False)
    balances = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", *EDITABLE, "ibans", "contacts", "balances"]
        extra_kwargs = {"code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["ibans"] = [row.iban for row in instance.ibans.all()]
        return data

    def get_balances(self, instance) -> BalanceSerializer(many=True):
        rows = self.context.get("balances", {}).get(instance.pk, [])
        return [
            {
                "currency": r.currency,
                "receivable": format_amount(r.receivable, r.currency),
                "credit": format_amount(r.credit, r.currency),
                "balance": format_amount(r.balance, r.currency),
            }
            for r in rows
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name, code or SIREN"),
            OpenApiParameter("segment", str),
        ]
    )
)
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompanyViewSet,
):
    serializer_class = CustomerSerializer
    default_write_action = Action.MANAGE_CUSTOMERS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        return customer_list(
            company=self.company, search=params.get("q", ""), segment=params.get("segment", "")
        ).prefetch_related("ibans", "contacts")

    def _with_balances(self, customers) -> dict:
        ids = [c.pk for c in customers]
        grouped: dict[int, list] = {}
        for row in customer_balances(self.company, clock.today(), ids):
            grouped.setdefault(row.customer_id, []).append(row)
        return {**self.get_serializer_context(), "balances": grouped}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        serializer = CustomerSerializer(page, many=True, context=self._with_balances(page))
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        customer = self.get_object()
        return Response(CustomerSerializer(customer, context=self._with_balances([customer])).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = customer_create(
            company=self.company,
            actor=request.user,
            ibans=data.pop("ibans", []),
            contacts=[dict(c) for c in data.pop("contacts", [])],
            **data,
        )
        return Response(
            CustomerSerializer(customer, context=self._with_balances([customer])).data, status=201
        )

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {
            k: v for k, v in serializer.validated_data.items() if k not in {"ibans", "contacts"}
        }
        customer = customer_update(customer=customer, actor=request.user, **data)
        return Response(CustomerSerializer(customer, context=self._with_balances([customer])).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)
