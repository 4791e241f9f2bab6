"""The sub-commands of `solde`: each parses its arguments, calls one service or query,
and returns a JSON-able document (printed with --json) after printing a human view."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

COMMANDS: dict[str, str] = {}


def _amount(value: Decimal, currency: str) -> str:
    from solde.core.money import format_amount

    return format_amount(value, currency)


def _company(args):
    from solde.companies.queries import company_get

    return company_get(slug=args.company)


def _echo(args, text: str) -> None:
    """Human output, silenced by --json (stdout then carries only the document)."""
    if not getattr(args, "json", False):
        print(text)


def _table(args, title: str, columns: list[str], rows: list[list[str]]) -> None:
    if getattr(args, "json", False):
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column in _NUMERIC else "left")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


_NUMERIC = {"Total", "Balance", "Amount", "Receivable", "Credit"}


def progress_bar(label: str):
    """A rich progress callback on a terminal, or a silent one elsewhere."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


# -- company, users, tokens --------------------------------------------------------------


def company_create_cmd(args):
    from solde.companies.services import company_create

    company = company_create(
        slug=args.slug,
        name=args.name,
        siren=args.siren or "",
        vat_number=args.vat or "",
        iban=args.iban or "",
        actor="cli",
    )
    _echo(args, f"Company {company.slug} created.")
    return {"slug": company.slug, "id": str(company.public_id), "name": company.name}


def user_create_cmd(args):
    from solde.companies.services import user_create

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    user = user_create(
        email=args.email, company=_company(args), role=args.role, password=password, actor="cli"
    )
    _echo(args, f"{user.email} is {args.role} of {args.company}.")
    return {"email": user.email, "company": args.company, "role": args.role}


def token_create_cmd(args):
    from django.contrib.auth import get_user_model

    from solde.companies.services import token_create
    from solde.core.errors import NotFound

    user = get_user_model().objects.filter(username=args.user.strip().lower()).first()
    if user is None:
        raise NotFound(f"No user {args.user!r}.", field="user")
    token, key = token_create(user=user, company=_company(args), scope=args.scope, actor="cli")
    _echo(args, key)
    return {"token": key, "scope": token.scope, "company": args.company, "user": user.email}


# -- customers ---------------------------------------------------------------------------


def customer_create_cmd(args):
    from solde.customers.services import customer_create

    customer = customer_create(
        company=_company(args),
        code=args.code,
        name=args.name,
        siren=args.siren or "",
        email=args.email or "",
        actor="cli",
    )
    _echo(args, f"Customer {customer.code} created.")
    return {"id": str(customer.public_id), "code": customer.code, "name": customer.name}


def customer_statement_cmd(args):
    from solde.cli_reports import write_export
    from solde.customers.queries import customer_get
    from solde.customers.statement import customer_statement
    from solde.customers.statement_exports import statement_sheet
    from solde.customers.statement_pdf import statement_pdf

    company = _company(args)
    customer = customer_get(company=company, ref=args.ref)
    statement = customer_statement(
        company=company, customer=customer, start=args.start, end=args.end
    )
    sheet = "csv" if args.csv else "xlsx" if args.xlsx else None
    content = statement_sheet(statement, sheet) if sheet else statement_pdf(statement)
    path = args.csv or args.xlsx or args.out
    write_export(path, content)
    closing = ", ".join(
        f"{_amount(s.closing, s.currency)} {s.currency}" for s in statement.sections
    )
    print(
        f"{path}: statement of {customer.code or customer.public_id} from "
        f"{statement.start.isoformat()} to {statement.end.isoformat()}, "
        f"closing balance {closing}, {len(content)} bytes"
    )


# -- invoices ----------------------------------------------------------------------------


def _parse_line(text: str) -> dict:
    from solde.core.errors import ValidationError

    parts = text.split("|")
    if len(parts) != 4:
        raise ValidationError(
            f"--line {text!r}: expected DESCRIPTION|QTY|UNIT_PRICE|VAT_RATE.", field="line"
        )
    description, quantity, price, rate = (p.strip() for p in parts)
    return {
        "description": description,
        "quantity": quantity.replace(",", "."),
        "unit_price": price.replace(",", "."),
        "vat_rate": rate.replace(",", "."),
    }


def invoice_document(invoice, *, with_lines: bool = False) -> dict:
    from solde.invoicing.queries import display_status

    cur = invoice.currency
    doc = {
        "id": str(invoice.public_id),
        "number": invoice.number,
        "kind": invoice.kind,
        "customer_code": invoice.customer.code,
        "customer_name": invoice.customer.name,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "currency": cur,
        "total": _amount(invoice.total, cur),
        "balance": _amount(invoice.balance if not invoice.is_draft else invoice.total, cur),
        "status": display_status(invoice),
    }
    if with_lines:
        doc["total_excl_tax"] = _amount(invoice.total_excl_tax, cur)
        doc["total_tax"] = _amount(invoice.total_tax, cur)
        doc["corrects"] = invoice.corrects.number if invoice.corrects_id else None
        doc["lines"] = [
            {
                "description": line.description,
                "quantity": f"{line.quantity.normalize():f}",
                "unit_price": f"{line.unit_price.normalize():f}",
                "vat_category": line.vat_category,
                "vat_rate": f"{line.vat_rate.normalize():f}",
                "net_amount": _amount(line.net_amount, cur),
            }
            for line in invoice.lines.all()
        ]
        doc["vat_breakdown"] = [
            {
                "category": g.category,
                "rate": f"{g.rate.normalize():f}",
                "taxable": _amount(g.taxable, cur),
                "tax": _amount(g.tax, cur),
            }
            for g in invoice.vat_breakdown.all()
        ]
        doc["allocations"] = [
            {
                "kind": a.kind,
                "amount": _amount(a.amount, cur),
                "date": a.date.isoformat(),
                "undone_on": a.undone_on.isoformat() if a.undone_on else None,
                "reason": a.reason,
            }
            for a in invoice.allocations.all()
        ]
    return doc


def invoice_create_cmd(args):
    from solde.customers.queries import customer_get
    from solde.invoicing.services import invoice_create, invoice_issue

    lines = [_parse_line(text) for text in args.line]
    company = _company(args)
    customer = customer_get(company=company, ref=args.customer)
    fields = {}
    if args.date:
        fields["issue_date"] = args.date
    if args.due:
        fields["due_date"] = args.due
    invoice = invoice_create(
        company=company,
        customer=customer,
        actor="cli",
        lines=lines,
        kind="deposit" if args.deposit else "invoice",
        **fields,
    )
    if args.issue:
        invoice = invoice_issue(invoice=invoice, actor="cli")
    _echo(
        args,
        f"Invoice {invoice.number or invoice.public_id} ({invoice.total} "
        f"{invoice.currency}) {'issued' if args.issue else 'saved as draft'}.",
    )
    return invoice_document(invoice, with_lines=True)


def invoice_issue_cmd(args):
    from solde.invoicing.queries import invoice_get
    from solde.invoicing.services import invoice_issue

    invoice = invoice_get(company=_company(args), ref=args.ref)
    invoice = invoice_issue(invoice=invoice, issue_date=args.date, actor="cli")
    _echo(args, f"Issued {invoice.number}.")
    return invoice_document(invoice, with_lines=True)


def invoice_list_cmd(args):
    from solde.customers.queries import customer_get
    from solde.invoicing.queries import invoice_list

    company = _company(args)
    customer = customer_get(company=company, ref=args.customer) if args.customer else None
    rows = invoice_list(company=company, status=args.status, customer=customer).order_by(
        "issue_date", "number"
    )
    docs = [invoice_document(invoice) for invoice in rows.iterator(chunk_size=2000)]
    _table(
        args,
        f"Invoices of {company.slug}",
        ["Number", "Customer", "Issued", "Due", "Total", "Balance", "Status"],
        [
            [
                d["number"] or "(draft)",
                d["customer_code"],
                d["issue_date"] or "",
                d["due_date"] or "",
                d["total"],
                d["balance"],
                d["status"],
            ]
            for d in docs
        ],
    )
    return {"invoices": [{k: d[k] for k in LIST_KEYS} for d in docs]}


LIST_KEYS = (
    "number",
    "customer_code",
    "customer_name",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "balance",
    "status",
)


def invoice_show_cmd(args):
    from solde.invoicing.queries import invoice_get

    doc = invoice_document(invoice_get(company=_company(args), ref=args.number), with_lines=True)
    if not args.json:
        for key in (
            "number",
            "kind",
            "customer_name",
            "issue_date",
            "due_date",
            "total_excl_tax",
            "total_tax",
            "total",
            "balance",
            "status",
        ):
            print(f"{key:>15}: {doc[key]}")
        for line in doc["lines"]:
            print(
                f"  - {line['description']}: {line['quantity']} × {line['unit_price']} "
                f"({line['vat_rate']} %) = {line['net_amount']}"
            )
    return doc


def invoice_pdf_cmd(args):
    from pathlib import Path

    from solde.invoicing.pdf import invoice_pdf_bytes
    from solde.invoicing.queries import invoice_get

    invoice = invoice_get(company=_company(args), ref=args.number)
    content = invoice_pdf_bytes(invoice=invoice)
    Path(args.out).write_bytes(content)
    print(f"{args.out}: {invoice.number}, {len(content)} bytes, SHA-256 {invoice.pdf_sha256}")


def invoice_credit_note_cmd(args):
    from solde.invoicing.queries import invoice_get
    from solde.invoicing.services import credit_note_create, invoice_issue

    invoice = invoice_get(company=_company(args), ref=args.number)
    lines = [_parse_line(text) for text in args.line] if args.line else None
    note = credit_note_create(invoice=invoice, lines=lines, reason=args.reason or "", actor="cli")
    note = invoice_issue(invoice=note, actor="cli")
    _echo(args, f"Credit note {note.number} issued for {invoice.number}.")
    return invoice_document(note, with_lines=True)


# -- payments, balances, exports ---------------------------------------------------------


def payment_record_cmd(args):
    from solde.customers.queries import customer_get
    from solde.invoicing.queries import invoice_get
    from solde.payments.services import payment_record

    company = _company(args)
    customer = customer_get(company=company, ref=args.customer) if args.customer else None
    invoices = [invoice_get(company=company, ref=number) for number in args.invoice or []]
    payment = payment_record(
        company=company,
        amount=args.amount.replace(",", "."),
        date=args.date,
        customer=customer,
        invoices=invoices,
        currency=args.currency,
        method=args.method,
        reference=args.reference or "",
        actor="cli",
        write_off_difference=args.write_off_difference,
    )
    cur = payment.currency
    doc = {
        "id": str(payment.public_id),
        "date": payment.date.isoformat(),
        "currency": cur,
        "amount": _amount(payment.amount, cur),
        "customer_code": payment.customer.code,
        "unallocated": _amount(payment.unallocated, cur),
        "allocations": [
            {"invoice": a.invoice.number, "amount": _amount(a.amount, cur)}
            for a in payment.allocations.select_related("invoice")
        ],
    }
    _echo(
        args,
        f"Payment of {doc['amount']} {cur} recorded; "
        f"{doc['unallocated']} {cur} left as customer credit.",
    )
    return doc


def balance_cmd(args):
    from solde.core import clock
    from solde.customers.models import Customer
    from solde.payments.queries import customer_balances

    company = _company(args)
    day = args.as_of or clock.today()
    ids = None
    if args.customer:
        from solde.customers.queries import customer_get

        ids = [customer_get(company=company, ref=args.customer).pk]
    rows = customer_balances(company, day, ids)
    names = dict(Customer.objects.for_company(company).values_list("pk", "code"))
    docs = [
        {
            "customer_code": names.get(r.customer_id, ""),
            "currency": r.currency,
            "receivable": _amount(r.receivable, r.currency),
            "credit": _amount(r.credit, r.currency),
            "balance": _amount(r.balance, r.currency),
        }
        for r in rows
    ]
    _table(
        args,
        f"Balances at {day.isoformat()}",
        ["Customer", "Receivable", "Credit", "Balance"],
        [[d["customer_code"], d["receivable"], d["credit"], d["balance"]] for d in docs],
    )
    return {"as_of": day.isoformat(), "customers": docs}


def check_cmd(args):
    from solde.payments.checks import check_caches

    problems = check_caches(company=_company(args), fix=args.fix)
    for problem in problems:
        print(problem, file=sys.stderr)
    _echo(
        args,
        "Caches agree with the allocations."
        if not problems
        else f"{len(problems)} cached balances differed"
        + (" and were rebuilt." if args.fix else "."),
    )
    if args.json:
        return {"problems": problems, "fixed": bool(args.fix)}
    return 1 if problems and not args.fix else 0


def import_cmd(args):
    from solde.invoicing import imports

    if args.kind == "bank":
        from solde.cli_bank import import_bank

        return import_bank(args)
    if len(args.files) != 1:
        from solde.core.errors import ValidationError

        raise ValidationError(f"Import {args.kind} from one file at a time.", field="file")
    args.file = args.files[0]

    company = _company(args)
    bar, update = progress_bar(f"Importing {args.kind}")
    run = imports.import_customers if args.kind == "customers" else imports.import_invoices
    if bar:
        with bar:
            result = run(
                company=company, path=args.file, dry_run=args.dry_run, actor="cli", progress=update
            )
    else:
        result = run(company=company, path=args.file, dry_run=args.dry_run, actor="cli")
    doc = result.as_dict()
    _echo(args, result.summary())
    return doc


def demo_cmd(args):
    from solde.demo import demo_create

    bar, update = progress_bar("Creating the demo company")
    if bar:
        with bar:
            company = demo_create(slug=args.company, progress=update)
    else:
        company = demo_create(slug=args.company)
    _echo(args, f"Demo company {company.slug} created: sign in as demo@solde.test / demo-solde.")
    return {"slug": company.slug}


def manage_cmd(args):
    from django.core.management import execute_from_command_line

    execute_from_command_line(["solde manage", *args.rest])


def register(sub, date_type) -> None:  # noqa: PLR0915 - a flat list reads best here
    from solde import cli_bank, cli_remind, cli_reports, serving

    def add(name: str, handler, help_: str, parent=sub, json_flag: bool = False):
        parser = parent.add_parser(name, help=help_, description=help_)
        parser.set_defaults(handler=handler)
        if json_flag:
            parser.add_argument("--json", action="store_true", help="print one JSON document")
        COMMANDS[name] = help_
        return parser

    def group(name: str, help_: str):
        parser = sub.add_parser(name, help=help_)
        return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="ACTION")

    p = add("serve", serving.serve_cmd, "web server and a background worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help="load the demo company if absent")
    p.add_argument("--workers", type=int, default=2)
    add("worker", serving.worker_cmd, "a background worker alone")
    p = add("demo", demo_cmd, "create the demo company", json_flag=True)
    p.add_argument("--company", default="demo")

    companies = group("company", "companies")
    p = add("create", company_create_cmd, "create a company", companies, json_flag=True)
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--siren")
    p.add_argument("--vat")
    p.add_argument("--iban")

    users = group("user", "users")
    p = add("create", user_create_cmd, "create a user in a company", users, json_flag=True)
    p.add_argument("email")
    p.add_argument("--company", required=True)
    p.add_argument("--role", required=True, choices=["owner", "accountant", "sales", "viewer"])
    p.add_argument("--password-stdin", action="store_true")

    tokens = group("token", "API keys")
    p = add("create", token_create_cmd, "create an API key", tokens, json_flag=True)
    p.add_argument("--user", required=True)
    p.add_argument("--company", required=True)
    p.add_argument("--scope", choices=["read", "write"], default="read")

    customers = group("customer", "customers")
    p = add("create", customer_create_cmd, "create a customer", customers, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--siren")
    p.add_argument("--email")
    p = add("statement", customer_statement_cmd, "write a customer's statement file", customers)
    p.add_argument("ref", metavar="CODE_OR_ID")
    p.add_argument("--company", required=True)
    p.add_argument("--from", dest="start", type=date_type, help="default: 1 January")
    p.add_argument("--to", dest="end", type=date_type, help="default: today")
    files = p.add_mutually_exclusive_group(required=True)
    files.add_argument("--out", metavar="FILE", help="write the PDF to FILE")
    files.add_argument("--csv", metavar="FILE", help="write it to FILE as CSV")
    files.add_argument("--xlsx", metavar="FILE", help="write it to FILE as XLSX")

    p = add(
        "import",
        import_cmd,
        "import customers, invoices (CSV, XLSX) or a bank statement",
        json_flag=True,
    )
    p.add_argument("kind", choices=["customers", "invoices", "bank"])
    p.add_argument("files", nargs="+", metavar="FILE", help="bank statements: one or several")
    p.add_argument("--company", required=True)
    p.add_argument("--dry-run", action="store_true", help="customers and invoices only")
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", "camt053", "mt940", "ofx", "cfonb120", "csv"],
        help="bank statements: the file's format (default: recognised)",
    )
    p.add_argument(
        "--account", help="bank statements: the account (IBAN), made if new; CSV files need it"
    )
    p.add_argument(
        "--csv-preset",
        help="bank CSV: the bank's column layout, kept for the account (see docs/bank-csv.md)",
    )
    p.add_argument("--no-match", action="store_true", help="bank statements: import only")

    invoices = group("invoice", "invoices")
    p = add("create", invoice_create_cmd, "create an invoice", invoices, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--customer", required=True)
    p.add_argument(
        "--line", action="append", required=True, metavar="DESCRIPTION|QTY|UNIT_PRICE|VAT_RATE"
    )
    p.add_argument("--date", type=date_type)
    p.add_argument("--due", type=date_type)
    p.add_argument("--issue", action="store_true")
    p.add_argument("--deposit", action="store_true", help="a deposit invoice (acompte)")
    p = add("list", invoice_list_cmd, "list invoices", invoices, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--status")
    p.add_argument("--customer")
    p = add("show", invoice_show_cmd, "show an invoice", invoices, json_flag=True)
    p.add_argument("number")
    p.add_argument("--company", required=True)
    p = add("issue", invoice_issue_cmd, "issue a draft (by its id)", invoices, json_flag=True)
    p.add_argument("ref")
    p.add_argument("--company", required=True)
    p.add_argument("--date", type=date_type)
    p = add("pdf", invoice_pdf_cmd, "write the Factur-X PDF of an issued invoice", invoices)
    p.add_argument("number")
    p.add_argument("--company", required=True)
    p.add_argument("--out", required=True)
    p = add("credit-note", invoice_credit_note_cmd, "issue a credit note", invoices, json_flag=True)
    p.add_argument("number")
    p.add_argument("--company", required=True)
    p.add_argument("--line", action="append", help="partial credit: lines to credit")
    p.add_argument("--reason")

    payments = group("payment", "payments")
    p = add("record", payment_record_cmd, "record a payment", payments, json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--amount", required=True)
    p.add_argument("--date", type=date_type, required=True)
    p.add_argument("--customer")
    p.add_argument("--invoice", action="append")
    p.add_argument("--currency")
    p.add_argument("--method", default="transfer")
    p.add_argument("--reference")
    p.add_argument(
        "--write-off-difference",
        action="store_true",
        help="write off a remaining gap within the company's tolerance",
    )

    p = add("balance", balance_cmd, "customer balances at a date", json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--as-of", type=date_type)
    p.add_argument("--customer")

    cli_bank.register(add, group, date_type)
    cli_remind.register(add, group, date_type)
    cli_reports.register(add, group, date_type)

    p = add("check", check_cmd, "rebuild cached balances and compare", json_flag=True)
    p.add_argument("--company", required=True)
    p.add_argument("--fix", action="store_true")

    p = add("manage", manage_cmd, "Django management commands (operators)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
