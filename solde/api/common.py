"""What every API view shares: the company gate, UUID lookups, amounts as strings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from solde.api.permissions import request_company
from solde.core.errors import ValidationError
from solde.core.money import format_amount
from solde.core.roles import Action


@extend_schema_field(OpenApiTypes.STR)
class AmountField(serializers.Field):
    """An amount as a string with its currency's decimals ("1234.50"); read only."""

    def __init__(self, currency_attr: str = "currency", **kwargs):
        self.currency_attr = currency_attr
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance), getattr(instance, self.currency_attr)

    def to_representation(self, value):
        amount, currency = value
        return None if amount is None else format_amount(amount, currency)


class CompanyViewSet(viewsets.GenericViewSet):
    """Objects of the request's company only, addressed by their UUID: others are 404."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    write_actions: dict[str, Action] = {}
    default_write_action = Action.MANAGE_COMPANY

    @property
    def write_action(self) -> Action:
        return self.write_actions.get(self.action, self.default_write_action)

    @property
    def company(self):
        return request_company(self.request)

    def query_date(self, name: str) -> date | None:
        text = self.request.query_params.get(name)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError(
                f"{name}: {text!r} is not a date (YYYY-MM-DD).", field=name
            ) from exc


@extend_schema_field(OpenApiTypes.STR)
class NumberText(serializers.CharField):
    """A number given as a string ("12.50") or a JSON number, handed on as text.

    JSON numbers arrive as Decimal (see parsers.py), never as float; the services parse
    and check them so that the same rules and messages hold for the API, CLI and imports.
    """

    def to_internal_value(self, data):
        if isinstance(data, Decimal | int) and not isinstance(data, bool):
            data = format(data, "f")
        return super().to_internal_value(data)
