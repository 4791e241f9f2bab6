"""MT940 statements and MT942 interim reports (SWIFT), as banks send them.

The file is cut into fields here (`:20:`, `:61:`, `:86:`…) because messages must name the
line at fault and statements end where the standard says, not where a library guesses; the
`:61:` statement line is then read with mt-940's grammar (`mt940.tags`), which knows the
banks' variants of that crowded field. Amounts and dates are built here from the text:
never through a float, and with the checks a bank file needs (the year turn between value
and entry date, more decimals than the currency has).

`:86:` comes in dialects: German banks' `?20…?63` sub-fields with a GVC code, SEPA keywords
(`EREF+ … SVWZ+ …`), the Dutch/French `/EREF/…/REMI/…` slash keywords, or free text; each
gives the counterparty, the remittance text and the end-to-end id it carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import mt940.tags
from schwifty import IBAN

from solde.core.errors import InputError, ValidationError
from solde.core.money import check_currency, currency_decimals
from solde.formats.bankstatement import MAX_FILE_BYTES, Statement, StatementLine

FORMAT = "mt940"
_KNOWN_TAGS = {"13", "13D", "20", "21", "25", "25P", "28", "28C", "34F", "64", "65", "86", "NS"}
_KNOWN_TAGS |= {"60", "60F", "60M", "61", "62", "62F", "62M", "90C", "90D"}
_OPENING = frozenset({"60", "60F", "60M"})
_CLOSING = frozenset({"62", "62F", "62M"})
_INTERIM = frozenset({"13", "13D", "34F", "90C", "90D"})  # MT942 fields
_TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # SOH/ETX framing, stray bytes
# Lines a bank puts around its messages: SWIFT blocks "{1:…}{2:…}{4:", "-}{5:}", Rabobank's
# ":940:", "940 00", ING's "0000 01INGBNL2AXXXX00001", ABN AMRO's BIC line.
_HEADER = re.compile(
    r"[{}].*|:94\d:|94\d(?: \d{2})?|\d{4} \d{2}[A-Z0-9]{8,}|[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?"
)
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})?(\d{1,20}(?:[.,]\d{0,5})?|[.,]\d{1,5})")
_AMOUNT = re.compile(r"\d{0,15}(?:,\d*)?")
_POINT_AMOUNT = re.compile(r"^(\d{6}(?:\d{4}|\s{4})?R?[CDcd][A-Z]?\s?\d+)\.(\d)")
_MAX_61 = 500  # six lines of 65 characters and then some: longer is not a :61: field
# The :61: grammars tried in turn: SWIFT's (16-character customer reference), then the
# long reference some banks put there (ASN, SNS, GLS: an IBAN of 18+ characters).
_LINE_GRAMMARS = (mt940.tags.Statement().re, mt940.tags.StatementGLS().re)


@dataclass
class _Field:
    tag: str
    line: int
    parts: list[str] = field(default_factory=list)
    ended: bool = False  # an end-of-message line ("-", "-}") follows

    @property
    def text(self) -> str:
        return "\n".join(self.parts)

    @property
    def joined(self) -> str:  # single-value fields that a bank wrapped (ING's ":28C:0000\n0")
        return "".join(part.strip() for part in self.parts)


def sniff(head: bytes) -> bool:
    """Two lines or more that start with MT940 tags (a statement opens with :20: and :25:)."""
    tags = re.findall(r"(?m)^:(?:20|25|28C?|60[FM]?|61|62[FM]?|86):", head.decode("latin-1"))
    return len(tags) >= 2


def read(data: bytes, *, file: str = "statement") -> list[Statement]:
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"is over {MAX_FILE_BYTES // 2**20} MB: refused.", file=file)
    blocks = _blocks(_fields(_decode(data), file), file)
    if not blocks:
        raise InputError("holds no MT940 statement (no :20: field).", file=file)
    last = len(blocks) - 1
    return [_Block(block, file, ended=i < last).statement() for i, block in enumerate(blocks)]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp852")  # DOS Central European (Hungarian banks); maps every byte


def _fields(text: str, file: str) -> list[_Field]:
    fields: list[_Field] = []
    between = True  # before the first field, or after an end-of-message line
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = _CONTROL.sub("", raw)
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == "-" or stripped.startswith("-}"):
            between = True
            if fields:
                fields[-1].ended = True
            continue
        tag = _TAG.match(line)
        if tag and tag[1] in _KNOWN_TAGS:
            fields.append(_Field(tag[1], number, [line[tag.end() :]]))
            between = False
        elif between and _HEADER.fullmatch(stripped):
            continue
        elif fields:
            fields[-1].parts.append(line)  # continuation; ":12:" inside a :86: is text
        else:
            raise InputError(
                f"{stripped[:30]!r} is neither an MT940 field nor a message header: "
                "not an MT940 file.",
                file=file,
                line=number,
            )
    return fields


def _blocks(fields: list[_Field], file: str) -> list[list[_Field]]:
    blocks: list[list[_Field]] = []
    for item in fields:
        if item.tag == "20":
            blocks.append([item])
        elif not blocks:
            message = f":{item.tag}: comes before any :20: (the start of a statement)."
            raise InputError(message, file=file, line=item.line)
        else:
            blocks[-1].append(item)
    return blocks


@dataclass
class _Balance:
    amount: Decimal
    day: date
    currency: str


class _Block:
    """One statement: :20: up to the next :20:."""

    def __init__(self, fields: list[_Field], file: str, *, ended: bool):
        self.fields, self.file, self.start = fields, file, fields[0].line
        # Whether the statement is known to end here: a later one follows, or an end marker.
        self.ended = ended or fields[-1].ended
        self.account: str | None = None
        self.account_currency = ""
        self.statement_id = ""
        self.opening: _Balance | None = None
        self.closing: _Balance | None = None
        self.interim_currency = ""
        self.interim = False
        self.entries: list[tuple[_Field, list[_Field]]] = []  # each :61: and its :86:

    def error(self, message: str, item: _Field) -> InputError:
        return InputError(message, file=self.file, line=item.line, column=f":{item.tag}:")

    def statement(self) -> Statement:
        for item in self.fields[1:]:
            self._take(item)
        return self._build()

    def _take(self, item: _Field) -> None:
        tag = item.tag
        if tag == "25":
            if self.account is not None:
                raise self.error(f"a second account in the statement of line {self.start}.", item)
            if len(item.joined) > 64:  # 35 characters, with room for a bank's spaces
                raise self.error("is too long for an account identification.", item)
            self.account, self.account_currency = _account(item.joined)
        elif tag in ("28", "28C"):
            self.statement_id = item.joined
        elif tag in _OPENING:
            if self.opening or self.entries:
                raise self.error("an opening balance after the statement's first one.", item)
            self.opening = self._balance(item)
        elif tag == "61":
            if self.closing:
                raise self.error("a statement line after the closing balance (no new :20:).", item)
            self.entries.append((item, []))
        elif tag == "86":
            if self.entries and not self.closing:
                self.entries[-1][1].append(item)
            # else: information for the account owner, about no line
        elif tag in _CLOSING:
            if self.closing:
                raise self.error("a second closing balance in the statement.", item)
            self.closing = self._balance(item)
        elif tag in _INTERIM:  # :34F:EURD0,00 or :90D:1EUR2,30 carry the report's currency
            self.interim = True
            if not self.interim_currency and (currency := re.search(r"[A-Z]{3}", item.joined)):
                self.interim_currency = currency[0]

    def _balance(self, item: _Field) -> _Balance:
        match = _BALANCE.fullmatch(item.joined)
        if match is None:
            raise self.error(f"{item.joined[:40]!r} is not a balance (C/D, YYMMDD, amount).", item)
        known = self.opening.currency if self.opening else self.account_currency
        currency = self._currency(match[3] or known, item)
        amount = self._decimal(match[4], currency, item)
        return _Balance(
            -amount if match[1] == "D" else amount, self._date(match[2], item), currency
        )

    def _currency(self, code: str, item: _Field) -> str:
        if not code:
            raise self.error("no currency, neither in the balance nor in :25:.", item)
        try:
            return check_currency(code)
        except ValidationError as exc:
            raise self.error(exc.message, item) from exc

    def _decimal(self, text: str, currency: str, item: _Field) -> Decimal:
        value = Decimal(text.replace(",", ".").rstrip(".") or "0")
        places = currency_decimals(currency)
        if -value.as_tuple().exponent > places:
            raise self.error(f"amount {text!r} has more decimals than {currency} has.", item)
        return value.quantize(Decimal(1).scaleb(-places))

    def _date(self, yymmdd: str, item: _Field) -> date:
        year = int(yymmdd[:2])
        parsed = _day(1900 + year if year >= 70 else 2000 + year, yymmdd[2:4], yymmdd[4:])
        if parsed is None:
            raise self.error(f"{yymmdd!r} is not a date (YYMMDD).", item)
        return parsed

    def _build(self) -> Statement:
        first = self.fields[0]
        if self.account is None:
            raise self.error("the statement that starts here has no :25: account.", first)
        if not self.interim and self.opening is None:
            raise self.error("the statement that starts here has no :60F: opening balance.", first)
        if not self.interim and self.closing is None and not self.ended:
            raise self.error("no :62F: closing balance and no end of message: cut file?", first)
        if self.opening and self.closing and self.opening.currency != self.closing.currency:
            raise self.error("opening and closing balances are in different currencies.", first)
        known = self.opening or self.closing
        currency = known.currency if known else self.interim_currency or self.account_currency
        currency = self._currency(currency, first)
        lines = tuple(self._line(entry, details, currency) for entry, details in self.entries)
        warnings = []
        if self.closing is None:
            kind = "interim report (MT942)" if self.interim else "statement"
            warnings.append(f"{kind} of line {self.start} has no closing balance.")
        if self.opening and self.closing:
            total = self.opening.amount + sum((line.amount for line in lines), Decimal(0))
            if total != self.closing.amount:
                warnings.append(
                    f"opening balance {self.opening.amount} + lines = {total}, but the closing "
                    f"balance is {self.closing.amount} (statement of line {self.start})."
                )
        return Statement(
            account=self.account,
            currency=currency,
            lines=lines,
            statement_id=self.statement_id,
            opening_balance=self.opening.amount if self.opening else None,
            opening_date=self.opening.day if self.opening else None,
            closing_balance=self.closing.amount if self.closing else None,
            closing_date=self.closing.day if self.closing else None,
            format=FORMAT,
            warnings=tuple(warnings),
        )

    def _line(self, item: _Field, details: list[_Field], currency: str) -> StatementLine:
        groups = _statement_line(item.text)
        if groups is None:
            raise self.error(f"{item.text[:60]!r} is not a statement line.", item)
        amount_text = groups["amount"] or ""
        if not _AMOUNT.fullmatch(amount_text) or not re.search(r"\d", amount_text):
            raise self.error(f"{amount_text!r} is not an amount.", item)
        amount = self._decimal(amount_text, currency, item)
        mark = groups["status"].upper()
        if mark in ("D", "RC"):  # a debit, or the reversal of a credit: money out
            amount = -amount
        value_date = self._date(groups["year"] + groups["month"] + groups["day"], item)
        booking = _entry_date(value_date, groups["entry_month"], groups["entry_day"])
        if booking is None:
            raise self.error("the entry date (MMDD after the value date) does not exist.", item)
        info = _details("\n".join(d.text for d in details))
        type_id = (groups["id"] or "").strip()
        if (type_id + (groups["customer_reference"] or "")).upper() == "NONREF":
            type_id = ""  # "NONREF" straight after the amount: no type, no reference
        bank_ref = (groups["bank_reference"] or "").strip()
        return StatementLine(
            booking_date=booking,
            amount=amount,
            currency=currency,
            value_date=value_date,
            bank_ref="" if bank_ref.upper() == "NONREF" else bank_ref,
            end_to_end_id=info.end_to_end_id,
            counterparty_name=info.name,
            counterparty_iban=info.iban,
            remittance=info.remittance if details else _spaces(groups["extra_details"] or ""),
            structured_ref=info.structured_ref,
            bank_code="/".join(part for part in (type_id, info.gvc) if part),
            source=f"line {item.line}",
        )


def _statement_line(text: str) -> dict[str, str] | None:
    if len(text) > _MAX_61:
        return None
    text = _POINT_AMOUNT.sub(r"\1,\2", text, count=1)  # Rabobank's "…C000000000300.00N…"
    # ING wraps inside values ("…//00000000001" + "005"): glue the first line's pieces up to
    # the supplementary details, which start with "/", and glue those into one second line.
    first, *rest = text.split("\n")
    while rest and not rest[0].startswith("/"):
        first += rest.pop(0)
    unwrapped = first + ("\n" + "".join(rest) if rest else "")
    for variant in (text, unwrapped):
        for grammar in _LINE_GRAMMARS:
            if match := grammar.match(variant):
                return match.groupdict()
    return None


def _day(year: int, month: str, day: str) -> date | None:
    try:
        return date(year, int(month), int(day))
    except ValueError:
        if month == "02" and day in ("29", "30", "31"):
            # German banks date quarter closings "30 February": the month's last day.
            return date(year, 3, 1) - timedelta(days=1)
        return None


def _entry_date(value_date: date, month: str | None, day: str | None) -> date | None:
    """The entry date in the year that puts it nearest the value date (0102 vs 1231)."""
    if not (month and day and month.isdigit() and day.isdigit()):
        return value_date
    candidates = [_day(year, month, day) for year in (value_date.year + d for d in (-1, 0, 1))]
    found = [c for c in candidates if c is not None]
    return min(found, key=lambda c: abs((c - value_date).days)) if found else None


def _account(text: str) -> tuple[str, str]:
    """The account of :25: (IBAN when there is one) and the currency suffix, if any."""
    compact = re.sub(r"\s+", "", text.upper())
    for match in re.finditer(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        candidate = match[0]
        for end in range(len(candidate), 14, -1):
            if IBAN(candidate[:end], allow_invalid=True).is_valid:
                suffix = candidate[end:] + compact[match.end() :]
                return candidate[:end], suffix if re.fullmatch(r"/?[A-Z]{3}", suffix) else ""
    rest = re.sub(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?/", "", text.strip())  # BIC prefix
    currency = re.search(r"(?<=[\d/\s.])/?\s*([A-Z]{3})$", rest)
    if currency and not _known(currency[1]):
        currency = None
    if currency:
        rest = rest[: currency.start()]
    return rest.strip(" /"), currency[1] if currency else ""


def _known(code: str) -> bool:
    try:
        return bool(check_currency(code))
    except ValidationError:
        return False


def _iban_or_empty(text: str) -> str:
    compact = re.sub(r"\s+", "", text).upper()
    return compact if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact) else ""


def _spaces(text: str) -> str:
    return " ".join(text.split())


# -- :86: dialects ---------------------------------------------------------------------------


@dataclass
class _Details:
    remittance: str = ""
    name: str = ""
    iban: str = ""
    end_to_end_id: str = ""
    structured_ref: str = ""
    gvc: str = ""


_GVC = re.compile(r"(\d{3})([?>])\d{2}")
_SUBFIELD = {"?": re.compile(r"\?(\d{2})"), ">": re.compile(r">(\d{2})")}
_REMITTANCE_FIELDS = {f"{n}" for n in range(20, 30)} | {"60", "61", "62", "63"}
_SEPA = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|PURP)\+")
_SLASH_KEYS = (
    "EREF|REMI|NAME|IBAN|CNTP|ORDP|BENM|ULTB|ULTC|ULTD|PREF|MARF|CSID|RTRN|TRTP|BIC|ADDR|"
    "ISDT|BBAN|PURP|TRCD|SVCL|BUSP|RTYP|ACCW|EXCH|CHGS"
)
_SLASH = re.compile(rf"/({_SLASH_KEYS})/")
_NONE = {"NOTPROVIDED", "NONREF"}


def _details(text: str) -> _Details:
    lines = text.split("\n")
    glued = "".join(lines).strip()
    if match := _GVC.match(glued):
        return _gvc(match[1], glued[3:], match[2])
    if glued.startswith("/") and _SLASH.search(glued):
        return _slash(glued)
    # Free text: a 65-character line was cut by the width limit, a shorter one by the bank.
    free = lines[0]
    for previous, line in zip(lines, lines[1:], strict=False):
        free += ("" if len(previous) >= 65 else " ") + line
    keywords = _sepa(free)
    if keywords:
        return _from_sepa(keywords, free, _Details())
    return _Details(remittance=_spaces(free))


def _gvc(code: str, body: str, separator: str) -> _Details:
    parts = _SUBFIELD[separator].split(body)
    sub: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        sub[key] = sub.get(key, "") + value
    text = _join_chunks([sub[key] for key in sorted(_REMITTANCE_FIELDS) if key in sub])
    info = _Details(
        name=_spaces(_join_chunks([sub.get("32", ""), sub.get("33", "")])),
        iban=_iban_or_empty(sub.get("31", "")) or _iban_or_empty(sub.get("38", "")),
        gvc=code,
    )
    keywords = _sepa(text)
    if keywords:
        return _from_sepa(keywords, text, info)
    info.remittance = _spaces(text) or _spaces(sub.get("00", ""))  # else the posting text
    return info


def _join_chunks(chunks: list[str]) -> str:
    """Sub-fields hold 27 characters: a full one was cut mid-word, a shorter one was not."""
    text = ""
    for previous, chunk in zip(["x" * 27, *chunks], chunks, strict=False):
        text += ("" if len(previous) >= 27 else " ") + chunk
    return text


def _sepa(text: str) -> dict[str, str]:
    parts = _SEPA.split(text)
    return {key: _spaces(value) for key, value in zip(parts[1::2], parts[2::2], strict=False)}


def _from_sepa(keywords: dict[str, str], text: str, info: _Details) -> _Details:
    reference = keywords.get("EREF", "")
    info.end_to_end_id = "" if reference.upper() in _NONE else reference
    info.remittance = keywords.get("SVWZ") or _spaces(text)
    info.name = info.name or keywords.get("ABWA", "") or keywords.get("ABWE", "")
    return info


def _slash(text: str) -> _Details:
    parts = _SLASH.split(text)
    keys: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        keys.setdefault(key, value.strip("/ "))
    counterparty = keys.get("CNTP", "").split("/")  # IBAN/BIC/name/city
    info = _Details(
        name=_spaces(keys.get("NAME") or (counterparty[2] if len(counterparty) > 2 else "")),
        iban=_iban_or_empty(keys.get("IBAN", "")) or _iban_or_empty(counterparty[0]),
    )
    reference = keys.get("EREF", "")
    info.end_to_end_id = "" if reference.upper() in _NONE else _spaces(reference)
    if "REMI" not in keys:
        info.remittance = _spaces(text)
        return info
    remittance = keys["REMI"]
    if structured := re.match(r"STRD/(?:[A-Z]{3,4}/)?(.*)", remittance):
        info.structured_ref = _spaces(structured[1])
    else:
        info.remittance = _spaces(re.sub(r"^USTD/+", "", remittance))
    return info
