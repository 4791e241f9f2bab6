"""Server time of the invoice and customer list pages over 1,000,000 invoices.

    .venv/bin/python bench/list_pages.py [--invoices 1000000] [--customers 10000]

Fills one company with customers, issued invoices over three years (before August 2026,
97 % paid, 1 % partly paid, 2 % open; after it 40 / 20 / 40 %, so about 38,000 unpaid and
most of them overdue) and their payments and allocations, written with bulk_create
(the data set, not the import, is the subject here), then asks each page through Django's
test client, which runs the whole server side (middleware, view, queries, template)
without the network. Prints the median and the worst of the runs; never asserts time.
SQLite in a fresh data directory unless SOLDE_DATABASE_URL is set (then it is FLUSHED).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from _setup import django_ready

BATCH = 20_000


def fill(company, invoices: int, customers: int) -> None:
    from solde.customers.models import Customer
    from solde.invoicing.models import Invoice
    from solde.payments.models import Allocation, Payment

    Customer.objects.bulk_create(
        Customer(company=company, code=f"C{n:05d}", name=f"Client {n:05d}", city="Lyon")
        for n in range(1, customers + 1)
    )
    ids = list(Customer.objects.filter(company=company).values_list("id", flat=True))
    rng = random.Random(1)
    start = date(2024, 1, 1)
    for first in range(1, invoices + 1, BATCH):
        rows, paid = [], []
        for n in range(first, min(first + BATCH, invoices + 1)):
            issued = start + timedelta(days=n * 1050 // invoices)
            total = Decimal(rng.randrange(1000, 500000)) / 100
            # As in a real ledger: old invoices are nearly all paid, recent ones much less.
            old = issued < date(2026, 8, 1)
            weights = (97, 1, 2) if old else (40, 20, 40)
            share = rng.choices([Decimal(1), Decimal("0.5"), Decimal(0)], weights)[0]
            got = (total * share).quantize(Decimal("0.01"))
            status = "paid" if got == total else ("partially_paid" if got else "open")
            rows.append(
                Invoice(
                    company=company,
                    customer_id=rng.choice(ids),
                    number=f"FA-{n:07d}",
                    state="issued",
                    kind="invoice",
                    issue_date=issued,
                    due_date=issued + timedelta(days=30),
                    total_excl_tax=(total / Decimal("1.2")).quantize(Decimal("0.01")),
                    total_tax=total - (total / Decimal("1.2")).quantize(Decimal("0.01")),
                    total=total,
                    balance=total - got,
                    status=status,
                    paid_on=issued + timedelta(days=20) if status == "paid" else None,
                )
            )
            paid.append(got)
        created = Invoice.objects.bulk_create(rows)
        payments = [
            Payment(
                company=company,
                customer_id=inv.customer_id,
                date=inv.issue_date + timedelta(days=20),
                amount=got,
                unallocated=Decimal(0),
            )
            for inv, got in zip(created, paid, strict=True)
            if got
        ]
        Payment.objects.bulk_create(payments)
        paying = [(inv, got) for inv, got in zip(created, paid, strict=True) if got]
        Allocation.objects.bulk_create(
            Allocation(
                company=company,
                kind="payment",
                invoice=inv,
                customer_id=inv.customer_id,
                payment=payment,
                amount=got,
                date=payment.date,
            )
            for (inv, got), payment in zip(paying, payments, strict=True)
        )
        print(f"  {min(first + BATCH - 1, invoices):>9,} invoices written", flush=True)


def timed(client, path: str, runs: int) -> tuple[float, float]:
    client.get(path)  # warm the caches once, as a running server has them
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings), max(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    vendor = django_ready()

    from django.db import connection
    from django.test import Client

    from solde.companies.services import company_create, user_create
    from solde.core import clock

    clock.set_today(date(2026, 11, 20))
    company = company_create(slug="bench", name="Bench SAS")
    user = user_create(email="bench@solde.test", company=company, role="owner")
    started = time.perf_counter()
    fill(company, args.invoices, args.customers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum / a nightly job keeps
    print(f"database: {vendor}; data written in {time.perf_counter() - started:.0f} s")

    client = Client()
    client.force_login(user)
    customer = company_customer(company)
    base = "/c/bench"
    pages = {
        "invoice list, newest first": f"{base}/invoices/",
        "invoice list, page 20": f"{base}/invoices/?page=20",
        "invoice list, overdue": f"{base}/invoices/?status=overdue",
        "invoice list, overdue by due date": f"{base}/invoices/?status=overdue&sort=due",
        "invoice list, biggest balance first": f"{base}/invoices/?sort=-balance",
        "invoice list, by number": f"{base}/invoices/?sort=number",
        "invoice list, biggest total first": f"{base}/invoices/?sort=-total",
        "invoice list, unpaid, oldest due first": f"{base}/invoices/?status=unpaid&sort=due",
        "invoice list, one customer": f"{base}/invoices/?customer={customer}",
        "invoice list, one month": f"{base}/invoices/?from=2025-03-01&to=2025-03-31",
        "customer list": f"{base}/customers/",
        "customer list, search": f"{base}/customers/?q=client%2000042",
        "customer detail": f"{base}/customers/{customer}/",
        "home": f"{base}/",
    }
    print(f"{'page':<40} {'median':>9} {'worst':>9}   ({args.runs} runs)")
    for name, path in pages.items():
        median, worst = timed(client, path, args.runs)
        print(f"{name:<40} {median:>7.1f}ms {worst:>7.1f}ms")


def company_customer(company):
    from solde.customers.models import Customer

    return Customer.objects.filter(company=company).order_by("code").first().public_id


if __name__ == "__main__":
    main()
