"""Reading CAMT.053 bank statements (ISO 20022 BankToCustomerStatement), 001.02 to 001.13.

One `Statement` per `Stmt`, one line per transaction detail (`TxDtls`), or per entry
(`Ntry`) when it has none. Rules worth knowing:

* A line's amount: an entry with a single detail keeps the entry's booked amount (what
  moved the account; banks and samples put 0 or a foreign-currency amount in the detail);
  a batch (several details) gives each detail its own amount, the first of TxDtls/Amt,
  AmtDtls/TxAmt, CntrValAmt, InstdAmt in the entry's currency, signed by the detail's own
  CdtDbtInd when it has one. A batch whose details lack amounts stays one line.
* Amounts keep exactly what the file states; they are quantized to the currency's minor
  unit only when that loses nothing (8.850 EUR is 8.85; 8.855 EUR stays, with a warning).
* Dates are the calendar date written in the file (a DtTm is not moved to another time
  zone: the bank's own day is the booking day).
* Entries not booked (Sts PDNG, INFO…) are left out, with a warning: they do not move the
  booked balance. A balance in another currency than the account is ignored, with a warning.
* A .zip holding camt.053 files is read member by member (at most 50, each and all together
  at most MAX_FILE_BYTES once uncompressed, so a zip bomb is refused).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from lxml import etree

from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency, currency_decimals, round_to
from solde.formats import bankstatement, safexml
from solde.formats.bankstatement import Statement, StatementLine

FORMAT = "camt053"
MAX_ZIP_MEMBERS = 50
_ISO = "urn:iso:std:iso:20022:tech:xsd:"
_CAMT053 = re.compile(re.escape(_ISO) + r"camt\.053\.001\.(\d{2})")
_ACCEPTED = f"{_ISO}camt.053.001.NN with NN from 02 to 13"
_OTHER_MESSAGES = {
    "camt.052": "an intraday account report (camt.052), not a statement",
    "camt.054": "a debit/credit notification (camt.054), not a statement",
    "pain.001": "a credit transfer order (pain.001), not a statement",
    "pain.002": "a payment status report (pain.002), not a statement",
    "pain.008": "a direct debit order (pain.008), not a statement",
}
_SNIFF = re.compile(rb"xmlns(?::\w+)?\s*=\s*[\"']" + re.escape(_ISO.encode()) + rb"camt\.053\.")
# XSD: at most 18 digits; more would also leave Decimal's exact range.
_AMOUNT = re.compile(r"\+?(\d{1,18}(\.\d{0,10})?|\.\d{1,10})")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)
_DETAIL_AMOUNTS = ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/CntrValAmt/Amt", "AmtDtls/InstdAmt/Amt")


def sniff(head: bytes) -> bool:
    """Whether the first bytes look like a camt.053 document, or a ZIP of XML files."""
    try:
        if head.startswith(b"PK\x03\x04"):
            size = int.from_bytes(head[26:28], "little")
            return head[30 : 30 + size].lower().endswith(b".xml")
        return _SNIFF.search(head) is not None
    except (TypeError, ValueError, AttributeError):  # sniffing never raises, whatever it gets
        return False


def read(data: bytes, *, file: str = "statement") -> list[Statement]:
    """Every statement of a camt.053 file (or of a ZIP of them), or InputError."""
    _check_size(len(data), file, "the file")
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_document(data, file, prefix="")
    return [
        statement
        for name, content in _unzip(data, file)
        for statement in _read_document(content, f"{file}/{name}", prefix=f"{name}: ")
    ]


def _check_size(size: int, file: str, what: str) -> None:
    if size > bankstatement.MAX_FILE_BYTES:
        limit = bankstatement.MAX_FILE_BYTES
        raise InputError(f"{what} is {size} bytes, more than the {limit} accepted", file=file)


def _unzip(data: bytes, file: str) -> list[tuple[str, bytes]]:
    """The archive's files, each and all together at most MAX_FILE_BYTES uncompressed."""
    contents, total = [], 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            ]
            if not members:
                raise InputError("the ZIP archive holds no file", file=file)
            if len(members) > MAX_ZIP_MEMBERS:
                raise InputError(
                    f"the ZIP archive holds {len(members)} files, more than the "
                    f"{MAX_ZIP_MEMBERS} accepted",
                    file=file,
                )
            for info in members:
                what = f"{info.filename} (uncompressed)"
                _check_size(info.file_size, file, what)
                # The declared size may lie: read one byte past the limit to know.
                with archive.open(info) as member:
                    content = member.read(bankstatement.MAX_FILE_BYTES + 1)
                total += len(content)
                _check_size(len(content), file, what)
                _check_size(total, file, "the ZIP archive's content (uncompressed)")
                contents.append((info.filename, content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"not a readable ZIP archive: {exc}", file=file) from None
    except (RuntimeError, NotImplementedError, ValueError, OSError) as exc:
        # encrypted members, unknown compression methods, corrupt headers
        raise InputError(f"a member of the ZIP archive cannot be read: {exc}", file=file) from None
    return contents


def _read_document(data: bytes, file: str, *, prefix: str) -> list[Statement]:
    root = safexml.parse(data, file=file)
    doc = _Doc(_check_root(root, file), file)
    report = doc.find(root, "BkToCstmrStmt")
    if report is None:
        raise InputError("no BkToCstmrStmt in the Document", file=file, line=root.sourceline)
    stmts = doc.findall(report, "Stmt")
    if not stmts:
        raise InputError(
            "no Stmt in BkToCstmrStmt: the file holds no statement",
            file=file,
            line=report.sourceline,
        )
    return [doc.statement(stmt, f"{prefix}Stmt {n}") for n, stmt in enumerate(stmts, 1)]


def _check_root(root: etree._Element, file: str) -> str:
    ns = safexml.namespace(root)
    match = _CAMT053.fullmatch(ns)
    if match and 2 <= int(match[1]) <= 13:
        if safexml.localname(root) != "Document":
            raise InputError(
                f"the root element is <{safexml.localname(root)}>, expected <Document>",
                file=file,
                line=root.sourceline,
            )
        return ns
    message = re.match(re.escape(_ISO) + r"([a-z]{4}\.\d{3})\.", ns)
    if match:
        what = f"camt.053 version 001.{match[1]} is not supported"
    elif message and message[1] in _OTHER_MESSAGES:
        what = f"this is {_OTHER_MESSAGES[message[1]]}"
    else:
        what = "not a camt.053 bank statement"
    found = f"namespace {ns!r}" if ns else "no namespace"
    raise InputError(
        f"{what}: found {found} on <{safexml.localname(root)}>, accepted: {_ACCEPTED}",
        file=file,
        line=root.sourceline,
    )


@dataclass
class _Doc:
    """Lookups in one document's namespace, and the warnings of the statement being read."""

    ns: str
    file: str
    warnings: list[str] = field(default_factory=list)
    # Compiled lookups: a statement asks the same few paths thousands of times, and a
    # compiled XPath answers three times faster than ElementPath's findall.
    _queries: dict[str, etree.XPath] = field(default_factory=dict)

    # -- element access ------------------------------------------------------------------

    def _query(self, path: str) -> etree.XPath:
        found = self._queries.get(path)
        if found is None:
            steps = "/".join(f"n:{part}" for part in path.split("/"))
            found = self._queries[path] = etree.XPath(steps, namespaces={"n": self.ns})
        return found

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        found = self._query(path)(element)
        return found[0] if found else None

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return self._query(path)(element)

    def text(self, element: etree._Element, *paths: str) -> str:
        """The first non-empty text among `paths`, whitespace collapsed."""
        for path in paths:
            for found in self.findall(element, path):
                if found.text and found.text.strip():
                    return " ".join(found.text.split())
        return ""

    def texts(self, element: etree._Element, path: str) -> list[str]:
        found = self.findall(element, path)
        return [" ".join(e.text.split()) for e in found if e.text and e.text.strip()]

    def error(self, where: str, message: str, element: etree._Element | None) -> InputError:
        line = element.sourceline if element is not None else None
        return InputError(f"{where}: {message}", file=self.file, line=line)

    # -- values --------------------------------------------------------------------------

    def currency(self, code: str | None, where: str, element: etree._Element) -> str:
        code = (code or "").strip()
        try:
            if re.fullmatch(r"[A-Z]{3}", code):
                return check_currency(code)
        except ValidationError:
            pass
        raise self.error(where, f"unknown currency code {code!r} (ISO 4217 expected)", element)

    def amount(self, element: etree._Element, where: str) -> tuple[Decimal, str]:
        """An `…Amt Ccy="…"` element's value, unsigned, and its currency."""
        text = (element.text or "").strip()
        if not _AMOUNT.fullmatch(text):
            raise self.error(where, f"{text!r} is not an amount", element)
        currency = self.currency(element.get("Ccy"), f"{where} @Ccy", element)
        value = Decimal(text)
        exact = round_to(value, currency_decimals(currency))
        if exact != value:
            self.warnings.append(f"{where}: {text} {currency} has more decimals than the currency")
            return value, currency
        return exact, currency

    def required_amount(self, parent: etree._Element, where: str) -> tuple[Decimal, str]:
        element = self.find(parent, "Amt")
        if element is None:
            raise self.error(where, "no Amt (amount)", parent)
        return self.amount(element, f"{where} / Amt")

    def sign(self, parent: etree._Element, where: str, *, required: bool) -> int | None:
        element = self.find(parent, "CdtDbtInd")
        if element is None and not required:
            return None
        indicator = (element.text or "").strip() if element is not None else ""
        if indicator not in ("CRDT", "DBIT"):
            found = f"{indicator!r}" if element is not None else "nothing"
            at = parent if element is None else element
            raise self.error(where, f"CdtDbtInd must be CRDT or DBIT, found {found}", at)
        return 1 if indicator == "CRDT" else -1

    def day(self, parent: etree._Element, path: str, where: str) -> date | None:
        """The date in `path`/Dt or `path`/DtTm, None when `path` is absent."""
        holder = self.find(parent, path)
        if holder is None:
            return None
        for name, pattern in (("Dt", _DATE), ("DtTm", _DATETIME)):
            element = self.find(holder, name)
            if element is None:
                continue
            text = (element.text or "").strip()
            match = pattern.fullmatch(text)
            try:
                if match:
                    return date.fromisoformat(match[1])
            except ValueError:
                pass
            raise self.error(f"{where} / {path}/{name}", f"{text!r} is not a date", element)
        raise self.error(where, f"{path} has neither Dt nor DtTm", holder)

    def bank_code(self, element: etree._Element) -> str:
        paths = ("BkTxCd/Domn/Cd", "BkTxCd/Domn/Fmly/Cd", "BkTxCd/Domn/Fmly/SubFmlyCd")
        domain = [self.text(element, path) for path in paths]
        if domain[0]:
            return "-".join(part for part in domain if part)
        return self.text(element, "BkTxCd/Prtry/Cd")

    # -- statement -----------------------------------------------------------------------

    def statement(self, stmt: etree._Element, where: str) -> Statement:
        self.warnings = []
        account = self.text(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
        if not account:
            raise self.error(where, "no account: neither Acct/Id/IBAN nor Acct/Id/Othr/Id", stmt)
        currency = self._statement_currency(stmt, where)
        balances = self._balances(stmt, where, currency)
        lines: list[StatementLine] = []
        for n, entry in enumerate(self.findall(stmt, "Ntry"), 1):
            lines += self._entry(entry, f"{where} / Ntry {n}")
        opening = balances.get("OPBD") or balances.get("PRCD") or (None, None)
        closing = balances.get("CLBD") or (None, None)
        return Statement(
            account=account.replace(" ", ""),
            currency=currency,
            lines=tuple(lines),
            statement_id=self.text(stmt, "Id"),
            opening_balance=opening[0],
            opening_date=opening[1],
            closing_balance=closing[0],
            closing_date=closing[1],
            format=FORMAT,
            warnings=tuple(self.warnings),
        )

    def _statement_currency(self, stmt: etree._Element, where: str) -> str:
        element = self.find(stmt, "Acct/Ccy")
        if element is not None:
            return self.currency(element.text, f"{where} / Acct/Ccy", element)
        # Else the booked balances' currency, then the entries', then any balance's.
        booked = [
            bal.find(self._path("Amt"))
            for bal in self.findall(stmt, "Bal")
            if self.text(bal, "Tp/CdOrPrtry/Cd") in ("OPBD", "PRCD", "CLBD")
        ]
        candidates = [*booked, self.find(stmt, "Ntry/Amt"), self.find(stmt, "Bal/Amt")]
        for element in candidates:
            if element is not None:
                return self.currency(element.get("Ccy"), f"{where} / Amt @Ccy", element)
        raise self.error(where, "no currency: no Acct/Ccy, no balance and no entry", stmt)

    def _balances(
        self, stmt: etree._Element, where: str, currency: str
    ) -> dict[str, tuple[Decimal, date]]:
        """The first OPBD, PRCD and CLBD balances, signed; every balance is checked."""
        found: dict[str, tuple[Decimal, date]] = {}
        for n, bal in enumerate(self.findall(stmt, "Bal"), 1):
            here = f"{where} / Bal {n}"
            code = self.text(bal, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
            value, bal_currency = self.required_amount(bal, here)
            signed = value * self.sign(bal, here, required=True)
            day = self.day(bal, "Dt", here)
            if day is None:
                raise self.error(here, "no Dt (balance date)", bal)
            if code not in ("OPBD", "PRCD", "CLBD") or code in found:
                continue
            if bal_currency != currency:
                self.warnings.append(
                    f"{here}: the {code} balance is in {bal_currency}, the account in "
                    f"{currency}: ignored"
                )
                continue
            found[code] = (signed, day)
        return found

    # -- entries -------------------------------------------------------------------------

    def _entry(self, entry: etree._Element, where: str) -> list[StatementLine]:
        value, currency = self.required_amount(entry, where)
        sign = self.sign(entry, where, required=True)
        booked = self.day(entry, "BookgDt", where)
        value_date = self.day(entry, "ValDt", where)
        status = self.text(entry, "Sts/Cd", "Sts") or "BOOK"
        if status != "BOOK":
            self.warnings.append(f"{where}: status {status}, not booked: left out")
            return []
        if booked is None:
            if value_date is None:
                raise self.error(where, "no BookgDt (booking date) and no ValDt", entry)
            self.warnings.append(f"{where}: no BookgDt, the value date is used")
            booked = value_date
        base = StatementLine(
            booking_date=booked,
            amount=sign * value,
            currency=currency,
            value_date=value_date,
            bank_ref=self.text(entry, "AcctSvcrRef"),
            remittance=" ".join(self.texts(entry, "AddtlNtryInf")),
            bank_code=self.bank_code(entry),
            source=where,
        )
        details = self.findall(entry, "NtryDtls/TxDtls")
        if not details:
            return [base]
        if len(details) == 1:
            self._check_single(details[0], base, f"{where} / TxDtls 1")
            return [self._detail(details[0], base, f"{where} / TxDtls 1", credit=sign > 0)]
        return self._batch(details, base, sign, where)

    def _detail_amount(
        self, tx: etree._Element, where: str, currency: str
    ) -> tuple[Decimal, str] | None:
        """The detail's amount, preferably in the entry's currency; None when it has none."""
        amounts = []
        for path in _DETAIL_AMOUNTS:
            element = self.find(tx, path)
            if element is not None:
                amounts.append(self.amount(element, f"{where} / {path}"))
        same = [a for a in amounts if a[1] == currency]
        return (same or amounts or [None])[0]

    def _check_single(self, tx: etree._Element, base: StatementLine, where: str) -> None:
        stated = self._detail_amount(tx, where, base.currency)
        if stated and stated[1] == base.currency and stated[0] != abs(base.amount):
            self.warnings.append(
                f"{where}: the detail states {stated[0]} {stated[1]}, the entry "
                f"{abs(base.amount)}: the entry's booked amount is kept"
            )

    def _batch(
        self, details: list[etree._Element], base: StatementLine, sign: int, where: str
    ) -> list[StatementLine]:
        lines = []
        for n, tx in enumerate(details, 1):
            here = f"{where} / TxDtls {n}"
            stated = self._detail_amount(tx, here, base.currency)
            if stated is None:
                self.warnings.append(f"{here} has no amount: the batch is kept as one line")
                return [base]
            own = self.sign(tx, here, required=False) or sign
            detail = replace(base, amount=own * stated[0], currency=stated[1])
            lines.append(self._detail(tx, detail, here, credit=own > 0))
        if any(line.currency != base.currency for line in lines):
            self.warnings.append(f"{where}: some TxDtls are not in the entry's currency")
        elif sum(line.amount for line in lines) != base.amount:
            total = sum(line.amount for line in lines)
            self.warnings.append(f"{where}: the TxDtls add up to {total}, the entry {base.amount}")
        return lines

    def _detail(
        self, tx: etree._Element, line: StatementLine, where: str, *, credit: bool
    ) -> StatementLine:
        """The entry's line completed from one TxDtls: the counterparty of a credit is
        the debtor (who paid), of a debit the creditor (who was paid)."""
        party, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        ultimate = f"Ultmt{party}"
        names = (f"{party}/Nm", f"{party}/Pty/Nm", f"{ultimate}/Nm", f"{ultimate}/Pty/Nm")
        end_to_end = self.text(tx, "Refs/EndToEndId")
        unstructured = " ".join(self.texts(tx, "RmtInf/Ustrd"))
        if not unstructured:
            extra = [*self.texts(tx, "AddtlTxInf"), line.remittance]
            unstructured = " ".join(dict.fromkeys(t for t in extra if t))
        return replace(
            line,
            bank_ref=self.text(tx, "Refs/AcctSvcrRef") or line.bank_ref,
            end_to_end_id="" if end_to_end.upper() == "NOTPROVIDED" else end_to_end,
            counterparty_name=self.text(tx, *(f"RltdPties/{n}" for n in names)),
            counterparty_iban=self.text(tx, f"RltdPties/{account}/Id/IBAN").replace(" ", ""),
            remittance=unstructured,
            structured_ref=self.text(tx, "RmtInf/Strd/CdtrRefInf/Ref"),
            bank_code=line.bank_code or self.bank_code(tx),
            source=where,
        )
