"""The report sub-commands of `solde`: `solde report aging` (the aged balance at a date)."""

from __future__ import annotations

from solde.cli_commands import _amount, _company, _echo
from solde.core import clock


def aging_document(report) -> dict:
    """The CLI contract (DESIGN.md): amounts as strings with the currency's decimals."""
    cur = report.currency

    def buckets(values: dict) -> dict:
        return {label: _amount(values[label], cur) for label in report.labels}

    return {
        "as_of": report.as_of.isoformat(),
        "currency": cur,
        "total": _amount(report.total, cur),
        "buckets": buckets(report.buckets),
        "customers": [
            {
                "code": row.code,
                "name": row.name,
                "total": _amount(row.total, cur),
                "buckets": buckets(row.buckets),
            }
            for row in report.rows
        ],
    }


def _print_table(report, doc: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Aged balance at {doc['as_of']} ({doc['currency']})")
    table.add_column("Customer")
    for label in (*report.labels, "total", "credit"):
        table.add_column(label, justify="right")
    for row, line in zip(report.rows, doc["customers"], strict=True):
        table.add_row(
            row.code or row.name,  # the name too would wrap an 80-column table
            *line["buckets"].values(),
            line["total"],
            _amount(row.credit, report.currency),
        )
    table.add_row(
        "Total", *doc["buckets"].values(), doc["total"], _amount(report.credit, report.currency)
    )
    Console().print(table)
    for currency, total in report.other_currencies.items():
        print(f"Not included: {_amount(total, currency)} {currency} receivable in {currency}.")


def write_export(path: str, content: bytes) -> None:
    """Write a report file; a path that cannot be written is bad input (exit 1)."""
    from pathlib import Path

    from solde.core.errors import InputError

    try:
        Path(path).write_bytes(content)
    except OSError as exc:
        raise InputError(f"cannot be written ({exc.strerror}).", file=path) from exc


EXPORTS = ("csv", "xlsx", "pdf")  # --csv FILE | --xlsx FILE | --pdf FILE


def _aging_file(args, report, company) -> bool:
    """Write the aged balance to the file asked for, if any; say so unless --json."""
    from solde.reports.exports import aging_export

    extension = next((e for e in EXPORTS if getattr(args, e, None)), None)
    if extension is None:
        return False
    export = aging_export(report, company, extension)
    path = getattr(args, extension)
    write_export(path, export.content)
    total = _amount(report.total, report.currency)
    _echo(
        args,
        f"{path}: aged balance at {report.as_of.isoformat()}, {len(report.rows)} customers, "
        f"total {total} {report.currency}, {len(export.content)} bytes",
    )
    return True


def aging_cmd(args):
    from solde.reports.queries import aging

    company = _company(args)
    report = aging(company=company, as_of=args.as_of or clock.today())
    doc = aging_document(report)
    if _aging_file(args, report, company):
        return doc
    if not args.json:
        _print_table(report, doc)
    credit = _amount(report.credit, report.currency)
    _echo(args, f"Customer credit, not netted above: {credit} {report.currency}.")
    return doc


def register(add, group, date_type) -> None:
    from solde.cli_digest import register_digest
    from solde.cli_forecast import register_forecast
    from solde.cli_kpis import register_kpis

    reports = group("report", "reports on the receivables")
    register_digest(add, reports, date_type)
    register_forecast(add, reports, date_type)
    register_kpis(add, reports, date_type)
    p = add("aging", aging_cmd, "the aged balance at the end of a day", reports, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--as-of", type=date_type, help="default: today")
    files = p.add_mutually_exclusive_group()
    for extension in EXPORTS:
        files.add_argument(f"--{extension}", metavar="FILE", help=f"write it to FILE ({extension})")
