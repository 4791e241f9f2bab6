"""`solde report digest`: the weekly digest to owners, printed, or queued with --send."""

from __future__ import annotations

from datetime import timedelta

from solde.cli_commands import _company, _echo
from solde.core import clock


def digest_cmd(args):
    from solde.reports.digest import digest_build, digest_figures
    from solde.reports.digest_email import digest_email, digest_language
    from solde.reports.services import digest_send

    company = _company(args)
    as_of = args.as_of or clock.today() - timedelta(days=1)
    if args.send:
        record, queued = digest_send(company=company, week_end=as_of)
        doc = {**record.figures, "queued": queued, "recipients": record.recipients}
        to = ", ".join(record.recipients) or "nobody (the company has no owner)"
        if queued:
            _echo(args, f"Digest of the week ending {as_of.isoformat()} queued for {to}.")
        else:
            _echo(args, f"Digest of the week ending {as_of.isoformat()} already sent to {to}.")
        return doc
    digest = digest_build(company=company, as_of=as_of)
    subject, body = digest_email(digest, digest_language())
    _echo(args, f"{subject}\n\n{body}")
    return digest_figures(digest)


def register_digest(add, reports, date_type) -> None:
    p = add("digest", digest_cmd, "the weekly digest to owners", reports, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--as-of", type=date_type, help="the last day of the week (default: yesterday)")
    p.add_argument("--send", action="store_true", help="queue it to each owner, once a week")
