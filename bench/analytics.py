"""Receivables figures over 1,000,000 invoices and 2,000,000 allocations (issue #6).

    .venv/bin/python bench/analytics.py                        # SQLite, fresh data directory
    .venv/bin/python bench/analytics.py --invoices 20000       # a small case
    SOLDE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/solde_bench \\
      .venv/bin/python bench/analytics.py                      # PostgreSQL (FLUSHED first)
    SOLDE_DATA_DIR=/tmp/solde-bench-… .venv/bin/python bench/analytics.py --reuse --explain

One company whose three years of receivables bench/analytics_case.py draws (its
docstring says what happens to the invoices): 20,000 customers in segments, the
documents (invoices, deposits, credit notes, a few in USD or GBP) with their parties'
snapshots, their payments and allocations (partial and full payments, bounced ones
undone, settlement gaps and bad debts written off, credit notes applied), disputes, and
caches consistent with them. The rows are written with COPY (PostgreSQL) or one
executemany per table and chunk (SQLite), secondary indexes built at the end, by a child
process, so the peak memory printed for the figures is their own.

Then, each after one warm-up, the best of `--runs` (3) runs of: the aged balance
(`reports.queries.aging`, totals only and per customer) as of today and a year ago; the
summary, KPIs and DSO trend (`reports.kpis`), the risk scores and the cash-in forecast
when those modules exist; the dashboard (the company's home page) and each block it loads
afterwards, and the aged-balance page, through Django's test client logged in as the
owner (the whole server side: middleware, view, queries, template; no network). A figure
slower than `--limit` seconds is stopped and said so. `--reuse` measures again the case
of an earlier run (its SOLDE_DATA_DIR, or PostgreSQL's database not flushed), after any
new migration and fresh statistics. Never asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib
import inspect
import json
import logging
import os
import random
import re
import resource
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import analytics_case as case  # noqa: E402
from _setup import django_ready, indexes_deferred, rows_write  # noqa: E402

TODAY, YEAR_AGO = case.TODAY, case.TODAY - timedelta(days=365)
CHUNK = 50_000  # documents per transaction
SLUG = "bench"


@dataclass(frozen=True)
class Runs:
    count: int  # timed runs after the warm-up
    limit: int  # seconds: a figure slower than this is stopped


def first_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def write_case(company, args) -> None:
    """The whole ledger, chunk by chunk (one transaction each)."""
    from django.db import connection, transaction

    from solde.customers.models import Customer
    from solde.invoicing.models import Invoice
    from solde.invoicing.services import party_snapshot
    from solde.payments.models import Allocation, Payment
    from solde.reminders.models import Dispute

    _fast_session()
    rng = random.Random(args.seed)
    people = case.payers(args.customers, rng, first_id(Customer))
    parts = case.calibrated(people, args.invoices, args.allocations, args.seed)
    seller = json.dumps(party_snapshot(company))  # as invoice_issue keeps it
    ledger = case.Ledger(company.pk, people, rng, parts, seller)
    ledger.start_ids(
        invoice=first_id(Invoice),
        payment=first_id(Payment),
        allocation=first_id(Allocation),
        dispute=first_id(Dispute),
    )
    tables = (
        ("invoice", Invoice, case.INVOICE_COLUMNS),
        ("payment", Payment, case.PAYMENT_COLUMNS),
        ("allocation", Allocation, case.ALLOCATION_COLUMNS),
        ("dispute", Dispute, case.DISPUTE_COLUMNS),
    )
    started = time.perf_counter()
    written = dict.fromkeys(("invoice", "payment", "allocation", "dispute"), 0)
    with indexes_deferred(Invoice, Payment, Allocation, Dispute):
        with transaction.atomic():
            rows_write(Customer, case.CUSTOMER_COLUMNS, case.customer_rows(company.pk, people))
        for rows in case.chunks_of(ledger, args.invoices, CHUNK):
            with transaction.atomic():
                for kind, model, columns in tables:
                    written[kind] += rows_write(model, columns, rows[kind])
            print(
                f"  {written['invoice']:>9,} documents, {written['allocation']:>9,} allocations "
                f"written ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        print(f"  building the indexes ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"  vacuuming, analysing ({time.perf_counter() - started:.0f} s)", flush=True)
    analysed()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")  # as the settings have it


def analysed() -> None:
    """Fresh statistics, as a nightly job keeps them: without them SQLite's planner takes
    poor paths through new indexes. On PostgreSQL, VACUUM also marks the pages
    all-visible, as autovacuum does in production, so index-only scans can be used."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            return
        for table in ("invoicing_invoice", "payments_payment", "payments_allocation"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")


def _fast_session() -> None:
    """The set-up child's own connection. SQLite: no journal, no syncing (a crash loses
    only this throwaway database), a 1 GB page cache. PostgreSQL checks each row's
    foreign keys by a trigger, two thirds of the set-up's time: the rows are right by
    construction (SQLite's foreign_key_check finds nothing wrong in the same case), so
    the session skips them if it may (superuser)."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
            return
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError as error:
            print(f"  foreign keys checked row by row ({error})".rstrip(), flush=True)


def set_up(company, args) -> float:
    """Write the case in a child process; return the time it took."""
    from django.db import connections

    connections.close_all()  # the child must not share the parent's connection
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            write_case(company, args)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit("set-up failed")
    return time.perf_counter() - started


def described(company) -> str:
    from django.db.models import Count

    from solde.invoicing.models import Invoice
    from solde.payments.models import Allocation, Payment
    from solde.reminders.models import Dispute

    documents = Invoice.objects.for_company(company)
    kinds = dict(documents.order_by().values_list("kind").annotate(n=Count("id")))
    statuses = dict(
        documents.exclude(kind="credit_note")
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    allocations = Allocation.objects.for_company(company)
    by_kind = dict(allocations.order_by().values_list("kind").annotate(n=Count("id")))
    others = documents.exclude(currency=company.currency).count()
    return (
        f"{sum(kinds.values()):,} documents ({kinds.get('invoice', 0):,} invoices, "
        f"{kinds.get('deposit', 0):,} deposits, {kinds.get('credit_note', 0):,} credit notes; "
        f"{others:,} not in {company.currency}); status "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))
        + f"\n{allocations.count():,} allocations ("
        + ", ".join(f"{k} {v:,}" for k, v in sorted(by_kind.items()))
        + f"; {allocations.filter(undone_on__isnull=False).count():,} undone), "
        f"{Payment.objects.for_company(company).count():,} payments, "
        f"{Dispute.objects.for_company(company).count():,} disputes"
    )


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Stop the database work of the block after `seconds` (a figure that slow is
    reported as such rather than waited for)."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        return
    timer = threading.Timer(seconds, connection.connection.interrupt)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def best_of(work, runs: Runs) -> tuple[float, list[float]]:
    with time_limit(runs.limit):
        work()  # warm-up: caches as a running server has them
    times = []
    for _ in range(runs.count):
        started = time.perf_counter()
        with time_limit(runs.limit):
            work()
        times.append(time.perf_counter() - started)
    return min(times), times


def show(name: str, work, runs: Runs) -> None:
    started = time.perf_counter()
    try:
        best, times = best_of(work, runs)
    except Exception as error:  # a module being built may fail: say so, measure the rest
        if time.perf_counter() - started >= runs.limit:
            print(f"{name:<50} over {runs.limit} s: stopped", flush=True)
        else:
            print(f"{name:<50} failed: {type(error).__name__}: {error}", flush=True)
        return
    each = " / ".join(f"{t:.3f}" for t in times)
    print(f"{name:<50} {best:>8.3f} s   ({each})", flush=True)


def optional(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        return None


def call(function, **given):
    """Call with the arguments its signature takes (modules still being written)."""
    taken = inspect.signature(function).parameters
    return function(**{k: v for k, v in given.items() if k in taken})


def page(client, path: str):
    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return response

    return get


def later_blocks(response) -> list[str]:
    """The fragments a page loads once shown (htmx hx-get on load), in page order."""
    return [html.unescape(u) for u in re.findall(r'hx-get="([^"]+)"', response.content.decode())]


def pages(company, user, runs: Runs) -> None:
    """The dashboard, each block it loads afterwards, and the aged-balance page."""
    from django.test import Client
    from django.urls import Resolver404, resolve

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # show() tells failures
    client = Client()
    client.force_login(user)
    for when, query in (("today", ""), ("as of a year ago", f"?as_of={YEAR_AGO}")):
        home = f"/c/{SLUG}/{query}"
        show(f"dashboard (home page), {when}", page(client, home), runs)
        try:
            with time_limit(runs.limit):
                blocks = later_blocks(page(client, home)())
        except Exception as error:  # noqa: BLE001 - the failure is already printed
            blocks = []
            print(f"  (its blocks not measured: {error})")
        for url in blocks:
            name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
            show(f"  its block {name!r}", page(client, url), runs)
    try:
        resolve(f"/c/{SLUG}/reports/aging/")
    except Resolver404:
        print(f"/c/{SLUG}/reports/aging/: no such page yet")
        return
    for by in ("customer", "segment"):
        path = f"/c/{SLUG}/reports/aging/?by={by}"
        show(f"aged-balance page, by {by}", page(client, path), runs)


def figures(company, user, runs: Runs) -> None:
    from solde.reports.queries import aging

    for day, when in ((TODAY, "today"), (YEAR_AGO, "a year ago")):
        try:
            with time_limit(runs.limit):
                result = aging(company=company, as_of=day, by=None)
        except Exception as error:  # noqa: BLE001 - said, and measured again below
            print(f"receivables {when} ({day}): not read ({type(error).__name__}: {error})")
            continue
        share = result.buckets[result.labels[-1]] / result.total * 100 if result.total else 0
        print(
            f"receivables {when} ({day}): {result.total:,} {result.currency}, "
            f"{share:.1f} % over 90 days, credit {result.credit:,}"
        )
    print(f"{'figure':<50} {'best':>10}   (each of {runs.count} runs, s)")
    for day, when in ((TODAY, "today"), (YEAR_AGO, "a year ago")):
        for by in (None, "customer"):
            name = f"aging, {'totals' if by is None else 'by customer'}, as of {when}"
            show(name, lambda d=day, b=by: aging(company=company, as_of=d, by=b), runs)
    kpis = optional("solde.reports.kpis")
    if kpis is None:
        print("kpis: module not present")
    else:
        for function in ("summary", "kpis", "dso_trend"):
            for day, when in ((TODAY, "today"), (YEAR_AGO, "a year ago")):
                work = getattr(kpis, function, None)
                if work is None:
                    print(f"kpis.{function}: not present")
                    break
                show(
                    f"kpis.{function}, as of {when}",
                    lambda w=work, d=day: call(w, company=company, as_of=d),
                    runs,
                )
    risk = optional("solde.reports.risk")
    if risk is not None and hasattr(risk, "customer_risk"):
        show(
            "risk.customer_risk (every customer), today",
            lambda: call(risk.customer_risk, company=company, as_of=TODAY),
            runs,
        )
    forecast = optional("solde.reports.forecast")
    if forecast is None or not hasattr(forecast, "forecast"):
        print("forecast: module not present")
    else:
        show(
            "forecast, 13 weeks from today",
            lambda: call(forecast.forecast, company=company, as_of=TODAY, weeks=13),
            runs,
        )
    pages(company, user, runs)


def explain(company) -> None:
    """The SQL of the aged balance (totals, as of today) and the database's plan for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from solde.reports.queries import aging

    with CaptureQueriesContext(connection) as queries:
        aging(company=company, as_of=TODAY, by=None)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for query in queries.captured_queries:
        sql = query["sql"]
        if "invoicing_invoice" not in sql and "payments_allocation" not in sql:
            continue
        print(f"\n-- {float(query['time']):.3f} s\n{sql}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000, help="documents issued")
    parser.add_argument("--allocations", type=int, help="about this many (default: 2× invoices)")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="measure the case already there")
    parser.add_argument("--explain", action="store_true", help="print the aging SQL and plans")
    parser.add_argument("--limit", type=int, default=300, help="seconds before a figure stops")
    args = parser.parse_args()
    args.allocations = args.allocations or 2 * args.invoices
    vendor = django_ready(flush=not args.reuse)

    from solde.companies.models import Company
    from solde.companies.services import company_create, user_create
    from solde.core import clock

    clock.set_today(TODAY)
    where = os.environ.get("SOLDE_DATABASE_URL", "").rsplit("/", 1)[-1] or os.environ.get(
        "SOLDE_DATA_DIR"
    )
    if args.reuse:
        company = Company.objects.get(slug=SLUG)
        analysed()  # the statistics of any index a migration added since
        print(f"database: {vendor} ({where}); the case already written")
    else:
        company = company_create(slug=SLUG, name="Bench SAS", iban="FR7630006000011234567890189")
        user_create(email="owner@bench.test", company=company, role="owner")
        took = set_up(company, args)
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"database: {vendor} ({where}); set up in {took:.0f} s "
            f"(peak RSS of the set-up process {child:,.0f} MB)"
        )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="owner@bench.test")
    print(described(company))
    if args.explain:
        explain(company)
    figures(company, user, Runs(args.runs, args.limit))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the measurements: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
