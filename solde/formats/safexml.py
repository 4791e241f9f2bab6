"""Parsing untrusted XML bytes with lxml, safely.

Bank and invoice files come from outside: they must never make the parser fetch a URL,
read a local file or expand entities (XXE, "billion laughs"). No format we read needs a
DTD, so a document type declaration is refused outright: before parsing when the bytes
show it (in UTF-8 or UTF-16), and after parsing for any other encoding, the parser being
set never to load, fetch or expand anything meanwhile.
"""

from __future__ import annotations

from lxml import etree

from solde.core.errors import InputError


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,  # keeps libxml2's limits on depth and text size
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse(data: bytes, *, file: str, max_bytes: int | None = None) -> etree._Element:
    """The root element of `data`, or InputError naming the file and the line at fault."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(
            f"the file is {len(data)} bytes, more than the {max_bytes} accepted", file=file
        )
    if not data.strip():
        raise InputError("the file is empty", file=file)
    if any(marker in data for marker in _DOCTYPE_MARKERS):
        raise _doctype_error(data, file)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        reason = exc.msg or "not well-formed"
        raise InputError(f"not well-formed XML: {reason}", file=file, line=exc.lineno) from None
    except (ValueError, LookupError) as exc:  # bad encoding declarations and the like
        raise InputError(f"not readable as XML: {exc}", file=file) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InputError(_DOCTYPE_MESSAGE, file=file)
    return root


# The declarations in UTF-8 (and ASCII-compatible encodings) and in UTF-16, either byte order.
_DOCTYPE_MARKERS = tuple(
    word.encode(codec)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)
_DOCTYPE_MESSAGE = (
    "the XML has a document type declaration (DOCTYPE/ENTITY), which is refused: "
    "entities and external DTDs are never loaded"
)


def _doctype_error(data: bytes, file: str) -> InputError:
    # Lines can be counted when the declaration is in an ASCII-compatible encoding.
    found = [data.find(word) for word in (b"<!DOCTYPE", b"<!ENTITY") if word in data]
    line = data.count(b"\n", 0, min(found)) + 1 if found else None
    return InputError(_DOCTYPE_MESSAGE, file=file, line=line)


def localname(element: etree._Element) -> str:
    """The tag without its namespace ("Stmt" for "{urn:…}Stmt")."""
    return etree.QName(element).localname


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""
