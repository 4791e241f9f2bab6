"""`solde report kpis`: the receivables and collection figures at the end of a day."""

from __future__ import annotations

import argparse

from solde.cli_commands import _amount, _company, _echo
from solde.core import clock

AMOUNTS = ("receivables", "not_due", "overdue", "disputed", "credit", "doubtful", "opening")
FIGURES = (
    "dso",
    "count_back_dso",
    "best_possible_dso",
    "cei",
    "turnover",
    "on_time_rate",
    "average_days_to_pay",
    "average_days_late",
    "doubtful_ratio",
)
LABELS = {
    "receivables": "Receivables",
    "not_due": "Not yet due",
    "overdue": "Overdue",
    "disputed": "Disputed",
    "credit": "Customer credit (not netted)",
    "doubtful": "Doubtful (disputed or over 90 days)",
    "opening": "Receivables at the window's start",
    "invoiced": "Invoiced over the window, net of credit notes",
    "dso": "DSO (days)",
    "count_back_dso": "DSO, count-back (days)",
    "best_possible_dso": "Best possible DSO (days)",
    "cei": "Collection effectiveness index (%)",
    "turnover": "Receivables turnover",
    "invoices_paid": "Invoices paid in full in the window",
    "on_time_rate": "Paid on time (%)",
    "average_days_to_pay": "Average days to pay",
    "average_days_late": "Average days late",
    "doubtful_ratio": "Doubtful ratio (%)",
}


def kpis_document(k) -> dict:
    """The CLI contract: amounts as strings with the currency's decimals, the other
    figures as strings ("45.3") or null when undefined, the count as a number."""
    from solde.core.kpis import dso_window

    cur = k.currency
    return {
        "as_of": k.as_of.isoformat(),
        "currency": cur,
        "days": k.days,
        "window_start": dso_window(k.as_of, k.days)[0].isoformat(),
        **{name: _amount(getattr(k, name), cur) for name in AMOUNTS},
        "invoiced": _amount(k.invoiced, cur),
        **{name: _figure(getattr(k, name)) for name in FIGURES},
        "invoices_paid": k.invoices_paid,
    }


def _figure(value) -> str | None:
    return None if value is None else str(value)


def _print_table(doc: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    title = (
        f"Receivables at {doc['as_of']} ({doc['currency']}), "
        f"{doc['days']} days from {doc['window_start']}"
    )
    table = Table(title=title)
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    for name, label in LABELS.items():
        value = doc[name]
        table.add_row(label, "—" if value is None else str(value))
    Console().print(table)


def kpis_cmd(args):
    from solde.reports.kpis import kpis

    figures = kpis(company=_company(args), as_of=args.as_of or clock.today(), days=args.days)
    doc = kpis_document(figures)
    if not args.json:
        _print_table(doc)
    _echo(args, "— : undefined (nothing to divide by).")
    return doc


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (1 or more)")
    return int(text)


def register_kpis(add, reports, date_type) -> None:
    help_ = "DSO and collection figures at the end of a day"
    p = add("kpis", kpis_cmd, help_, reports, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--as-of", type=date_type, help="default: today")
    p.add_argument("--days", type=_days, default=90, help="the DSO window (default: 90)")
