"""The reminder planner alone (no Django, no database): one run over a synthetic ledger.

    .venv/bin/python bench/dunning_plan.py [--items 100000] [--customers 20000]

Every customer follows one five-step plan (J-3 email, J+1 email, J+15 letter, J+30 task,
J+45 letter); invoices are due between 10 days ahead and 90 days ago, some with steps
already sent, a few disputed or on hold, and a reminder went out to some customers in the
last days. Prints the wall and CPU time of each run and the time the garbage collector
took within it (it depends on how many objects the whole process holds). Never asserts.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solde.core.dunning import Item, Party, Step, plan_run  # noqa: E402
from solde.core.workdays import french_calendar  # noqa: E402

TODAY = date(2026, 11, 20)
PLAN = (
    Step("1", -3, "email"),
    Step("2", 1, "email"),
    Step("3", 15, "letter"),
    Step("4", 30, "task"),
    Step("5", 45, "letter"),
)


def ledger(items: int, customers: int, seed: int) -> tuple[list[Party], list[Item]]:
    rng = random.Random(seed)
    parties = [
        Party(
            c, PLAN, paused=rng.random() < 0.02, last_message=TODAY - timedelta(rng.randrange(60))
        )
        for c in range(customers)
    ]
    invoices = []
    for n in range(items):
        late = rng.randrange(-10, 90)
        sent = [step.key for step in PLAN if step.offset <= late - rng.randrange(0, 20)]
        invoices.append(
            Item(
                n,
                rng.randrange(customers),
                TODAY - timedelta(days=late),
                Decimal(rng.randrange(1, 500_000)) / 100,
                disputed=rng.random() < 0.01,
                hold_until=TODAY + timedelta(days=rng.randrange(-20, 20))
                if rng.random() < 0.03
                else None,
                sent=frozenset(sent),
            )
        )
    return parties, invoices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    parties, invoices = ledger(args.items, args.customers, args.seed)
    calendar = french_calendar([TODAY.year])
    in_gc = [0.0, 0.0]

    def clock_gc(phase: str, _info: dict) -> None:
        if phase == "start":
            in_gc[1] = time.perf_counter()
        else:
            in_gc[0] += time.perf_counter() - in_gc[1]

    gc.callbacks.append(clock_gc)
    objects = len(gc.get_objects())
    print(f"{args.items:,} invoices of {args.customers:,} customers, {objects:,} objects alive")
    for run in range(1, args.runs + 1):
        in_gc[0] = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        messages = plan_run(today=TODAY, parties=parties, items=invoices, calendar=calendar)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        planned = sum(len(message.items) for message in messages)
        print(
            f"run {run}: {len(messages):,} messages, {planned:,} invoices planned, "
            f"{wall:.3f} s wall, {cpu:.3f} s CPU, of which {in_gc[0]:.3f} s garbage collection"
        )
    gc.callbacks.remove(clock_gc)


if __name__ == "__main__":
    main()
