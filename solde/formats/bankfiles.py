"""One door for bank statement files: the format is told or recognised, then read.

Each reader module (camt053, mt940, ofx, cfonb120, bankcsv) has `sniff(head) -> bool` and
`read(data, file=...) -> list[Statement]`; detection asks them in an order where the
stricter signatures come first (XML and OFX headers, MT940 tags, CFONB's fixed records),
CSV last, since almost any text looks like a table.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from solde.core.errors import InputError
from solde.formats.bankstatement import MAX_FILE_BYTES, Statement

FORMATS = ("camt053", "ofx", "mt940", "cfonb120", "csv")
_MODULES = {
    "camt053": "solde.formats.camt053",
    "ofx": "solde.formats.ofx",
    "mt940": "solde.formats.mt940",
    "cfonb120": "solde.formats.cfonb120",
    "csv": "solde.formats.bankcsv",
}
HEAD_BYTES = 4096


def _reader(name: str):
    return importlib.import_module(_MODULES[name])


def too_big(size: int, file: str) -> InputError:
    mib = 1024 * 1024
    return InputError(
        f"is {size // mib} MB; statements over {MAX_FILE_BYTES // mib} MB are refused.", file=file
    )


def detect(data: bytes, *, file: str = "statement") -> str:
    """The format name of a statement file, or an InputError saying none fits."""
    head = data[:HEAD_BYTES]
    for name in FORMATS:
        if _reader(name).sniff(head):
            return name
    raise InputError(
        "not a bank statement Solde reads (CAMT.053, MT940, OFX, CFONB 120 or CSV).", file=file
    )


def read_data(
    data: bytes, *, file: str = "statement", format: str = "auto", csv_mapping=None
) -> tuple[str, list[Statement]]:
    """The format and the statements of a file's bytes."""
    if len(data) > MAX_FILE_BYTES:
        raise too_big(len(data), file)
    if format not in ("auto", *FORMATS):
        raise InputError(
            f"unknown format {format!r} (auto, {', '.join(FORMATS)}).", file=file, column="format"
        )
    name = detect(data, file=file) if format == "auto" else format
    reader = _reader(name)
    if name == "csv":
        return name, reader.read(data, file=file, mapping=csv_mapping)
    return name, reader.read(data, file=file)


def read_bytes(path: Path | str) -> bytes:
    """A statement file's bytes, refused before reading when it is too big."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise too_big(size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror}).", file=path.name) from exc


@dataclass(frozen=True)
class ReadFile:
    name: str
    sha256: str
    format: str
    statements: list[Statement]


def read_one(path: Path | str, format: str = "auto", csv_mapping=None) -> ReadFile:
    """A file's statements, with its name, format and SHA-256."""
    data = read_bytes(path)
    name = Path(path).name
    fmt, statements = read_data(data, file=name, format=format, csv_mapping=csv_mapping)
    return ReadFile(name, hashlib.sha256(data).hexdigest(), fmt, statements)


def read_files(
    paths: Sequence[Path | str], *, format: str = "auto", csv_mapping=None
) -> Iterator[ReadFile]:
    """Read several files, in order. With more than one file and more than one core, the
    files are read in another process while the caller works on the ones already read;
    a broken file raises its error when its turn comes, after the files before it."""
    if len(paths) < 2 or (os.cpu_count() or 1) < 2:
        for path in paths:
            yield read_one(path, format, csv_mapping)
        return
    # spawn, not fork: a child must not inherit the caller's database connections.
    context = multiprocessing.get_context("spawn")
    # One reader: the caller's database work is the longer, and keeps a core of its own.
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    try:
        futures = [pool.submit(read_one, path, format, csv_mapping) for path in paths]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
