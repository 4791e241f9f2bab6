"""The bank sub-commands of `solde`: import statements, match, export allocations."""

from __future__ import annotations

from solde.cli_commands import _amount, _company, _echo
from solde.core.errors import ValidationError


def import_bank(args):
    from solde.banking.services import (
        bank_account_ensure,
        bank_account_set_csv_mapping,
        statement_files_import,
    )

    company = _company(args)
    account = bank_account_ensure(company=company, number=args.account) if args.account else None
    if args.csv_preset:
        if account is None:
            raise ValidationError(
                "--csv-preset needs --account: CSV files name none.", field="account"
            )
        bank_account_set_csv_mapping(account=account, mapping=args.csv_preset)
    result = statement_files_import(
        company=company,
        paths=args.files,
        format=args.format,
        account=account,
        match=not args.no_match,
        actor="cli",
    )
    _echo(args, result.summary())
    for text in result.balance_breaks:
        _echo(args, f"Balance break: {text}")
    for text in result.warnings:
        _echo(args, f"Warning: {text}")
    return result.as_dict()


def match_cmd(args):
    from solde.banking.matching import lines_match

    outcome = lines_match(company=_company(args), actor="cli")
    doc = outcome.as_dict()
    _echo(
        args,
        f"{outcome.auto} lines matched automatically, {outcome.suggested} suggested, "
        f"{outcome.unmatched} unmatched, {outcome.ignored} ignored.",
    )
    return doc


def export_allocations_cmd(args):
    from solde.banking.queries import allocation_export

    docs = [
        {
            "bank_ref": row.bank_ref,
            "invoice": row.invoice,
            "amount": _amount(row.amount, row.currency),
            "date": row.date.isoformat(),
            "how": row.how,
            "kind": row.kind,
        }
        for row in allocation_export(company=_company(args))
    ]
    _echo(args, f"{len(docs)} allocations.")
    return {"allocations": docs}


def register(add, group, date_type) -> None:
    p = add("match", match_cmd, "match the open bank lines to invoices", json_flag=True)
    p.add_argument("--company", required=True)
    exports = group("export", "exports")
    p = add("allocations", export_allocations_cmd, "export allocations", exports, json_flag=True)
    p.add_argument("--company", required=True)
