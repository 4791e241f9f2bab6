"""Read-only figures over the REST API: /api/v1/reports/<figure>/ for the key's company.

Amounts are strings with the currency's decimals; the other figures strings as
`core.kpis` rounds them ("45.3", "98.50") or null when undefined.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.api.common import AmountField, CompanyViewSet
from solde.core import clock
from solde.core.kpis import DSO_DAYS
from solde.core.money import format_amount
from solde.reports.api_forecast import ForecastActions
from solde.reports.kpis import dso_trend, kpis
from solde.reports.queries import BY_CUSTOMER, BY_SEGMENT, aging

MAX_DAYS, MAX_MONTHS = 3660, 120


@extend_schema_field(OpenApiTypes.STR)
class FigureField(serializers.Field):
    """A day count, percentage or ratio as a string ("45.3"), null when undefined."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value is None else str(value)


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="end of that day; default today")


class KpisQuery(AsOfQuery):
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_DAYS, help_text="the DSO window; default 90"
    )


class TrendQuery(KpisQuery):
    months = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_MONTHS, help_text="points; default 24"
    )


class AgingQuery(AsOfQuery):
    by = serializers.ChoiceField(
        choices=[BY_CUSTOMER, BY_SEGMENT, "none"], required=False, help_text="default customer"
    )


class KpisSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField()
    days = serializers.IntegerField()
    receivables = AmountField()
    not_due = AmountField()
    overdue = AmountField()
    disputed = AmountField(help_text="invoices with a dispute open at as_of")
    credit = AmountField(help_text="customer credit, not netted from the receivables")
    doubtful = AmountField(help_text="disputed or more than 90 days past due")
    opening = AmountField(help_text="receivables the day before the window")
    invoiced = AmountField(help_text="over the window, tax included, net of credit notes")
    dso = FigureField(help_text="days")
    count_back_dso = FigureField(help_text="days")
    best_possible_dso = FigureField(help_text="days")
    cei = FigureField(help_text="collection effectiveness index, %")
    turnover = FigureField()
    invoices_paid = serializers.IntegerField(help_text="paid in full within the window")
    on_time_rate = FigureField(help_text="%")
    average_days_to_pay = FigureField()
    average_days_late = FigureField()
    doubtful_ratio = FigureField(help_text="%")


class TrendPointSerializer(serializers.Serializer):
    month_end = serializers.DateField()
    receivables = serializers.CharField()
    invoiced = serializers.CharField()
    dso = FigureField()


class TrendSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField()
    days = serializers.IntegerField()
    points = TrendPointSerializer(many=True, help_text="oldest first; as_of is the last")


class AgingRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="the customer's code, or the segment")
    name = serializers.CharField()
    total = serializers.CharField()
    credit = serializers.CharField()
    buckets = serializers.DictField(child=serializers.CharField())


class AgingSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField()
    total = serializers.CharField()
    credit = serializers.CharField(help_text="customer credit, not netted from the buckets")
    buckets = serializers.DictField(child=serializers.CharField(), help_text="not_due, 1_30, …")
    rows = AgingRowSerializer(many=True, help_text="per customer or segment; none: empty")
    other_currencies = serializers.DictField(
        child=serializers.CharField(), help_text="receivables in other currencies, left out"
    )


def _aging_body(report) -> dict:
    cur = report.currency

    def amounts(values: dict) -> dict:
        return {label: format_amount(values[label], cur) for label in report.labels}

    return {
        "as_of": report.as_of,
        "currency": cur,
        "total": format_amount(report.total, cur),
        "credit": format_amount(report.credit, cur),
        "buckets": amounts(report.buckets),
        "rows": [
            {
                "code": row.code,
                "name": row.name,
                "total": format_amount(row.total, cur),
                "credit": format_amount(row.credit, cur),
                "buckets": amounts(row.buckets),
            }
            for row in report.rows
        ],
        "other_currencies": {c: format_amount(v, c) for c, v in report.other_currencies.items()},
    }


class ReportViewSet(ForecastActions, CompanyViewSet):
    """The receivables figures of the key's company at the end of any day (read only)."""

    pagination_class = None

    @extend_schema(parameters=[KpisQuery], responses=KpisSerializer)
    @action(detail=False, methods=["get"])
    def kpis(self, request):
        found = self.query(KpisQuery)
        day = found.get("as_of") or clock.today()
        figures = kpis(company=self.company, as_of=day, days=found.get("days", DSO_DAYS))
        return Response(KpisSerializer(figures).data)

    @extend_schema(parameters=[TrendQuery], responses=TrendSerializer)
    @action(detail=False, methods=["get"], url_path="dso-trend")
    def dso_trend(self, request):
        found = self.query(TrendQuery)
        day, days = found.get("as_of") or clock.today(), found.get("days", DSO_DAYS)
        points = dso_trend(self.company, day, months=found.get("months", 24), days=days)
        cur = self.company.currency
        body = {
            "as_of": day,
            "currency": cur,
            "days": days,
            "points": [
                {
                    "month_end": p.month_end,
                    "receivables": format_amount(p.receivables, cur),
                    "invoiced": format_amount(p.invoiced, cur),
                    "dso": p.dso,
                }
                for p in points
            ],
        }
        return Response(TrendSerializer(body).data)

    @extend_schema(parameters=[AgingQuery], responses=AgingSerializer)
    @action(detail=False, methods=["get"])
    def aging(self, request):
        found = self.query(AgingQuery)
        by = found.get("by", BY_CUSTOMER)
        report = aging(
            company=self.company,
            as_of=found.get("as_of") or clock.today(),
            by=None if by == "none" else by,
        )
        return Response(AgingSerializer(_aging_body(report)).data)
