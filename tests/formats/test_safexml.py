"""Untrusted XML: parsed without ever loading a DTD, an entity or a URL."""

import time

import pytest

from solde.core.errors import InputError
from solde.formats import safexml

DOCTYPE_REFUSED = "document type declaration"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def test_a_document_is_parsed_without_comments_or_processing_instructions():
    root = safexml.parse(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!-- hi --><a xmlns="urn:x"><?pi x?><b>\xc3\xa9</b></a>',
        file="f.xml",
    )
    assert (safexml.localname(root), safexml.namespace(root)) == ("a", "urn:x")
    assert [safexml.localname(child) for child in root] == ["b"]
    assert root[0].text == "é"


def _refusal(data: bytes, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        safexml.parse(data, file="f.xml", **kwargs)
    assert str(caught.value).startswith("f.xml")
    return caught.value


def test_billion_laughs_is_refused_at_once():
    started = time.monotonic()
    error = _refusal(BILLION_LAUGHS)
    assert DOCTYPE_REFUSED in str(error) and error.line == 2
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
        b'<!DOCTYPE a [<!ENTITY % p SYSTEM "http://example.invalid/p">%p;]><a/>',
        b"<a/><!ENTITY x 'y'>",
        # UTF-16 hides the declaration from a byte search made for UTF-8.
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'.encode(
            "utf-16"
        ),
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a SYSTEM "x.dtd"><a/>'.encode(
            "utf-16-be"
        ),
    ],
)
def test_doctypes_entities_and_external_dtds_are_refused(data):
    assert DOCTYPE_REFUSED in str(_refusal(data))


def test_xinclude_is_never_processed():
    root = safexml.parse(
        b'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"/></a>',
        file="f.xml",
    )
    assert safexml.localname(root[0]) == "include" and not (root[0].text or "")


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "the file is empty", None),
        (b"  \n ", "the file is empty", None),
        (b"hello", "not well-formed XML", 1),
        (b"<a>\n<b>\n</a>", "not well-formed XML", 3),
        (b"<a>&undefined;</a>", "not well-formed XML", 1),
        (b'<?xml version="1.0" encoding="nonsense"?><a/>', "not well-formed XML", 1),
        (b"<a>" * 300 + b"</a>" * 300, "not well-formed XML", 1),  # libxml2's depth limit
    ],
)
def test_malformed_documents_are_refused_with_their_line(data, message, line):
    error = _refusal(data)
    assert message in str(error)
    assert error.line == line


def test_a_size_limit_is_checked_before_parsing():
    error = _refusal(b"<a>" + b" " * 100 + b"</a>", max_bytes=50)
    assert "107 bytes, more than the 50 accepted" in str(error)
