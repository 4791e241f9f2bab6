"""Who paid: the customers a credit's IBAN, name, and words point to, with their reasons.

The strongest sign counts in full; each further sign of the same customer adds a fifth
of its points, so a payer known by IBAN and by name is surer than by one of them, but
identity alone never reaches the threshold: the money must still fit an invoice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from solde.core.matching import scoring
from solde.core.matching.names import NameIndex, normalize_iban, normalize_name
from solde.core.matching.records import Credit, Payer, Reason

_WORD = re.compile(r"[A-Z0-9]+")
_LEADING_LETTERS = re.compile(r"^[A-Z]{3,}(?=\d)")
MIN_CODE = 3  # shorter codes ("A1") would be found in any text


def words_of(fields: Iterable[str]) -> set[str]:
    """The folded words of the texts, and the letter prefixes of words like "CDE4512"."""
    words: set[str] = set()
    for text in fields:
        for word in _WORD.findall(text):
            words.add(word)
            prefix = _LEADING_LETTERS.match(word)
            if prefix:
                words.add(prefix.group())
    return words


class IdentityIndex:
    def __init__(self, payers: list[Payer], not_customers: Iterable[str]):
        self.names = NameIndex(payers)
        self.ibans: dict[str, list[int]] = {}
        self.codes: dict[str, list[int]] = {}
        self.habits: dict[str, list[int]] = {}
        self.names_of: dict[int, str] = {}
        for payer in payers:
            self.names_of[payer.customer_id] = payer.name
            for iban in payer.ibans:
                if normalize_iban(iban):
                    self.ibans.setdefault(normalize_iban(iban), []).append(payer.customer_id)
            code = normalize_iban(payer.code)  # same folding: upper case, letters and digits
            if len(code) >= MIN_CODE:
                self.codes.setdefault(code, []).append(payer.customer_id)
            for habit in payer.habits:
                token = normalize_iban(habit)
                if len(token) >= MIN_CODE:
                    self.habits.setdefault(token, []).append(payer.customer_id)
        self.never = frozenset(normalize_iban(v) for v in not_customers) | frozenset(
            normalize_name(v) for v in not_customers
        )
        self.never -= {""}
        self._payers: dict[tuple[str, str], tuple[dict, dict]] = {}
        self.words = frozenset(self.codes) | frozenset(self.habits)

    def ignored(self, iban: str, name: str) -> str:
        """The payer key (normalised IBAN or name) known never to be a customer, or ""."""
        if iban and iban in self.never:
            return iban
        key = self.names.key(name) if name else ""
        if key and key in self.never:
            return key
        return ""

    def codes_in(self, words: set[str]) -> list[str]:
        return sorted(words & self.codes.keys())

    def evidence(self, credit: Credit, iban: str, words: set[str]) -> dict[int, tuple[Reason, ...]]:
        """The customers the payer may be, each with its signs (`iban` normalised): a new
        dict the caller may extend."""
        key = (iban, credit.counterparty_name)
        payer = self._payers.get(key)
        if payer is None:  # payers repeat: their IBAN and name signs are computed once
            payer = self._payer_signs(credit, iban)
            if len(self._payers) > 200_000:
                self._payers.clear()
            self._payers[key] = payer
        signs, combined = payer
        extra: dict[int, list[Reason]] = {}
        for word in words & self.words:  # most texts hold no code nor habit
            for cid in self.codes.get(word, ()):
                points = scoring.CODE if any(c.isdigit() for c in word) else scoring.CODE_WORD
                extra.setdefault(cid, []).append(Reason("code", points, (("code", word),)))
            for cid in self.habits.get(word, ()):
                extra.setdefault(cid, []).append(Reason("habit", scoring.HABIT, (("token", word),)))
        if not extra:
            return dict(combined)
        merged = dict(combined)
        for cid, more in extra.items():
            merged[cid] = _combined(list(signs.get(cid, ())) + sorted(more, key=_order))
        return merged

    def _payer_signs(self, credit: Credit, iban: str):
        signs: dict[int, list[Reason]] = {}
        for cid in self.ibans.get(iban, ()) if iban else ():
            signs.setdefault(cid, []).append(Reason("iban", scoring.IBAN, (("iban", iban),)))
        if credit.counterparty_name.strip():
            for match in self.names.lookup(credit.counterparty_name):
                reason = self._name_reason(credit, match)
                if reason is not None:
                    signs.setdefault(match.customer_id, []).append(reason)
        return signs, {cid: _combined(reasons) for cid, reasons in signs.items()}

    def compared(self, credit: Credit, cid: int) -> tuple[Reason, ...]:
        """The payer's name against one customer that other evidence brought."""
        if not credit.counterparty_name.strip():
            return ()
        match = self.names.compare(credit.counterparty_name, cid)
        reason = self._name_reason(credit, match) if match else None
        return (reason,) if reason else ()

    def _name_reason(self, credit: Credit, match) -> Reason | None:
        points = scoring.name_points(match.kind, match.similarity)
        if not points:
            return None
        found = credit.counterparty_name.strip()
        if match.kind == "alias":
            return Reason("alias", points, (("found", found),))
        params = (
            ("found", found),
            ("customer", self.names_of.get(match.customer_id, "")),
            ("similarity", str(match.similarity)),
            ("kind", match.kind),
        )
        return Reason("name", points, params)


def _order(reason: Reason) -> tuple:
    return (reason.code, reason.params)


def _combined(reasons: list[Reason]) -> tuple[Reason, ...]:
    """The strongest sign in full, a fifth of each further one (one per kind)."""
    best: dict[str, Reason] = {}
    for reason in reasons:
        kind = "name" if reason.code == "alias" else reason.code
        if kind not in best or best[kind].points < reason.points:
            best[kind] = reason
    ordered = sorted(best.values(), key=lambda r: (-r.points, r.code))
    head, rest = ordered[0], ordered[1:]
    return (head,) + tuple(
        Reason(r.code, r.points // scoring.FURTHER_IDENTITY, r.params) for r in rest
    )
