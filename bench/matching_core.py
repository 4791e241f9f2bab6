"""The matching engine alone (no Django, no database) on a synthetic case.

    .venv/bin/python bench/matching_core.py            # 5,000 lines, 10,000 invoices
    .venv/bin/python bench/matching_core.py --scale    # 100,000 lines, 200,000 invoices

Prints the precision of automatic allocations (an automatic decision is right when its
customer and its (invoice, amount) allocations equal the answer), the share of matchable
lines matched automatically and right, the share whose answer is among the top three
proposals (an automatic one counts as the first), counts per outcome and per scenario,
index build and matching times and peak memory. Never asserts anything.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching_case import Answer, make_case  # noqa: E402

from solde.core.matching import AUTO, Matcher, Proposal  # noqa: E402


def same(proposal: Proposal | None, answer: Answer) -> bool:
    if proposal is None or proposal.customer_id != answer.customer_id:
        return False
    return sorted(proposal.allocations) == sorted(answer.allocations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="100,000 lines, 200,000 invoices")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trace", action="store_true", help="measure memory with tracemalloc")
    parser.add_argument("--show", type=int, default=0, help="print this many misses")
    args = parser.parse_args()
    lines, invoices, customers = (
        (100_000, 200_000, 20_000) if args.scale else (5_000, 10_000, 2_000)
    )

    started = time.perf_counter()
    case = make_case(lines=lines, invoices=invoices, customers=customers, seed=args.seed)
    generated = time.perf_counter() - started
    if args.trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    matcher = Matcher(case.invoices, case.payers, case.knowledge, case.settings)
    built, built_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    decisions = matcher.match_all(case.credits)
    matched, matched_cpu = time.perf_counter() - started, time.process_time() - cpu
    traced = tracemalloc.get_traced_memory()[1] if args.trace else None

    outcomes = Counter(d.outcome for d in decisions)
    autos = right = matchable = auto_right = top3 = 0
    per_scenario: dict[str, Counter] = {}
    misses = []
    for decision in decisions:
        answer = case.answer[decision.key]
        tally = per_scenario.setdefault(answer.scenario, Counter())
        tally["lines"] += 1
        tally[decision.outcome] += 1
        ok = decision.outcome == AUTO and same(decision.best, answer)
        if decision.outcome == AUTO:
            autos += 1
            right += ok
            if not ok:
                tally["wrong_auto"] += 1
                misses.append(("wrong auto", decision, answer))
        if answer.matchable:
            matchable += 1
            auto_right += ok
            in_top = ok or any(same(p, answer) for p in decision.proposals[:3])
            top3 += in_top
            tally["top3"] += in_top
            if not in_top:
                misses.append(("not in top 3", decision, answer))

    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.2f} %" if whole else "n/a"

    print(f"case: {lines:,} credits ({len(case.debits):,} debits left out), "
          f"{len(case.invoices):,} open invoices, {customers:,} customers; "
          f"generated in {generated:.1f} s")  # fmt: skip
    print(f"precision of automatic allocations: {share(right, autos)} ({right:,}/{autos:,})")
    print(f"matchable lines matched automatically: {share(auto_right, matchable)} "
          f"({auto_right:,}/{matchable:,})")  # fmt: skip
    print(f"matchable lines with the answer in the top 3: {share(top3, matchable)}")
    print("outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
    print(f"index build: {built:.2f} s ({built_cpu:.2f} s CPU); matching: {matched:.2f} s "
          f"({matched_cpu:.2f} s CPU, {1e6 * matched / lines:.0f} µs per line); "
          f"engine in all: {built + matched:.2f} s")  # fmt: skip
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    memory = f"peak RSS {peak_rss:,.0f} MB (whole process, case included)"
    if traced is not None:
        memory += f"; engine peak (tracemalloc) {traced / 2**20:,.0f} MB"
    print(memory)
    print(f"{'scenario':<12} {'lines':>7} {'auto':>7} {'suggest':>8} {'none':>6} "
          f"{'ignored':>8} {'wrong':>6} {'top3':>7}")  # fmt: skip
    for scenario, t in sorted(per_scenario.items()):
        print(f"{scenario:<12} {t['lines']:>7} {t['auto']:>7} {t['suggest']:>8} {t['none']:>6} "
              f"{t['ignored']:>8} {t['wrong_auto']:>6} {t['top3']:>7}")  # fmt: skip
    credits = {c.key: c for c in case.credits}
    for why, decision, answer in misses[: args.show]:
        credit = credits[decision.key]
        print(f"\n{why}: {credit}\n  answer {answer}")
        for p in decision.proposals[:3]:
            print(f"  {p.score:>3} {p.customer_id} {p.allocations} "
                  f"{[(r.code, r.points) for r in p.reasons]}")  # fmt: skip


if __name__ == "__main__":
    main()
