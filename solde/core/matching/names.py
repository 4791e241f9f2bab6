"""Payer names: normalised, indexed by token, compared with rapidfuzz.

A name is folded (upper case, no accents, no punctuation), stripped of legal forms
(SARL, SAS, GmbH…), titles (M., MME…) and small words, and its tokens sorted, so
"Sarl Dupont & Fils" and "DUPONT ET FILS SARL" are one key. Compared with a customer,
a payer name is:
- exact: the same tokens; a name cut by the bank at 35 characters ends with the beginning
  of one of the customer's words (the words after it are lost), or of a word the
  customer's name does not have;
- contained: one token set inside the other ("DUPONT" in "DUPONT FILS");
- fuzzy: rapidfuzz's token_set_ratio at least 85 ("BRZTON" for "BRETON").
To find customers by name, only those sharing a token are compared: equal keys first,
then containment (dropped when more than five customers contain the name: "MARTIN" alone
points at nobody), then fuzzy among the customers holding the rarest known token. A
customer brought by other evidence (a reference, an amount) is compared directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import combinations
from typing import NamedTuple

from rapidfuzz import fuzz, process

from solde.core.matching.records import Payer
from solde.core.matching.references import fold


def _words(text: str) -> list[str]:
    return text.split()


LEGAL_FORMS = frozenset(
    _words(
        "SARL SAS SA SASU EURL SCI SNC SCOP SCM SCP SELARL SELAS SELAFA SEL GIE EI EIRL EARL "
        "GAEC SCEA SCA SEM SPL GMBH AG KG UG OHG LTD LIMITED LLC LLP PLC INC CORP CO BV NV "
        "BVBA SPRL SRL SPA SL SLU OY AB AS APS STE SOCIETE ETS ETABLISSEMENT ETABLISSEMENTS "
        "CIE"
    )
)
TITLES = frozenset(_words("MR MME MLLE MM MRS MS MONSIEUR MADAME MADEMOISELLE DR ME EPOUX"))
SMALL_WORDS = frozenset(_words("ET DE DU DES LA LE LES AND THE OF OU EN AU AUX"))
_DROPPED = LEGAL_FORMS | TITLES | SMALL_WORDS
_WORD = re.compile(r"[A-Z0-9]+")
TRUNCATED_AT = 32  # a name this long may have been cut by the bank (35 characters)
MAX_TRUNCATED = 200  # customers checked for a name the bank may have cut
MAX_CONTAINED = 5  # more customers than this inside a name: the name is too vague
FUZZY_CUTOFF = 85
FUZZY_POOL = 5000


def name_tokens(name: str) -> list[str]:
    """The meaningful words of a name, in the order written."""
    words = _WORD.findall(fold(name or ""))
    kept = [w for w in words if w not in _DROPPED and (len(w) > 1 or w.isdigit())]
    return kept or [w for w in words if len(w) > 1]


def normalize_name(name: str) -> str:
    """The key a payer name is compared and stored by: "DUPONT FILS" for "Sarl Dupont & fils".

    Idempotent: a key normalises to itself, so learned keys can be stored as they are.
    """
    return " ".join(sorted(set(name_tokens(name))))


_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def normalize_iban(iban: str) -> str:
    """Upper case, letters and digits only: "FR76 3000…" -> "FR763000…"."""
    return _NOT_ALNUM.sub("", fold(iban or ""))


class NameMatch(NamedTuple):
    customer_id: int
    kind: str  # alias | exact | contained | fuzzy
    similarity: int  # 0..100


class _Query(NamedTuple):
    tokens: frozenset[str]
    key: str
    prefix: str | None  # the last word, when the bank may have cut it


def _query(name: str) -> _Query | None:
    written = name_tokens(name)
    if not written:
        return None
    tokens = frozenset(written)
    cut = len(name.strip()) >= TRUNCATED_AT and len(tokens) > 1
    return _Query(tokens, " ".join(sorted(tokens)), written[-1] if cut else None)


def _classify(query: _Query, tokens: frozenset[str], key: str) -> tuple[str, int] | None:
    if query.tokens == tokens:
        return "exact", 100
    if query.prefix is not None:  # cut by the bank: the words after the cut are lost too
        base = query.tokens - {query.prefix}
        rest = tokens - base
        if base <= tokens and (not rest or any(t.startswith(query.prefix) for t in rest)):
            return "exact", 100
    if query.tokens < tokens or tokens < query.tokens:
        return "contained", round(fuzz.token_sort_ratio(query.key, key))
    similarity = round(fuzz.token_set_ratio(query.key, key))
    return ("fuzzy", similarity) if similarity >= FUZZY_CUTOFF else None


class NameIndex:
    """Customers by name key, by alias key and by token."""

    def __init__(self, payers: Iterable[Payer]):
        self.exact: dict[str, list[int]] = {}
        self.alias: dict[str, list[int]] = {}
        self.aliases_of: dict[int, set[str]] = {}
        self.postings: dict[str, list[int]] = {}
        self.key_of: dict[int, str] = {}
        self.tokens_of: dict[int, frozenset[str]] = {}
        for payer in payers:
            key = normalize_name(payer.name)
            if key:
                self.key_of[payer.customer_id] = key
                tokens = frozenset(key.split())
                self.tokens_of[payer.customer_id] = tokens
                self.exact.setdefault(key, []).append(payer.customer_id)
                for token in tokens:
                    self.postings.setdefault(token, []).append(payer.customer_id)
            for alias in payer.aliases:
                alias_key = normalize_name(alias)
                if alias_key:
                    self.alias.setdefault(alias_key, []).append(payer.customer_id)
                    self.aliases_of.setdefault(payer.customer_id, set()).add(alias_key)
        self._pools: dict[str, tuple[list[int], list[str]]] = {}
        self._cache: dict[str, tuple[NameMatch, ...]] = {}
        self._queries: dict[str, _Query | None] = {}

    def _parsed(self, name: str) -> _Query | None:
        if name not in self._queries:
            if len(self._queries) > 200_000:
                self._queries.clear()
            self._queries[name] = _query(name)
        return self._queries[name]

    def key(self, name: str) -> str:
        """normalize_name, cached: payers repeat."""
        query = self._parsed(name)
        return query.key if query is not None else ""

    def compare(self, name: str, cid: int) -> NameMatch | None:
        """How this payer name compares with one customer's name and aliases."""
        query = self._parsed(name)
        if query is None:
            return None
        if query.key in self.aliases_of.get(cid, ()):
            return NameMatch(cid, "alias", 100)
        tokens = self.tokens_of.get(cid)
        found = _classify(query, tokens, self.key_of[cid]) if tokens else None
        return NameMatch(cid, *found) if found else None

    def lookup(self, name: str) -> tuple[NameMatch, ...]:
        """The customers this payer name may be, best first (cached: payers repeat)."""
        found = self._cache.get(name)
        if found is None:
            query = self._parsed(name)
            found = self._lookup(query) if query is not None else ()
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[name] = found
        return found

    def _lookup(self, query: _Query) -> tuple[NameMatch, ...]:
        matches: dict[int, NameMatch] = {}
        for cid in self.alias.get(query.key, ()):
            matches[cid] = NameMatch(cid, "alias", 100)
        for cid in self.exact.get(query.key, ()):
            matches.setdefault(cid, NameMatch(cid, "exact", 100))
        if query.prefix is not None:
            wider = self._supersets(query.tokens - {query.prefix})
            if len(wider) <= MAX_TRUNCATED:
                for cid in sorted(wider):
                    self._add(query, cid, matches, ("exact",))
        if not any(m.kind in ("exact", "alias") for m in matches.values()):
            self._contained(query, matches)
        if not matches:
            self._fuzzy(query, matches)
        return tuple(sorted(matches.values(), key=lambda m: (-m.similarity, m.customer_id)))

    def _add(self, query: _Query, cid: int, matches: dict, kinds: tuple[str, ...]) -> None:
        if cid in matches:
            return
        found = _classify(query, self.tokens_of[cid], self.key_of[cid])
        if found and found[0] in kinds:
            matches[cid] = NameMatch(cid, *found)

    def _supersets(self, tokens: frozenset[str]) -> set[int]:
        lists = sorted((self.postings.get(t, ()) for t in tokens), key=len)
        if not lists or not lists[0]:
            return set()
        found = set(lists[0])
        for more in lists[1:]:
            found.intersection_update(more)
            if not found:
                break
        return found

    def _contained(self, query: _Query, matches: dict) -> None:
        """Customers whose name holds the payer's, or is held in it; none when too many."""
        tokens, found = query.tokens, set()
        if len(tokens) <= 6:
            for size in range(1, len(tokens)):
                for part in combinations(sorted(tokens), size):
                    found.update(self.exact.get(" ".join(part), ()))
        found |= self._supersets(tokens)
        found -= set(self.exact.get(query.key, ())) | set(matches)
        if len(found) > MAX_CONTAINED:
            return  # too many customers share these words for them to point at one
        for cid in sorted(found):
            self._add(query, cid, matches, ("contained",))

    def _fuzzy(self, query: _Query, matches: dict) -> None:
        known = [t for t in query.tokens if t in self.postings]
        if not known:
            return
        rarest = min(known, key=lambda t: (len(self.postings[t]), t))
        if len(self.postings[rarest]) > FUZZY_POOL:
            return
        ids, keys = self._pool(rarest)
        for _, _, position in process.extract(
            query.key, keys, scorer=fuzz.token_set_ratio, score_cutoff=FUZZY_CUTOFF, limit=20
        ):
            self._add(query, ids[position], matches, ("fuzzy",))
            if len(matches) >= 5:
                break

    def _pool(self, token: str) -> tuple[list[int], list[str]]:
        pool = self._pools.get(token)
        if pool is None:
            ids = sorted(self.postings[token])
            pool = (ids, [self.key_of[cid] for cid in ids])
            self._pools[token] = pool
        return pool
