"""Numbers in a remittance text that look like something else than an invoice number.

IBANs, card numbers, dates, amounts, VAT, SIREN and phone numbers are found here, so that
the reference scan reads them only when they equal an open invoice's whole number
(IBANs and card numbers not even then). The regex is costly by the character, so a
cheap look at the text's atoms decides first whether any look-alike can be there.
"""

from __future__ import annotations

import re
from datetime import date

_PROTECTED = re.compile(
    r"(?P<iban>\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b)"
    r"|(?P<card>\b\d{4}(?P<sep>[ -]?)\d{4}(?P=sep)\d{4}(?P=sep)\d{4}\b|[X*]{4,12}[ -]?\d{4}\b)"
    r"|(?P<dmy>\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b)"
    r"|(?P<ymd>\b(?:19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}\b)"
    r"|(?P<my>\b(?:0?[1-9]|1[0-2])[/.-](?:19|20)\d{2}\b)"
    r"|(?P<compact>\b\d{8}\b)"
    r"|(?P<amount>\b\d{1,3}(?:[ .]\d{3})+[.,]\d{2}\b|\b\d+[.,]\d{2}\b)"
    r"|(?P<vat>\bFR[0-9A-Z]{2}\d{9}\b)"
    r"|(?P<legal>\b(?:SIREN|SIRET|SIRE|RCS|TVA|TEL|IBAN|BIC|CB|CARTE)\W{0,3}[\d ]{4,17}\d)"
    r"|(?P<phone>\b0[1-9](?:[ .]?\d{2}){4}\b)"
)


def _iban_valid(text: str) -> bool:
    compact = text.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _looks_protected(kind: str, text: str) -> bool:
    if kind == "iban":
        return _iban_valid(text)
    if kind == "card" and text[0].isdigit():
        return _luhn(re.sub(r"\D", "", text))
    if kind == "dmy":
        d, m, y = re.split(r"[/.-]", text)
        return _valid_date(2000 + int(y) % 100, int(m), int(d))
    if kind == "ymd":
        y, m, d = re.split(r"[/.-]", text)
        return _valid_date(int(y), int(m), int(d))
    if kind == "compact":
        return _valid_date(int(text[:4]), int(text[4:6]), int(text[6:])) or (
            text[4:6] == "20" and _valid_date(int(text[4:]), int(text[2:4]), int(text[:2]))
        )
    return True


_DIGIT = re.compile(r"\d")
_LEAD = 14  # look-alikes start at most this far before their first digit ("XXXXXXXX1234")


def protected_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with IBANs and card numbers blanked, and the spans of the other look-alikes.

    Only the stretch from just before the first digit to the last digit is searched:
    every look-alike holds digits, and the regex costs by the character.
    """
    spans: list[tuple[int, int]] = []
    first = _DIGIT.search(text)
    if first is None:
        return text, spans
    last = len(text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ ")) + 3
    for match in _PROTECTED.finditer(text, max(0, first.start() - _LEAD), last):
        kind = match.lastgroup or ""
        if not _looks_protected(kind, match.group()):
            continue
        start, end = match.span()
        if kind in ("iban", "card"):
            text = text[:start] + " " * (end - start) + text[end:]
        else:
            spans.append((start, end))
    return text, spans


# What every look-alike of _PROTECTED needs, searched at once (cheap): a run of 8+ digits;
# a run of 1 or 2 digits beside a one-character "/.,-" and more digits (dates, amounts);
# three groups of 2 to 4 digits in a row (IBAN, card, phone, SIREN in groups); a keyword;
# masking X's or stars.
_HINT = re.compile(
    r"\d{8}"
    r"|(?<!\d)\d{1,2}[/.,-]\d|\d[/.,-]\d{1,2}(?!\d)"
    r"|(?<!\d)\d{2,4}[ .-]\d{2,4}[ .-]\d{2,4}(?!\d)"
    r"|(?<![A-Z])(?:SIREN|SIRET|SIRE|RCS|TVA|TEL|IBAN|BIC|CB|CARTE)(?![A-Z])"
    r"|XXXX|\*\*"
)


def may_hold_lookalikes(text: str) -> bool:
    """Whether any look-alike could be in the text: if not, the costly regex is skipped."""
    return _HINT.search(text) is not None
