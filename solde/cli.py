"""The `solde` command: parses arguments, calls services and queries, prints.

Contract (DESIGN.md): every command migrates a fresh data directory first; `--json`
prints one JSON document; bad input exits 1 with a message on stderr naming the
file, line and field; a usage error exits 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable

from solde.cli_commands import COMMANDS, register


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="solde", description="Solde: invoices and balances.")
    parser.add_argument("--today", type=_date, help="run as if today were this date (YYYY-MM-DD)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register(sub, _date)
    return parser


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solde.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable = args.handler
    if getattr(args, "needs_django", True):
        setup_django()
    from solde.core import clock
    from solde.core.errors import SoldeError

    if args.today:
        clock.set_today(args.today)
    try:
        result = handler(args)
    except SoldeError as exc:
        print(f"solde: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if result is None:
        return 0
    if isinstance(result, int):
        return result
    if getattr(args, "json", False):
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0


__all__ = ["COMMANDS", "main", "build_parser"]

if __name__ == "__main__":
    sys.exit(main())
