"""Bank statements imported and matched end to end, on a realistic noisy case with an answer key.

    .venv/bin/python bench/matching.py            # 5,000 lines, 10,000 open invoices
    .venv/bin/python bench/matching.py --scale    # 100,000 lines, 200,000 open invoices

The case is bench/matching_case.py's (its docstring lists the shares of each situation:
exact and retyped references, none, partial payments, grouped payments, bank fees,
factoring companies, overpayments, unrelated credits, debits, equal amounts). Customers,
their known IBANs and learned aliases, and the open invoices are written to the database
with bulk_create (the set-up is not what is measured); the bank lines are written as
monthly CAMT.053 files and each is imported with `statement_import`, which reads the file,
adds its lines in one transaction and matches them: that is what is timed.

Prints the precision of automatic allocations, the share of matchable lines matched
automatically, the share whose answer is among the top three proposals, counts per
outcome, the time of each file and in all, and the process's peak memory. Never asserts.
SQLite in a fresh data directory unless SOLDE_DATABASE_URL is set (then it is FLUSHED).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_ready  # noqa: E402
from matching_case import Case, make_case  # noqa: E402

ACCOUNT = "FR7630006000011234567890189"
BATCH = 5000


def write_ledger(company, case: Case) -> tuple[dict[int, int], dict[int, int]]:
    """Customers, what is known of them, and the open invoices; the case → database ids."""
    from solde.banking.models import PayerRule, ReferenceHabit
    from solde.customers.models import Customer, CustomerIban
    from solde.invoicing.models import Invoice
    from solde.payments.models import Allocation, Payment

    rows = [
        Customer(company=company, code=p.code or f"C{p.customer_id}", name=p.name)
        for p in case.payers
    ]
    Customer.objects.bulk_create(rows, batch_size=BATCH)
    customers = {p.customer_id: row.pk for p, row in zip(case.payers, rows, strict=True)}
    CustomerIban.objects.bulk_create(
        (
            CustomerIban(customer_id=customers[p.customer_id], iban=i)
            for p in case.payers
            for i in p.ibans
        ),
        batch_size=BATCH,
    )
    PayerRule.objects.bulk_create(
        (
            PayerRule(company=company, kind="name", value=a, customer_id=customers[p.customer_id])
            for p in case.payers
            for a in p.aliases
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    PayerRule.objects.bulk_create(
        (
            PayerRule(
                company=company,
                kind="iban" if v[:2].isalpha() and v[2:4].isdigit() else "name",
                value=v,
                never_customer=True,
            )
            for v in case.knowledge.not_customers
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    ReferenceHabit.objects.bulk_create(
        (
            ReferenceHabit(company=company, customer_id=customers[p.customer_id], token=h)
            for p in case.payers
            for h in p.habits
        ),
        batch_size=BATCH,
    )
    invoices = {}
    for start in range(0, len(case.invoices), BATCH):
        chunk = case.invoices[start : start + BATCH]
        created = Invoice.objects.bulk_create(
            Invoice(
                company=company,
                customer_id=customers[i.customer_id],
                number=i.number,
                state="issued",
                kind="invoice",
                currency=i.currency,
                issue_date=i.issue_date,
                due_date=i.due_date,
                total_excl_tax=i.total,
                total=i.total,
                balance=i.balance,
                status="open" if i.balance == i.total else "partially_paid",
            )
            for i in chunk
        )
        invoices.update((i.id, row.pk) for i, row in zip(chunk, created, strict=True))
        partly = [(i, row) for i, row in zip(chunk, created, strict=True) if i.balance != i.total]
        payments = Payment.objects.bulk_create(
            Payment(
                company=company,
                customer_id=row.customer_id,
                date=i.issue_date,
                amount=i.total - i.balance,
                unallocated=Decimal(0),
            )
            for i, row in partly
        )
        Allocation.objects.bulk_create(
            Allocation(
                company=company,
                kind="payment",
                invoice=row,
                customer_id=row.customer_id,
                payment=payment,
                amount=payment.amount,
                date=payment.date,
            )
            for (i, row), payment in zip(partly, payments, strict=True)
        )
    return customers, invoices


def statement_files(case: Case) -> list[tuple[str, bytes]]:
    """The credits and debits as weekly CAMT.053 files; a line's bank ref names its credit."""
    from solde.formats import camt053_writer
    from solde.formats.bankstatement import Statement, StatementLine

    months: dict[tuple[int, int], list[StatementLine]] = defaultdict(list)  # by ISO week
    for c in case.credits:
        months[c.date.isocalendar()[:2]].append(
            StatementLine(
                booking_date=c.date,
                amount=c.amount,
                currency=c.currency,
                bank_ref=f"C{c.key}",
                end_to_end_id=c.end_to_end_id,
                counterparty_name=c.counterparty_name,
                counterparty_iban=c.counterparty_iban,
                remittance=c.remittance,
                structured_ref=c.structured_ref,
            )
        )
    for n, (day, amount, name, text) in enumerate(case.debits):
        months[day.isocalendar()[:2]].append(
            StatementLine(
                booking_date=day,
                amount=amount,
                currency="EUR",
                bank_ref=f"D{n}",
                counterparty_name=name,
                remittance=text,
            )
        )
    files = []
    for (year, month), lines in sorted(months.items()):
        lines.sort(key=lambda line: line.booking_date)
        statement = Statement(account=ACCOUNT, currency="EUR", lines=tuple(lines))
        files.append((f"releve-{year}-W{month:02d}.xml", camt053_writer.write([statement])))
    return files


def evaluate(company, case: Case, customers: dict[int, int], invoices: dict[int, int]) -> dict:
    from solde.banking.models import BankLine
    from solde.payments.models import Allocation

    to_case_customer = {db: key for key, db in customers.items()}
    to_case_invoice = {db: key for key, db in invoices.items()}
    allocated = defaultdict(list)
    for payment_id, invoice_id, amount in Allocation.objects.filter(
        company=company, payment__source="bank"
    ).values_list("payment_id", "invoice_id", "amount"):
        allocated[payment_id].append((to_case_invoice[invoice_id], amount))

    def same(customer_db, pairs, answer) -> bool:
        return to_case_customer.get(customer_db) == answer.customer_id and sorted(pairs) == sorted(
            answer.allocations
        )

    figures = Counter()
    lines = BankLine.objects.filter(company=company, amount__gt=0).values_list(
        "bank_ref", "status", "payment__customer_id", "payment_id", "proposals"
    )
    for bank_ref, status, customer_db, payment_id, proposals in lines.iterator(chunk_size=5000):
        answer = case.answer[bank_ref[1:]]
        figures[status] += 1
        right = status == "matched" and same(customer_db, allocated[payment_id], answer)
        if status == "matched":
            figures["auto"] += 1
            figures["auto_right"] += right
        if answer.matchable:
            figures["matchable"] += 1
            figures["matchable_auto"] += right
            top = right or any(
                same(
                    p["customer"],
                    [(to_case_invoice[i], Decimal(a)) for i, a in p["allocations"]],
                    answer,
                )
                for p in proposals[:3]
            )
            figures["top3"] += top
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="100,000 lines, 200,000 invoices")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines", type=int, help="credit lines (with --invoices, --customers)")
    parser.add_argument("--invoices", type=int)
    parser.add_argument("--customers", type=int)
    args = parser.parse_args()
    lines, invoices, customers = (
        (100_000, 200_000, 20_000) if args.scale else (5_000, 10_000, 2_000)
    )
    vendor = django_ready()

    from solde.banking.services import statement_files_import
    from solde.companies.services import company_create
    from solde.core import clock

    clock.set_today(date(2026, 11, 30))
    lines, invoices = args.lines or lines, args.invoices or invoices
    customers = args.customers or customers
    case = make_case(lines=lines, invoices=invoices, customers=customers, seed=args.seed)
    company = company_create(slug="bench", name="Bench SAS")
    company.match_threshold = case.settings.threshold
    company.write_off_tolerance = case.settings.tolerance
    company.save(update_fields=["match_threshold", "write_off_tolerance"])
    started = time.perf_counter()
    customer_ids, invoice_ids = write_ledger(company, case)
    files = statement_files(case)
    print(
        f"database: {vendor}; {len(case.credits):,} credits and {len(case.debits):,} debits "
        f"in {len(files)} weekly CAMT.053 files, {len(case.invoices):,} open invoices, "
        f"{customers:,} customers; set up in {time.perf_counter() - started:.0f} s"
    )
    folder = Path(tempfile.mkdtemp(prefix="solde-bench-statements-"))
    paths = []
    for name, data in files:
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    size = sum(len(data) for _, data in files) / 2**20
    started = time.perf_counter()
    result = statement_files_import(company=company, paths=paths, actor="bench")
    total = time.perf_counter() - started
    print(
        f"imported {len(paths)} files ({size:.0f} MB, {result.lines:,} lines) in one call: "
        f"{result.auto_matched:,} auto, {result.suggested:,} suggested, "
        f"{result.unmatched:,} unmatched, {result.ignored:,} ignored"
    )
    f = evaluate(company, case, customer_ids, invoice_ids)

    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.2f} %" if whole else "n/a"

    print(f"precision of automatic allocations: {share(f['auto_right'], f['auto'])} "
          f"({f['auto_right']:,}/{f['auto']:,})")  # fmt: skip
    print(f"matchable lines matched automatically: {share(f['matchable_auto'], f['matchable'])} "
          f"({f['matchable_auto']:,}/{f['matchable']:,})")  # fmt: skip
    print(f"matchable lines with the answer in the top 3: {share(f['top3'], f['matchable'])}")
    print("credit lines: " + ", ".join(
        f"{k} {f[k]:,}" for k in ("matched", "suggested", "unmatched", "ignored")))  # fmt: skip
    # The other processes: the file reader (spawned) and the matching process (forked, so
    # its RSS counts the pages it still shares with this one).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    other = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"import and matching: {total:.1f} s in all; peak RSS {peak:,.0f} MB (set-up included), "
          f"largest other process {other:,.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
