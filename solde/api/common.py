"""What every API view shares: the company gate, UUID lookups, input parsing, amounts as strings."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, viewsets

from solde.api.permissions import request_company
from solde.core.money import format_amount
from solde.core.roles import Action


class InvalidInput(exceptions.ValidationError):
    """Input that parses but is wrong: 422, like the services' ValidationError."""

    status_code = 422


def plain(value):
    """Validated data as plain dicts and lists, as the services take them."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


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


class PartySerializer(serializers.Serializer):
    """A customer as other objects show it."""

    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class CompanyViewSet(viewsets.GenericViewSet):
    """Objects of the request's company only, addressed by their UUID: others are 404.

    `model` gives the default queryset (`model.objects.for_company(company)`); writes are
    allowed by `write_actions[action]`, else `default_write_action` (see permissions.py).
    """

    model = None
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    write_actions: dict[str, Action] = {}
    default_write_action = Action.MANAGE_COMPANY

    @property
    def write_action(self) -> Action:
        return self.write_actions.get(self.action, self.default_write_action)

    @property
    def company(self):
        return request_company(self.request)

    def get_queryset(self):
        return self.model.objects.for_company(self.company)

    def body(self, serializer_class, **kwargs) -> dict:
        """The request body checked by `serializer_class`; 422 naming the fields if wrong."""
        return self._parse(serializer_class, self.request.data, **kwargs)

    def query(self, serializer_class) -> dict:
        """The query string checked by `serializer_class`; absent parameters are left out."""
        data = {k: v for k, v in self.request.query_params.items() if v != ""}
        return self._parse(serializer_class, data)

    @staticmethod
    def _parse(serializer_class, data, **kwargs) -> dict:
        serializer = serializer_class(data=data, **kwargs)
        if not serializer.is_valid():
            raise InvalidInput(serializer.errors)
        return plain(serializer.validated_data)
