"""The reminder sub-commands of `solde`: the run (`remind`) and the ECB rate table."""

from __future__ import annotations

from decimal import Decimal

from solde.cli_commands import _company, _echo
from solde.core import clock


def remind_cmd(args):
    from solde.reminders.run import reminders_run
    from solde.reminders.services import plan_default_ensure

    if args.remind_today:
        clock.set_today(args.remind_today)
    company = _company(args)
    plan_default_ensure(company=company)  # a company that chose none follows the default
    report = reminders_run(company=company, dry_run=args.dry_run, actor="cli")
    verb = "would send" if args.dry_run else "queued"
    for message in report.messages:
        numbers = ", ".join(line.chased.number for line in message.lines)
        _echo(
            args,
            f"{message.customer_code or message.customer_id}: {message.step_name} "
            f"({message.channel}) — {numbers} — {message.total_due:.2f} {message.currency}",
        )
    _echo(args, f"{report.today}: {verb} {len(report.messages)} reminder(s).")
    return report.as_dict()


def _rate(rate) -> str:
    """A rate as the ECB writes it: two decimals, more only when it has them."""
    two = f"{rate:.2f}"
    return two if Decimal(two) == rate else f"{rate.normalize():f}"


def rates_list_cmd(args):
    from solde.reminders.compose import rates_table

    rows = [{"start": p.start.isoformat(), "rate": _rate(p.rate)} for p in rates_table()]
    for row in rows:
        _echo(args, f"{row['start']}  {row['rate']} %")
    return {"rates": rows}


def rates_set_cmd(args):
    from solde.reminders.services import policy_rate_set

    row = policy_rate_set(start=args.start, rate=args.rate)
    _echo(args, f"ECB main refinancing rate {_rate(row.rate)} % from {row.start}.")
    return {"start": row.start.isoformat(), "rate": _rate(row.rate)}


def register(add, group, date_type) -> None:
    p = add("remind", remind_cmd, "plan and send today's reminders", json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--today", dest="remind_today", type=date_type, help="as if today were D")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent")
    rates = group("rates", "the ECB main refinancing rate behind legal late fees")
    add("list", rates_list_cmd, "the rates known", rates, json_flag=True)
    p = add("set", rates_set_cmd, "add or correct a rate from a date", rates, json_flag=True)
    p.add_argument("start", type=date_type)
    p.add_argument("rate")
