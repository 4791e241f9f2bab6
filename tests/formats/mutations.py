"""Mutations of real statement files for the readers' fuzz tests: a byte changed, bytes
inserted or deleted, the file cut short, a line or an element repeated."""

from __future__ import annotations

import re

from hypothesis import strategies as st

LINE = re.compile(rb"[^\n]*\n")
XML_ELEMENT = re.compile(rb"<(\w+)>.*?</\1>", flags=re.S)
SGML_ELEMENT = re.compile(rb"<([A-Z]+)>[^<]*(?:</\1>)?")


def mutate(draw, data: bytes, *, inserts: tuple[bytes, ...] = (), repeat=LINE) -> bytes:
    """`data` with one to four mutations drawn by hypothesis; `inserts` are pieces of the
    format's syntax worth inserting beside random bytes, `repeat` what may be repeated."""
    data = bytearray(data)
    pieces = st.binary(min_size=1, max_size=8)
    if inserts:
        pieces = pieces | st.sampled_from(inserts)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(pieces)
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[at:]
        else:
            found = list(repeat.finditer(bytes(data)))[:300]
            if found:
                match = draw(st.sampled_from(found))
                data[match.end() : match.end()] = match.group(0)
    return bytes(data)
