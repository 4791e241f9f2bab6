"""Import a generated 100,000-invoice French CSV, then time customer balances at a date.

    .venv/bin/python bench/import_invoices.py [--rows 100000]

Prints figures; never asserts time. SQLite in a fresh temporary data directory unless
SOLDE_DATABASE_URL is set (then that database is FLUSHED first: use a scratch one).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from _setup import django_ready


def write_csv(path: Path, rows: int, customers: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("Numéro;Code client;Client;Date;Échéance;Montant HT;TVA;Montant TTC;Déjà payé\n")
        for n in range(1, rows + 1):
            code = rng.randrange(1, customers + 1)
            issued = start + timedelta(days=n * 600 // rows)
            ht = Decimal(rng.randrange(1000, 500000)) / 100
            tva = (ht * Decimal("0.2")).quantize(Decimal("0.01"))
            ttc = ht + tva
            paid = rng.choice([Decimal(0), ttc, ttc, (ttc / 2).quantize(Decimal("0.01"))])
            fr = lambda d: f"{d}".replace(".", ",")  # noqa: E731
            out.write(
                f"F{n:07d};C{code:05d};Client {code};{issued:%d/%m/%Y};"
                f"{issued + timedelta(days=30):%d/%m/%Y};{fr(ht)};{fr(tva)};{fr(ttc)};"
                f"{fr(paid)}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=2_000)
    args = parser.parse_args()
    vendor = django_ready()

    from solde.companies.services import company_create
    from solde.core import clock
    from solde.invoicing.imports import import_invoices
    from solde.payments.queries import customer_balances

    clock.set_today(date(2026, 11, 20))
    company = company_create(slug="bench", name="Bench SAS")
    path = Path(tempfile.mkdtemp()) / "invoices.csv"
    write_csv(path, args.rows, args.customers)

    started = time.perf_counter()
    result = import_invoices(company=company, path=path)
    imported = time.perf_counter() - started
    print(f"database: {vendor}")
    print(
        f"import {args.rows} invoices: {imported:.1f} s "
        f"({result.created} invoices, {result.customers_created} customers, "
        f"{result.payments} payments)"
    )

    started = time.perf_counter()
    again = import_invoices(company=company, path=path)
    print(
        f"import the same file again: {time.perf_counter() - started:.1f} s "
        f"({again.created} created, {again.unchanged} unchanged)"
    )

    for day in (date(2026, 11, 20), date(2025, 9, 30)):
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            rows = customer_balances(company, day)
            timings.append(time.perf_counter() - started)
        print(f"balances of all {len(rows)} customers at {day}: best {min(timings):.3f} s of 3")


if __name__ == "__main__":
    main()
