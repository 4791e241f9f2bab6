"""`solde report forecast` (the cash-in forecast) and `solde report risk` (customer risk)."""

from __future__ import annotations

import argparse

from solde.cli_commands import _amount, _company, _echo
from solde.core import clock


def forecast_document(made) -> dict:
    """The CLI contract: amounts as strings with the currency's decimals, dates ISO."""
    cur = made.currency
    return {
        "as_of": made.as_of.isoformat(),
        "currency": cur,
        "weeks": [
            {
                "start": w.start.isoformat(),
                "end": w.end.isoformat(),
                "expected": _amount(w.expected, cur),
                "low": _amount(w.low, cur),
                "high": _amount(w.high, cur),
                "invoices": len(w.invoices),
            }
            for w in made.weeks
        ],
        "total_expected": _amount(made.total_expected, cur),
        "not_expected": {
            "amount": _amount(made.not_expected, cur),
            "invoices": len(made.not_expected_invoices),
        },
        "beyond": {"amount": _amount(made.beyond, cur), "invoices": len(made.beyond_invoices)},
    }


def _print_forecast(made, doc: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Cash-in forecast after {doc['as_of']} ({doc['currency']})")
    for column in ("week", "from", "to", "expected", "low", "high", "invoices"):
        table.add_column(column, justify="left" if column in ("from", "to") else "right")
    for number, w in enumerate(doc["weeks"], start=1):
        table.add_row(
            str(number),
            w["start"],
            w["end"],
            w["expected"],
            w["low"],
            w["high"],
            str(w["invoices"]),
        )
    table.add_row("Total", "", "", doc["total_expected"], "", "", "")
    Console().print(table)
    out, beyond = doc["not_expected"], doc["beyond"]
    print(f"Not expected (disputed or long overdue): {out['amount']} ({out['invoices']} invoices).")
    print(f"Expected after the last week: {beyond['amount']} ({beyond['invoices']} invoices).")
    for currency, total in made.other_currencies.items():
        print(f"Not included: {_amount(total, currency)} {currency} receivable in {currency}.")


def forecast_cmd(args):
    from solde.reports.forecast import forecast

    made = forecast(company=_company(args), as_of=args.as_of or clock.today(), weeks=args.weeks)
    doc = forecast_document(made)
    if not args.json:
        _print_forecast(made, doc)
    return doc


def risk_document(as_of, currency: str, rows) -> dict:
    from solde.reports.risk import risk_entries

    return {"as_of": as_of.isoformat(), "customers": risk_entries(rows, currency)}


def risk_cmd(args):
    from solde.reports.risk import risk_list

    company = _company(args)
    as_of = args.as_of or clock.today()
    doc = risk_document(as_of, company.currency, risk_list(company, as_of))
    for row in doc["customers"]:
        reasons = ", ".join(r["code"] for r in row["reasons"]) or "-"
        _echo(args, f"{row['score']:>3} {row['level']:<6} {row['code'] or row['name']}: {reasons}")
    return doc


def _weeks(text: str) -> int:
    from solde.core.forecast import MAX_WEEKS

    try:
        weeks = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of weeks") from exc
    if not 1 <= weeks <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"weeks: 1 to {MAX_WEEKS}")
    return weeks


def register_forecast(add, reports, date_type) -> None:
    p = add("forecast", forecast_cmd, "the cash-in forecast, week by week", reports, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--as-of", type=date_type, help="default: today")
    p.add_argument("--weeks", type=_weeks, default=13, help="default: 13")
    p = add("risk", risk_cmd, "customers' risk scores, riskiest first", reports, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--as-of", type=date_type, help="default: today")
