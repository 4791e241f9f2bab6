"""Reading bank statement files: one after the other, and in parallel processes.

    .venv/bin/python bench/statement_reading.py            # the --scale case's 14 files
    .venv/bin/python bench/statement_reading.py --lines 5000

Writes the weekly CAMT.053 files of bench/matching.py's case (credits and debits), then
reads them with `formats.bankfiles.read_one` in this process and with `read_files` (other
processes), and prints the time, the lines per second and the peak memory of each way.
No database. Never asserts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import statement_files  # noqa: E402
from matching_case import make_case  # noqa: E402

from solde.formats import bankfiles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="credit lines")
    args = parser.parse_args()
    case = make_case(lines=args.lines, invoices=args.lines * 2, customers=args.lines // 5)
    folder = Path(tempfile.mkdtemp(prefix="solde-bench-reading-"))
    paths = []
    for name, data in statement_files(case):
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    size = sum(path.stat().st_size for path in paths) / 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(paths)} CAMT.053 files, {size:.0f} MB; this process: {before:,.0f} MB")

    started = time.perf_counter()
    lines = sum(len(s.lines) for p in paths for s in bankfiles.read_one(p).statements)
    spent = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"one after the other: {lines:,} lines in {spent:.1f} s ({lines / spent:,.0f} lines/s), "
          f"peak RSS {peak:,.0f} MB")  # fmt: skip

    started = time.perf_counter()
    lines = sum(len(s.lines) for read in bankfiles.read_files(paths) for s in read.statements)
    spent = time.perf_counter() - started
    print(f"in parallel processes: {lines:,} lines in {spent:.1f} s ({lines / spent:,.0f} "
          f"lines/s)")  # fmt: skip
    # A reader's own peak (VmHWM starts afresh at exec; ru_maxrss would count the pages
    # the child shared with this process between fork and exec).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        peaks = list(pool.map(_reader_peak, paths))
    print(f"largest reader process: {max(peaks):,.0f} MB (VmHWM)")


def _reader_peak(path: Path) -> float:
    bankfiles.read_one(path)
    status = Path("/proc/self/status").read_text()
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
        / 1024
    )


if __name__ == "__main__":
    main()
