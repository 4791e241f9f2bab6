"""Reading OFX bank and credit-card statements, OFX 1.x (SGML) and 2.x (XML), with ofxtools.

ofxtools reads the header (`OFXHeaderV1`/`OFXHeaderV2`) and builds the element tree
(`TreeBuilder`); its models (`convert()`) are not used: they refuse real files for
details that do not matter here (a BANKID of ten digits, an empty TRNUID, two
BANKTRANLIST). Before the tree is built the body is checked and tidied, because
ofxtools' tree builder skips what it does not understand and closes aggregates by
position: every tag is read and named in errors with its line, empty SGML leaves
(`<NAME>` with no value and no end tag) are closed, comments dropped, and aggregates
must close in order, so a truncated file is refused instead of read in part.

Amounts are the text of TRNAMT/BALAMT as Decimal ("." or "," as decimal mark, as OFX
allows), quantized to the currency's minor unit only when that loses nothing. Dates
are the calendar date written (20240323000000[-3:GMT] is 23 March), not moved to UTC.
French banks put the operation label in NAME ("PRLV SEPA ABEILLE…"), so when the file
is in French the remittance is NAME and MEMO together. An empty BALAMT means no
balance (with a warning); an empty ACCTID is refused: no one can tell whose account it is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from functools import cache

import ofxtools.models  # noqa: F401 - defines the aggregates listed by _spec()
from ofxtools.header import OFXHeaderError, OFXHeaderV1, OFXHeaderV2
from ofxtools.models.base import Aggregate
from ofxtools.Parser import ParseError, TreeBuilder

from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency, currency_decimals, round_to
from solde.formats import bankstatement
from solde.formats.bankstatement import Statement, StatementLine

FORMAT = "ofx"
_STATEMENTS = {"STMTRS": "BANKACCTFROM", "CCSTMTRS": "CCACCTFROM"}
_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<(?P<close>/?)(?P<tag>[A-Za-z0-9._]+)\s*(?P<empty>/?)>"
    r"|(?P<text>[^<]+)|(?P<bad><)",
    re.S,
)
_AMOUNT = re.compile(r"[+-]?(\d{1,18}([.,]\d{0,10})?|[.,]\d{1,10})")
_DATETIME = re.compile(
    r"(\d{4})(\d{2})(\d{2})(?:([01]\d|2[0-3])([0-5]\d)(?:([0-5]\d|60)(?:\.\d{1,6})?)?)?"
    r"\s*(?:\[[+-]?\d{1,2}(?:\.\d{1,2})?(?::[A-Za-z]{1,10})?\])?"
)
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_MAX_HEADER = 4096
_FRENCH_LABEL = re.compile(r"(VIR|PRLV|CB|CHQ|CHEQUE|RETRAIT|REMISE|FRAIS|ECH|COTIS)\b")


def sniff(head: bytes) -> bool:
    """Whether the first bytes look like OFX: a v1 header, a v2 <?OFX?>, or a bare <OFX>."""
    try:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return start.startswith(b"OFXHEADER") or b"<?OFX" in head or start[:5].upper() == b"<OFX>"
    except (TypeError, AttributeError):  # sniffing never raises, whatever it gets
        return False


def read(data: bytes, *, file: str = "statement") -> list[Statement]:
    """Every bank and credit-card statement of an OFX file, or InputError."""
    if len(data) > bankstatement.MAX_FILE_BYTES:
        raise InputError(
            f"the file is {len(data)} bytes, more than the {bankstatement.MAX_FILE_BYTES} accepted",
            file=file,
        )
    warnings: list[str] = []
    body, first_line = _decode(data, file, warnings)
    tidy, lines = _tidy(body, first_line, file, warnings)
    builder = TreeBuilder()
    try:
        builder.feed(tidy)
        root = builder.close()
    except ParseError as exc:  # the tidied body is well-formed: this is a safety net
        raise InputError(f"not readable as OFX: {exc}", file=file) from None
    elements = list(root.iter())
    where = dict(zip(elements, lines, strict=False)) if len(elements) == len(lines) else {}
    return _Reader(file, where, warnings).statements(root)


# -- header and decoding -----------------------------------------------------------------------


def _decode(data: bytes, file: str, warnings: list[str]) -> tuple[str, int]:
    """The body's text, from its first tag, and the line it starts on."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    start = len(data) - len(data.lstrip())
    head = data[start : start + 9]
    try:
        if head[:5].lower() == b"<?xml":
            return _decode_v2(data, file)
        if head == b"OFXHEADER":
            return _decode_v1(data, start, file)
    except OFXHeaderError as exc:
        reason = str(exc).split("\n", 1)[0].rstrip(":")
        if reason.startswith("OFX header is malformed"):
            reason = "its fields are missing, misspelt or out of order"
        raise InputError(f"malformed OFX header: {reason}", file=file) from None
    if head[:5].upper() != b"<OFX>":
        raise InputError("not an OFX file: no OFX header and no <OFX> at the start", file=file)
    try:
        text, codec = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        text, codec = _text(data, "cp1252", file, 0), "Windows-1252"
    warnings.append(f"no OFX header: read as {codec}")
    return text, 1


def _decode_v1(data: bytes, start: int, file: str) -> tuple[str, int]:
    # The header is a few ASCII lines before the first tag; a long one is not a header
    # (and would make ofxtools' header regex slow).
    body = data.find(b"<", start, start + _MAX_HEADER)
    if body < 0:
        raise InputError("no <OFX> after the OFX header", file=file)
    header, _ = OFXHeaderV1.parse(data[start:body].decode("ascii", "replace"))
    # ENCODING:UTF-8 says it all; ofxtools would follow CHARSET instead.
    codec = "utf-8" if header.encoding == "UTF-8" else header.codec
    lines_before = data.count(b"\n", 0, body)
    return _text(data[body:], codec, file, lines_before), lines_before + 1


def _decode_v2(data: bytes, file: str) -> tuple[str, int]:
    declared = re.match(rb"\s*<\?xml[^>]{0,200}?encoding=[\"']([A-Za-z0-9._-]+)[\"']", data)
    codec = declared[1].decode() if declared else "utf-8"
    text = _text(data, codec, file, 0)
    _, end = OFXHeaderV2.parse(text[:_MAX_HEADER])
    return text[end:], text.count("\n", 0, end) + 1


def _text(data: bytes, codec: str, file: str, lines_before: int) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = lines_before + data.count(b"\n", 0, exc.start) + 1
        message = f"byte {data[exc.start]:#04x} is not valid {codec}"
        raise InputError(message, file=file, line=line) from None
    except LookupError:
        raise InputError(f"unknown encoding {codec!r}", file=file) from None
    except (UnicodeError, ValueError) as exc:  # codecs that are not text encodings
        raise InputError(f"not readable as {codec}: {exc}", file=file) from None


# -- checking and tidying the body -------------------------------------------------------------


@cache
def _spec() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    """OFX aggregate names, element (leaf) names and each aggregate's children, as
    ofxtools' models define them."""
    aggregates: set[str] = set()
    leaves: set[str] = set()
    children: dict[str, frozenset[str]] = {}
    todo = [Aggregate]
    while todo:
        for model in todo.pop().__subclasses__():
            todo.append(model)
            if model.__name__.isupper():
                aggregates.add(model.__name__)
                aggregates.update(name.upper() for name in model.unsupported)
                leaves.update(name.upper() for name in model.elements)
                known = children.get(model.__name__, frozenset())
                children[model.__name__] = known | {name.upper() for name in model.spec}
    return frozenset(aggregates), frozenset(leaves - aggregates), children


def _tokens(body: str, line: int, file: str) -> list[tuple[str, str, int]]:
    """The body as (kind, value, line): start and end tags (upper case), and texts."""
    tokens = []
    for match in _TOKEN.finditer(body):
        if match["tag"]:
            tag = match["tag"].upper()
            tokens.append(("end" if match["close"] else "start", tag, line))
            if match["empty"] and not match["close"]:  # <TAG/>
                tokens.append(("end", tag, line))
        elif match["bad"]:
            snippet = body[match.start() : match.start() + 20]
            raise InputError(f"unexpected markup {snippet!r}", file=file, line=line)
        elif match["cdata"] is not None:  # escaped again: ofxtools reads raw text
            tokens.append(("text", match["cdata"].replace("&", "&amp;").replace("<", "&lt;"), line))
        elif match["text"] and match["text"].strip():
            tokens.append(("text", match["text"], line))
        line += match.group(0).count("\n")
    return tokens


def _tidy(body: str, line: int, file: str, warnings: list[str]) -> tuple[str, list[int]]:
    """Well-formed markup for ofxtools' TreeBuilder, and the line of every element.

    A start tag followed by text is a leaf, its end tag optional (SGML). A start tag
    followed by another tag is an aggregate when ofxtools knows it as one (or, unknown,
    when its end tag comes later), else an empty leaf, written `<TAG></TAG>`. An end tag
    closes the aggregates left open inside it (some banks forget </BANKTRANLIST>), with a
    warning; an end tag that closes nothing, or a file ending inside <OFX>, is refused.
    """
    tokens = _tokens(body, line, file)
    aggregates, leaves, children = _spec()
    last_end = {value: n for n, (kind, value, _) in enumerate(tokens) if kind == "end"}
    out: list[str] = []
    lines: list[int] = []
    stack: list[tuple[str, int]] = []
    n = 0
    while n < len(tokens):
        kind, tag, at = tokens[n]
        after = [t[:2] for t in tokens[n + 1 : n + 3]]
        if kind == "text":
            raise InputError(f"unexpected text {tag.strip()[:30]!r}", file=file, line=at)
        if kind == "end":
            if tag not in (open_tag for open_tag, _ in stack):
                raise InputError(f"</{tag}> closes nothing", file=file, line=at)
            while stack[-1][0] != tag:
                unclosed, opened = stack.pop()
                warnings.append(f"<{unclosed}> of line {opened} has no end tag: closed line {at}")
                out.append(f"</{unclosed}>")
            stack.pop()
            out.append(f"</{tag}>")
            n += 1
            continue
        if not stack and (out or tag != "OFX"):
            where = "after </OFX>" if out else "instead of <OFX>"
            raise InputError(f"unexpected <{tag}> {where}", file=file, line=at)
        _close_omitted(stack, tag, at, children, out, warnings)
        lines.append(at)
        has_text = bool(after) and after[0][0] == "text"
        if has_text and tag not in aggregates:
            out.append(f"<{tag}>{tokens[n + 1][1]}</{tag}>")
            n += 3 if after[1:] == [("end", tag)] else 2
        elif after[:1] == [("end", tag)]:
            out.append(f"<{tag}></{tag}>")
            n += 2
        elif tag not in aggregates and (tag in leaves or last_end.get(tag, -1) < n):
            out.append(f"<{tag}></{tag}>")  # an SGML leaf with no value and no end tag
            n += 1
        elif has_text:
            raise InputError(f"<{tag}> holds text, it should hold elements", file=file, line=at)
        else:
            out.append(f"<{tag}>")
            stack.append((tag, at))
            n += 1
    if stack:
        tag, at = stack[-1]
        message = f"the file ends before </{tag}> (opened line {at}): truncated?"
        raise InputError(message, file=file)
    if not out:
        raise InputError("no <OFX> element in the file", file=file)
    return "".join(out), lines


def _close_omitted(
    stack: list[tuple[str, int]],
    tag: str,
    at: int,
    children: dict[str, frozenset[str]],
    out: list[str],
    warnings: list[str],
) -> None:
    """Close the aggregates a start tag cannot be in, when an enclosing one takes it
    (a LEDGERBAL after a BANKTRANLIST left open belongs to the STMTRS)."""
    if not stack or tag in children.get(stack[-1][0], {tag}):
        return
    owners = [n for n, (open_tag, _) in enumerate(stack) if tag in children.get(open_tag, ())]
    if not owners:
        return  # unknown to the models: left where it is
    while len(stack) > owners[-1] + 1:
        unclosed, opened = stack.pop()
        warnings.append(f"<{unclosed}> of line {opened} has no end tag: closed before line {at}")
        out.append(f"</{unclosed}>")


# -- reading the tree --------------------------------------------------------------------------


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name in _NAMED:
            return _NAMED[name]
        point = int(name[2:], 16) if name[1] == "x" else int(name[1:])
        ok = 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF
        return chr(point) if ok else match[0]

    return _ENTITY.sub(one, text)


class _Reader:
    def __init__(self, file: str, lines: dict[ET.Element, int], warnings: list[str]):
        self.file, self.lines, self.file_warnings = file, lines, warnings
        self.warnings: list[str] = []

    def error(self, where: str, message: str, element: ET.Element | None) -> InputError:
        line = self.lines.get(element) if element is not None else None
        return InputError(f"{where}: {message}", file=self.file, line=line)

    @staticmethod
    def at(element: ET.Element, path: str) -> ET.Element:
        """The child at `path` when there is one, for its line in messages."""
        child = element.find(path)
        return element if child is None else child

    def text(self, element: ET.Element | None, path: str) -> str:
        found = element.find(path) if element is not None else None
        return " ".join(_unescape(found.text or "").split()) if found is not None else ""

    def statements(self, root: ET.Element) -> list[Statement]:
        found = [e for e in root.iter() if e.tag in _STATEMENTS]
        refused = self._refusal(root)
        if not found:
            other = next((e.tag for e in root.iter() if e.tag in ("INVSTMTRS", "PROFRS")), "")
            kind = {"INVSTMTRS": "an investment statement", "PROFRS": "a profile response"}
            extra = f" (it holds {kind[other]}, {other}, which is not read)" if other else ""
            extra += f"; {refused.reason}" if refused else ""
            raise InputError(f"no bank statement in this OFX file{extra}", file=self.file)
        if refused:
            raise refused
        french = self.text(root, "SIGNONMSGSRSV1/SONRS/LANGUAGE").upper() == "FRA"
        return [self._statement(e, f"{e.tag} {n}", french) for n, e in enumerate(found, 1)]

    def _refusal(self, root: ET.Element) -> InputError | None:
        """The first error the bank reports: a refused sign-on, a statement request failed."""
        responses = [(e, "the bank refused the sign-on") for e in root.iter("SONRS")] + [
            (e, "the bank sent an error instead of a statement")
            for e in root.iter()
            if e.tag in ("STMTTRNRS", "CCSTMTTRNRS")
        ]
        for response, what in responses:
            status = response.find("STATUS")
            if status is not None and self.text(status, "SEVERITY").upper() == "ERROR":
                message = self.text(status, "MESSAGE") or "no message"
                code = self.text(status, "CODE")
                return self.error(response.tag, f"{what}: {message} (code {code})", status)
        return None

    def _statement(self, stmt: ET.Element, where: str, french: bool) -> Statement:
        self.warnings = list(self.file_warnings)
        account_tag = _STATEMENTS[stmt.tag]
        account_el = stmt.find(account_tag)
        if account_el is None:
            raise self.error(where, f"no {account_tag} (the account)", stmt)
        account = self.text(account_el, "ACCTID").replace(" ", "")
        if not account:
            raise self.error(
                where, f"{account_tag}/ACCTID is empty: the file does not say whose account", stmt
            )
        transactions = [t for tl in stmt.findall("BANKTRANLIST") for t in tl.findall("STMTTRN")]
        currency = self._currency(stmt, transactions, where)
        lines = [
            self._line(t, f"{where} / STMTTRN {n}", currency, french)
            for n, t in enumerate(transactions, 1)
        ]
        ledger = stmt.find("LEDGERBAL")
        balance, balance_date = self._balance(ledger, f"{where} / LEDGERBAL", currency)
        return Statement(
            account=account,
            currency=currency,
            lines=tuple(lines),
            closing_balance=balance,
            closing_date=balance_date,
            format=FORMAT,
            warnings=tuple(self.warnings),
        )

    def _currency(self, stmt: ET.Element, transactions: list[ET.Element], where: str) -> str:
        code = self.text(stmt, "CURDEF")
        if not code:
            # An empty CURDEF: the transactions' own CURRENCY, when they all agree on one.
            codes = {self.text(t, "CURRENCY/CURSYM") for t in transactions}
            if len(codes) != 1 or not next(iter(codes)):
                raise self.error(where, "CURDEF (the currency) is missing or empty", stmt)
            code = codes.pop()
            self.warnings.append(f"{where}: CURDEF is empty, the transactions' {code} is used")
        return self._check_currency(code, f"{where} / CURDEF", self.at(stmt, "CURDEF"))

    def _check_currency(self, code: str, where: str, element: ET.Element) -> str:
        try:
            if re.fullmatch(r"[A-Z]{3}", code):
                return check_currency(code)
        except ValidationError:
            pass
        raise self.error(where, f"unknown currency code {code!r} (ISO 4217 expected)", element)

    def _amount(self, element: ET.Element, path: str, where: str, currency: str) -> Decimal:
        text = self.text(element, path)
        if not _AMOUNT.fullmatch(text):
            raise self.error(
                f"{where} / {path}", f"{text!r} is not an amount", self.at(element, path)
            )
        value = Decimal(text.replace(",", "."))
        exact = round_to(value, currency_decimals(currency))
        if exact != value:
            self.warnings.append(f"{where}: {text} {currency} has more decimals than the currency")
            return value
        return exact

    def _date(self, element: ET.Element, path: str, where: str) -> date:
        text = self.text(element, path)
        match = _DATETIME.fullmatch(text)
        try:
            if match:
                return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
        raise self.error(f"{where} / {path}", f"{text!r} is not a date", self.at(element, path))

    def _balance(
        self, ledger: ET.Element | None, where: str, currency: str
    ) -> tuple[Decimal | None, date | None]:
        if ledger is None:
            return None, None
        if not self.text(ledger, "BALAMT"):
            self.warnings.append(f"{where}: BALAMT is empty, no closing balance")
            return None, None
        amount = self._amount(ledger, "BALAMT", where, currency)
        day = self._date(ledger, "DTASOF", where) if self.text(ledger, "DTASOF") else None
        return amount, day

    def _line(self, trn: ET.Element, where: str, currency: str, french: bool) -> StatementLine:
        if trn.find("CURRENCY/CURSYM") is not None:  # the amount is in that currency
            currency = self._check_currency(self.text(trn, "CURRENCY/CURSYM"), where, trn)
        for path in ("DTPOSTED", "TRNAMT"):
            if not self.text(trn, path):
                raise self.error(where, f"no {path} ({_MEANING[path]})", self.at(trn, path))
        name, memo = self.text(trn, "NAME"), self.text(trn, "MEMO")
        carries_text = french or _FRENCH_LABEL.match(name)
        texts = [name, memo] if carries_text and name not in memo else [memo]
        line = self.lines.get(trn)
        return StatementLine(
            booking_date=self._date(trn, "DTPOSTED", where),
            amount=self._amount(trn, "TRNAMT", where, currency),
            currency=currency,
            value_date=self._date(trn, "DTAVAIL", where) if self.text(trn, "DTAVAIL") else None,
            bank_ref=self.text(trn, "FITID"),
            counterparty_name=self.text(trn, "PAYEE/NAME") or name,
            remittance=" ".join(t for t in texts if t),
            bank_code=self.text(trn, "TRNTYPE").upper(),
            source=f"{where}, line {line}" if line else where,
        )


_MEANING = {"DTPOSTED": "the booking date", "TRNAMT": "the amount"}
