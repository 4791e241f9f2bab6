"""/api/v1/reports/forecast/ and /api/v1/reports/risk/: actions `ReportViewSet` mixes in.

The bodies are the CLI's documents (`solde report forecast|risk --json`) with the
customers' UUIDs added to the risk list; amounts as strings with the currency's decimals.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from solde.core import clock
from solde.core.forecast import MAX_WEEKS, WEEKS
from solde.core.money import format_amount
from solde.reports.forecast import forecast
from solde.reports.risk import risk_entries, risk_list


class ForecastQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="end of that day; default today")
    weeks = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_WEEKS, help_text="default 13"
    )


class RiskQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="end of that day; default today")


class WeekSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    expected = serializers.CharField()
    low = serializers.CharField(help_text="invoices whose whole window lies in the week")
    high = serializers.CharField(help_text="invoices whose window touches the week")
    invoices = serializers.IntegerField(help_text="invoices expected in the week")


class PartTotalSerializer(serializers.Serializer):
    amount = serializers.CharField()
    invoices = serializers.IntegerField()


class ForecastSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField()
    weeks = WeekSerializer(many=True, help_text="week 1 = the 7 days after as_of")
    total_expected = serializers.CharField()
    not_expected = PartTotalSerializer(help_text="disputed or long overdue: at risk")
    beyond = PartTotalSerializer(help_text="expected after the last week")
    other_currencies = serializers.DictField(
        child=serializers.CharField(), help_text="open in other currencies, left out"
    )


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.IntegerField()
    values = serializers.DictField(help_text="the figures behind it; amounts as strings")


class CustomerRiskSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField(help_text="0–100, higher is riskier")
    level = serializers.ChoiceField(choices=["low", "medium", "high"])
    reasons = ReasonSerializer(many=True)


class RiskSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    customers = CustomerRiskSerializer(many=True, help_text="the riskiest first")


def forecast_body(made) -> dict:
    cur = made.currency
    return {
        "as_of": made.as_of,
        "currency": cur,
        "weeks": [
            {
                "start": w.start,
                "end": w.end,
                "expected": format_amount(w.expected, cur),
                "low": format_amount(w.low, cur),
                "high": format_amount(w.high, cur),
                "invoices": len(w.invoices),
            }
            for w in made.weeks
        ],
        "total_expected": format_amount(made.total_expected, cur),
        "not_expected": {
            "amount": format_amount(made.not_expected, cur),
            "invoices": len(made.not_expected_invoices),
        },
        "beyond": {
            "amount": format_amount(made.beyond, cur),
            "invoices": len(made.beyond_invoices),
        },
        "other_currencies": {c: format_amount(v, c) for c, v in made.other_currencies.items()},
    }


def risk_body(as_of, currency: str, rows) -> dict:
    entries = risk_entries(rows, currency)
    return {
        "as_of": as_of,
        "customers": [
            {"public_id": row.public_id, **entry} for row, entry in zip(rows, entries, strict=True)
        ],
    }


class ForecastActions:
    """Mixed into `reports.api.ReportViewSet` (which gives `query` and `company`)."""

    @extend_schema(parameters=[ForecastQuery], responses=ForecastSerializer)
    @action(detail=False, methods=["get"])
    def forecast(self, request):
        found = self.query(ForecastQuery)
        made = forecast(
            company=self.company,
            as_of=found.get("as_of") or clock.today(),
            weeks=found.get("weeks", WEEKS),
        )
        return Response(ForecastSerializer(forecast_body(made)).data)

    @extend_schema(parameters=[RiskQuery], responses=RiskSerializer)
    @action(detail=False, methods=["get"])
    def risk(self, request):
        found = self.query(RiskQuery)
        day = found.get("as_of") or clock.today()
        body = risk_body(day, self.company.currency, risk_list(self.company, day))
        return Response(RiskSerializer(body).data)
