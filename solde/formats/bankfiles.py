"""One door for bank statement files: the format is told or recognised, then read.

Each reader module (camt053, mt940, ofx, cfonb120, bankcsv) has `sniff(head) -> bool` and
`read(data, file=...) -> list[Statement]`; detection asks them in an order where the
stricter signatures come first (XML and OFX headers, MT940 tags, CFONB's fixed records),
CSV last, since almost any text looks like a table.
"""

from __future__ import annotations

import importlib
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


def read_file(
    path: Path | str, *, format: str = "auto", csv_mapping=None
) -> tuple[str, list[Statement]]:
    data = read_bytes(path)
    return read_data(data, file=Path(path).name, format=format, csv_mapping=csv_mapping)
