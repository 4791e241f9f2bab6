"""Invoice numbers: the keys they are indexed by, and the ones a remittance text holds.

An invoice number such as "FA-2026-00123" gives several keys: the whole number without
separators ("FA202600123"), its digits ("202600123"), its year and sequence ((2026, 123)),
its prefix and sequence for numbers without a year (("INV", 812)), and the sequence
alone (123). A text is cut into letter and digit atoms; runs of atoms joined by short
separators are looked up, strongest key first, so a lookup is a dict hit, never a scan.

Numbers in a text that look like something else (IBANs, card numbers, dates, amounts,
VAT and SIREN numbers, phone numbers) only count when they equal an open invoice's whole
number; they are never split into year and sequence nor read as a bare sequence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from typing import NamedTuple

from solde.core.matching.lookalikes import may_hold_lookalikes, protected_spans

EXACT, FUZZY, SEQ = 3, 2, 1
MAX_WINDOW = 5  # atoms in one number: "FA-2026-11-0042" has four
MAX_HITS = 8  # a key that hits more invoices than this tells nothing
_SHORT_GAP = " -/._°#:"
# The separators that join two atoms of one number: none, or one or two of _SHORT_GAP.
_JOINING = frozenset([""] + list(_SHORT_GAP) + [a + b for a in _SHORT_GAP for b in _SHORT_GAP])
_ANY_DIGIT = re.compile(r"\d")
_ATOM = re.compile(r"[A-Z]+|\d+")
_GAPPED = re.compile(r"([^A-Z0-9]*)([A-Z]+|\d+)")
_RF = re.compile(r"\bRF\d{2}(?=[A-Z0-9]{3,})")


def fold(text: str) -> str:
    """Upper case without accents: the form every text is compared in."""
    if text.isascii():
        return text.upper()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


class NumberKeys(NamedTuple):
    full: str  # letters and digits, no separators
    digits: str  # every digit, leading zeros dropped ("" when year and sequence say it all)
    letters: str  # the letters before the first digit
    year: int | None
    seq: int | None
    first: str = ""  # the first word: where a text may start writing it


# The usual shape, read without the general loop: "FA-2026-00123", "F2026-123", "2026/0042".
_COMMON = re.compile(r"([A-Z]*)[-/ ._]?(\d{4})[-/ ._](\d+)")


def number_keys(number: str, issue_year: int) -> NumberKeys:
    """The keys of an invoice number; the year is told apart from the sequence by the
    issue year ("FA202600123" issued in 2026 is year 2026, sequence 123)."""
    text = fold(number)
    common = _COMMON.fullmatch(text)
    if common and common.group(2) == f"{issue_year:04d}":
        # digits "202600123" need no key of their own: the scan reads year and sequence
        letters, year, seq = common.groups()
        return NumberKeys(letters + year + seq, "", letters, issue_year, int(seq),
                          letters or year)  # fmt: skip
    atoms = _ATOM.findall(text)
    runs = [a for a in atoms if a.isdigit()]
    letters = ""
    for atom in atoms:
        if atom.isdigit():
            break
        letters += atom
    full, first = "".join(atoms), atoms[0] if atoms else ""
    if not runs:
        return NumberKeys(full, "", letters, None, None, first)
    year, seq = _year_and_seq(runs, issue_year)
    return NumberKeys(full, "".join(runs).lstrip("0"), letters, year, seq, first)


def _year_and_seq(runs: list[str], issue_year: int) -> tuple[int | None, int]:
    head, yyyy, yy = runs[0], f"{issue_year:04d}", f"{issue_year % 100:02d}"
    if len(runs) > 1:
        if head in (yyyy, yy) or (len(head) == 4 and head.startswith(yy) and _month(head[2:])):
            return issue_year, int(runs[-1])
        if len(head) == 4 and 1990 <= int(head) <= 2099:
            return int(head), int(runs[-1])
        if head.startswith(yyyy):
            return issue_year, int(runs[-1])
        return None, int(runs[-1])
    if len(head) > 4 and head.startswith(yyyy):
        return issue_year, int(head[4:])
    return None, int(head)


def _month(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= 12


class Hit(NamedTuple):
    level: int  # EXACT, FUZZY or SEQ
    found: str  # what the text said
    shared: int  # how many open invoices the same words hit


class ReferenceIndex:
    """Invoices by every key of their number. Lookups only return those in `open_ids`
    (a live set kept by the caller), so a paid invoice leaves it at no cost."""

    def __init__(self, open_ids: Container[int]) -> None:
        self.open_ids = open_ids
        self.full: dict[str, list[int]] = {}
        self.digits: dict[str, list[int]] = {}
        self.year_seq: dict[tuple[int, int], list[int]] = {}
        self.letters_seq: dict[tuple[str, int], list[int]] = {}
        self.seq: dict[int, list[int]] = {}
        self.letters: dict[int, str] = {}  # invoice id -> its prefix ("FA")
        self.starts: set[str] = set()  # the first words of numbers: where a window may start
        self.lengths: set[int] = set()  # the lengths of whole numbers, separators dropped
        self.digit_first = False  # some number starts with a digit ("2026/0042")

    def _entries(self, keys: NumberKeys) -> list[tuple[dict, object]]:
        entries: list[tuple[dict, object]] = []
        if keys.full:
            entries.append((self.full, keys.full))
        if len(keys.digits) >= 4:
            entries.append((self.digits, keys.digits))
        if keys.seq is not None:
            if keys.year is not None:
                entries.append((self.year_seq, (keys.year, keys.seq)))
            elif keys.letters:
                entries.append((self.letters_seq, (keys.letters, keys.seq)))
            entries.append((self.seq, keys.seq))
        return entries

    def add(self, invoice_id: int, number: str, issue_year: int) -> None:
        keys = number_keys(number, issue_year)
        for table, key in self._entries(keys):
            ids = table.get(key)
            if ids is None:
                table[key] = [invoice_id]
            else:
                ids.append(invoice_id)
        if keys.letters:
            self.letters[invoice_id] = keys.letters
        self.starts.add(keys.first)
        self.lengths.add(len(keys.full))
        self.digit_first = self.digit_first or keys.first.isdigit()

    def find(self, text: str) -> dict[int, Hit]:
        """Every open invoice the (folded) text names, with the strongest way it names it."""
        hits: dict[int, Hit] = {}
        if not text or not _ANY_DIGIT.search(text):
            return hits
        _Scan(self, text, hits).run()
        return hits


class _Scan:
    """One pass over one text: exact numbers first, then year and sequence, then sequences."""

    def __init__(self, index: ReferenceIndex, text: str, hits: dict[int, Hit]):
        self.index, self.hits = index, hits
        if "RF" in text:
            text = _RF.sub("    ", text)
        pairs = _GAPPED.findall(text)  # (separator before, atom)
        guarded = [False] * len(pairs)
        if may_hold_lookalikes(text):
            text, spans = protected_spans(text)
            pairs = _GAPPED.findall(text)
            guarded = _guarded(pairs, spans)
        atoms = [atom for _, atom in pairs]
        # atom i follows atom i-1 across a short separator
        joined = [gap in _JOINING for gap, _ in pairs]
        if joined:
            joined[0] = False
        self.atoms, self.joined, self.guarded = atoms, joined, guarded
        self.digit = [a.isdigit() for a in atoms]
        self.used = [False] * len(atoms)
        self.years: set[int] = set()

    def _record(self, ids: list[int] | None, level: int, found: str) -> bool:
        if not ids:
            return False
        open_ids = self.index.open_ids
        ids = [i for i in ids if i in open_ids]
        if not ids or (level < EXACT and len(ids) > MAX_HITS):
            return False
        for invoice_id in ids:
            known = self.hits.get(invoice_id)
            if known is None or known.level < level:
                self.hits[invoice_id] = Hit(level, found, len(ids))
        return True

    def run(self) -> None:
        self._exact_windows()
        open_digits = [
            i
            for i, is_digit in enumerate(self.digit)
            if is_digit and not self.used[i] and not self.guarded[i]
        ]
        for i in open_digits:
            if not self.used[i]:
                self._fuzzy_at(i)
        for i in open_digits:
            if not self.used[i]:
                self._seq_at(i)

    def _exact_windows(self) -> None:
        atoms, digit, joined = self.atoms, self.digit, self.joined
        count, starts, full = len(atoms), self.index.starts, self.index.full
        lengths = self.index.lengths
        for i in range(count):
            if atoms[i] not in starts and not (digit[i] and self.index.digit_first):
                continue
            key, has_digit = "", False
            for j in range(i, min(i + MAX_WINDOW, count)):
                if j > i and not joined[j]:
                    break
                key += atoms[j]
                has_digit = has_digit or digit[j]
                if has_digit and len(key) in lengths:
                    ids = full.get(key)
                    if ids and self._record(ids, EXACT, " ".join(atoms[i : j + 1])):
                        self._use(i, j)
                        self._learn_year(i, j)

    def _use(self, i: int, j: int) -> None:
        for k in range(i, j + 1):
            self.used[k] = True

    def _learn_year(self, i: int, j: int) -> None:
        for k in range(i, j):
            year = _year_of(self.atoms[k])
            if year:
                self.years.add(year)
                return

    def _next_digits(self, i: int) -> int | None:
        k = i + 1
        if k < len(self.atoms) and self.joined[k] and self.atoms[k].isdigit():
            return None if self.guarded[k] else k
        return None

    def _fuzzy_at(self, i: int) -> None:
        atoms, index = self.atoms, self.index
        atom = atoms[i]
        year = _year_of(atom)
        nxt = self._next_digits(i)
        if year and nxt is not None:
            after = self._next_digits(nxt)
            if after is not None and _month(atoms[nxt]) and self._pair(i, after, year):
                return
            if self._pair(i, nxt, year):
                return
        if nxt is not None:
            digits = (atom + atoms[nxt]).lstrip("0")
            if self._record(index.digits.get(digits), FUZZY, f"{atom} {atoms[nxt]}"):
                self._use(i, nxt)
                return
        if len(atom) >= 5:
            if self._record(index.digits.get(atom.lstrip("0")), FUZZY, atom):
                self._use(i, i)
                return
            split = _year_of(atom[:4]) if len(atom[:4]) == 4 else None
            if split and self._record(index.year_seq.get((split, int(atom[4:]))), FUZZY, atom):
                self.years.add(split)
                self._use(i, i)
                return
        if i and self.joined[i] and atoms[i - 1].isalpha():
            found = f"{atoms[i - 1]} {atom}"
            if self._record(index.letters_seq.get((atoms[i - 1], int(atom))), FUZZY, found):
                self._use(i - 1, i)

    def _pair(self, i: int, j: int, year: int) -> bool:
        """Year and sequence; with the invoice's own prefix before them ("fa-2026-4588"),
        the whole number is there, only written differently: as good as exact."""
        ids = self.index.year_seq.get((year, int(self.atoms[j])))
        open_ids = self.index.open_ids
        ids = [k for k in ids if k in open_ids] if ids else None
        if not ids or len(ids) > MAX_HITS:
            return False
        prefix = self.atoms[i - 1] if i and self.joined[i] and self.atoms[i - 1].isalpha() else ""
        start = i - 1 if prefix else i
        found = " ".join(self.atoms[start : j + 1])
        letters = self.index.letters
        whole = [k for k in ids if prefix and letters.get(k) == prefix]
        self._record(whole, EXACT, found)
        self._record([k for k in ids if k not in whole], FUZZY, found)
        self.years.add(year)
        self._use(start, j)
        return True

    def _seq_at(self, i: int) -> None:
        atom = self.atoms[i]
        if len(atom) < 2 or int(atom) == 0:
            return
        seq = int(atom)
        for year in sorted(self.years):  # "FA-2026-00123 00124": the year written before
            self._record(self.index.year_seq.get((year, seq)), FUZZY, atom)
        if len(atom) == 4 and 2015 <= seq <= 2035:
            return  # a year standing alone ("cotisation 2026"), not a sequence
        self._record(self.index.seq.get(seq), SEQ, atom)


def _guarded(pairs: list[tuple[str, str]], spans: list[tuple[int, int]]) -> list[bool]:
    """Which atoms lie in a look-alike's span."""
    guarded, position = [], 0
    for gap, atom in pairs:
        start = position + len(gap)
        position = start + len(atom)
        guarded.append(any(a < position and start < b for a, b in spans))
    return guarded


def _year_of(atom: str) -> int | None:
    """The year a number written before a sequence stands for: 2026, 26, or 2603 (YYMM)."""
    if not atom.isdigit():
        return None
    if len(atom) == 4:
        value = int(atom)
        if 2000 <= value <= 2099:
            return value
        if 15 <= value // 100 <= 49 and _month(atom[2:]):
            return 2000 + value // 100
        return None
    if len(atom) == 2:
        return 2000 + int(atom)
    return None
