"""The matcher: indexes built once, then each credit costs only its few candidates.

For a credit, the candidates are the customers its texts name an invoice of, the
customers its payer may be, and the customers with an open invoice of exactly that
amount. For each, the ways the amount may cover its open invoices become plans, scored
by the evidence they agree with (scoring.py, docs.md); only the plans shown become
proposals with their reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from solde.core.matching import scoring
from solde.core.matching.amounts import (
    MAX_OLDEST,
    MAX_POOL,
    Fit,
    cover,
    prefix,
    short_fit,
    spread_fit,
    subsets,
)
from solde.core.matching.book import OpenBook
from solde.core.matching.identity import IdentityIndex, words_of
from solde.core.matching.names import normalize_iban
from solde.core.matching.records import (
    AUTO,
    IGNORED,
    NONE,
    SUGGEST,
    Credit,
    Decision,
    Knowledge,
    OpenInvoice,
    Payer,
    Proposal,
    Reason,
    Settings,
)
from solde.core.matching.references import FUZZY, Hit, fold
from solde.core.money import ZERO

NO_KNOWLEDGE, DEFAULT_SETTINGS = Knowledge(), Settings()  # frozen: safe to share
FIELD_BREAK = " ||| "  # between the texts of one line: too wide to join two atoms
# What banks write when the payer gave no reference: it names nothing.
NO_REFERENCE = frozenset({"NOTPROVIDED", "NONREF", "NOREF", "NONE", "N/A"})
LOOSE = frozenset({"amount_partial", "amount_excess"})  # fits that leave money unexplained
SETTLED = frozenset({"amount_exact", "amount_sum"})
# The most a plan gets besides identity and reference: an exact amount, the date.
BEST_OTHERS = max(scoring.AMOUNT.values()) + scoring.DATE
# The most a customer brought by the amount alone can score: that, and its name compared.
AMOUNT_ONLY_CEILING = BEST_OTHERS + scoring.NAME_EXACT
MAX_AMOUNT_CANDIDATES = 10  # more invoices of one amount than this: the amount alone tells nothing
MAX_SAME = 6  # invoices of one customer fitting the same way: enough to show the doubt


@dataclass(slots=True, eq=False)  # compared by identity
class _Plan:
    raw: int  # the sum of the points, uncapped
    cid: int
    fit: Fit
    how: str  # named | single | oldest | all | combination | spread
    ids: tuple[int, ...]
    reference: tuple | None  # (code, points, named ids) when the text names its invoices
    days: int | None  # from the due date, when near it


class Matcher:
    def __init__(
        self,
        invoices: Iterable[OpenInvoice],
        payers: Iterable[Payer],
        knowledge: Knowledge = NO_KNOWLEDGE,
        settings: Settings = DEFAULT_SETTINGS,
    ):
        self.settings = settings
        self._book = OpenBook(invoices, settings.discount_percent)
        self._identity = IdentityIndex(list(payers), knowledge.not_customers)

    def balance(self, invoice_id: int) -> Decimal:
        """What the engine believes is left to pay on an invoice (0 once paid)."""
        return self._book.balance.get(invoice_id, ZERO)

    def apply(self, proposal: Proposal) -> None:
        """The caller applied this proposal: lower the balances, so that the next lines of
        the run cannot pay the same invoices again."""
        cuts: dict[int, Decimal] = {}
        for invoice_id, amount in proposal.allocations + proposal.write_off:
            cuts[invoice_id] = cuts.get(invoice_id, ZERO) + amount
        for invoice_id, cut in cuts.items():
            if cut <= ZERO or cut > self.balance(invoice_id):
                left = self.balance(invoice_id)
                raise ValueError(f"Invoice {invoice_id} has {left} left; cannot settle {cut}.")
        for invoice_id, cut in cuts.items():
            self._book.settle(invoice_id, cut)

    def match_all(self, credits: Iterable[Credit]) -> list[Decision]:
        """Match each credit in order, applying each automatic decision before the next."""
        decisions = []
        for credit in credits:
            decision = self.match(credit)
            if decision.outcome == AUTO and decision.best is not None:
                self.apply(decision.best)
            decisions.append(decision)
        return decisions

    def match(self, credit: Credit) -> Decision:
        """What to do with one credit; changes nothing."""
        if credit.amount <= ZERO:
            raise ValueError(f"Line {credit.key}: only credits (amount > 0) can pay invoices.")
        iban = normalize_iban(credit.counterparty_iban)
        never = self._identity.ignored(iban, credit.counterparty_name)
        if never:
            reason = Reason("not_customer", 0, (("payer", never),))
            return Decision(credit.key, IGNORED, (), (reason,))
        fields = _fields(credit)
        words = words_of(fields)
        identity = self._identity.evidence(credit, iban, words)
        hits = self._hits(fields, self._identity.codes_in(words), credit)
        named: dict[int, list[tuple[int, Decimal]]] = {}
        for invoice_id in sorted(hits, key=self._book.age):
            cid = self._book.invoices[invoice_id].customer_id
            named.setdefault(cid, []).append((invoice_id, self._book.balance[invoice_id]))
        for cid in named:
            if cid not in identity:  # brought by a reference: compare the names
                self._compare(credit, cid, identity)
        return self._decide(credit, self._plans(credit, identity, hits, named), hits, identity)

    def _plans(self, credit: Credit, identity: dict, hits: dict, named: dict) -> list[_Plan]:
        """Every plan that can compete, customer by customer, best bound first: a customer
        whose best possible score is below the best plan's minus the margin cannot be
        first nor a rival, and is left out (bound: its identity, its strongest reference,
        an exact amount, the date)."""
        points = {cid: sum(r.points for r in reasons) for cid, reasons in identity.items()}
        bounds = {cid: points.get(cid, 0) + BEST_OTHERS for cid in set(identity) | set(named)}
        for cid, items in named.items():
            bounds[cid] += max(scoring.reference_points(hits[i].level, 1) for i, _ in items)
        plans: dict[tuple[int, tuple[int, ...]], _Plan] = {}
        best = 0
        ordered = sorted(bounds, key=lambda c: (-bounds[c], c))
        for cid in ordered:
            if bounds[cid] < best - scoring.AMBIGUITY_MARGIN:
                break
            fits = self._fits(credit, cid, named.get(cid, []), cid in identity, hits)
            best = max(best, self._keep(plans, cid, fits, points.get(cid, 0), hits, credit))
        if best <= AMOUNT_ONLY_CEILING + scoring.AMBIGUITY_MARGIN:
            # customers brought by the amount alone could still compete
            for cid in sorted(self._by_amount(credit) - set(bounds)):
                self._compare(credit, cid, identity)
                known = sum(r.points for r in identity.get(cid, ()))
                bounds[cid] = known + BEST_OTHERS
                fits = self._fits(credit, cid, [], cid in identity, hits)
                best = max(best, self._keep(plans, cid, fits, known, hits, credit))
        if not any(
            p.raw >= self.settings.threshold and p.fit.code in SETTLED for p in plans.values()
        ):
            # no invoice nor named group fits exactly and surely: try groups, bounded
            for cid in sorted(bounds):
                if bounds[cid] >= best - scoring.AMBIGUITY_MARGIN:
                    fits = self._groups(credit, cid, cid in named, identity.get(cid, ()), plans)
                    known = sum(r.points for r in identity.get(cid, ()))
                    self._keep(plans, cid, fits, known, hits, credit)
        return list(plans.values())

    def _keep(self, plans: dict, cid: int, fits, known: int, hits, credit: Credit) -> int:
        """Score the fits (`known`: the customer's identity points); keep the best plan per
        (customer, invoices); return the best raw score kept."""
        best = 0
        for fit, how in fits:
            ids = tuple(i for i, _ in fit.allocations)
            reference = self._reference(ids, hits) if hits else None
            days = self._date_days(ids, credit.date)
            raw = known + scoring.amount_points(fit.code, how)
            if reference is not None:
                raw += reference[1]
            if days is not None:
                raw += scoring.DATE
            key = (cid, ids)
            if raw >= scoring.MIN_POINTS and (key not in plans or plans[key].raw < raw):
                plans[key] = _Plan(raw, cid, fit, how, ids, reference, days)
                best = max(best, raw)
        return best

    # -- candidates --------------------------------------------------------------------

    def _hits(self, fields: list[str], codes: list[str], credit: Credit) -> dict[int, Hit]:
        """The eligible open invoices the texts name; the texts are read as one, apart
        enough that no number spans two of them."""
        text = FIELD_BREAK.join(fields)
        for code in codes:  # a customer code is not an invoice number
            text = re.sub(rf"\b{code}\b", " ", text)
        book, currency, day = self._book, credit.currency, credit.date
        return {
            i: hit for i, hit in book.refs.find(text).items() if book.eligible(i, currency, day)
        }

    def _by_amount(self, credit: Credit) -> set[int]:
        """The customers with an open invoice of exactly this amount, when few have one."""
        book = self._book
        same_amount = book.by_amount.get((credit.currency, credit.amount), ())
        if len(same_amount) > MAX_AMOUNT_CANDIDATES:
            return set()
        return {
            book.invoices[i].customer_id
            for i in same_amount
            if book.eligible(i, credit.currency, credit.date)
        }

    def _compare(self, credit: Credit, cid: int, identity: dict) -> None:
        compared = self._identity.compared(credit, cid)
        if compared:
            identity[cid] = compared

    def _fits(self, credit: Credit, cid: int, named: list, known_payer: bool, hits: dict):
        """The ways the amount may cover this customer's open invoices, with how found."""
        amount, currency, day = credit.amount, credit.currency, credit.date
        tolerance, percent = self.settings.tolerance, self.settings.discount_percent
        book = self._book
        fits: list[tuple[Fit, str]] = []
        if named:
            whole = cover(amount, named, tolerance, percent, currency)
            fits.append((whole, "named"))
            strong = [item for item in named if hits[item[0]].level >= FUZZY]
            if len(strong) == len(named) and whole.code in SETTLED:
                return fits  # named and paid exactly: no other invoice of theirs can compete
            if 0 < len(strong) < len(named) and whole.code in LOOSE:
                # the weaker names do not make the amount fit: maybe they are noise
                fits.append((cover(amount, strong, tolerance, percent, currency), "named"))
        same = book.with_amount(cid, amount, currency, day, MAX_SAME)
        if len(named) == 1:  # that one is the named plan already
            same = [i for i in same if i != named[0][0]]
        for i in same:
            fits.append(
                (cover(amount, [(i, book.balance[i])], tolerance, percent, currency), "single")
            )
        if not any(book.balance[i] == amount for i in same) and (known_payer or named):
            for i in book.above(cid, amount, tolerance, currency, day)[:MAX_SAME]:
                short = short_fit(amount, [(i, book.balance[i])], tolerance, percent, currency)
                if short is not None:
                    fits.append((short, "single"))
        return fits

    def _groups(self, credit: Credit, cid: int, named: bool, signs: tuple, plans: dict):
        """Groups of this customer's invoices the amount pays exactly: its oldest ones, all
        of them, or (for a payer surely known, with nothing named) a combination; for a
        known payer that nothing else fits, its oldest invoices in turn (a last resort)."""
        known_payer = bool(signs)
        sure = not named and sum(r.points for r in signs) >= scoring.SURE_PAYER
        if not (known_payer or named) or any(
            p.cid == cid and p.fit.code in SETTLED for p in plans.values()
        ):
            return []
        amount, currency, day = credit.amount, credit.currency, credit.date
        oldest, total, complete = self._book.oldest_until(cid, amount, currency, day, MAX_OLDEST)
        groups = prefix(amount, oldest, total, complete)
        if sure:
            pool = self._book.items(cid, currency, day, MAX_POOL)
            groups += subsets(amount, pool, groups)
        tolerance, percent = self.settings.tolerance, self.settings.discount_percent
        fits = [(cover(amount, list(g), tolerance, percent, currency), how) for how, g in groups]
        if known_payer and oldest and not fits and not any(p.cid == cid for p in plans.values()):
            fits.append((spread_fit(amount, oldest), "spread"))
        return fits

    # -- scoring -----------------------------------------------------------------------

    def _reference(self, ids: tuple[int, ...], hits: dict[int, Hit]):
        """(code, points, named ids) for the allocated invoices the text names, or None."""
        named = [i for i in ids if i in hits]
        if not named:
            return None
        weakest = min((hits[i] for i in named), key=lambda h: h.level)
        points = scoring.reference_points(weakest.level, weakest.shared)
        if len(named) < len(ids):
            points //= 2
        return scoring.REFERENCE_CODES[weakest.level], points, named

    def _date_days(self, ids: tuple[int, ...], day: date) -> int | None:
        if len(ids) != 1:
            return None
        due = self._book.invoices[ids[0]].due_date
        if due is None or abs((day - due).days) > scoring.DATE_WINDOW_DAYS:
            return None
        return (day - due).days

    def _reasons(self, plan: _Plan, hits, identity, credit: Credit) -> list[Reason]:
        reasons: list[Reason] = []
        if plan.reference is not None:
            code, points, named = plan.reference
            numbers = ", ".join(self._book.invoices[i].number for i in named)
            found = ", ".join(dict.fromkeys(hits[i].found for i in named))
            reasons.append(Reason(code, points, (("number", numbers), ("found", found))))
        reasons.append(self._amount_reason(plan, credit))
        reasons.extend(identity.get(plan.cid, ()))
        if plan.days is not None:
            reasons.append(Reason("date", scoring.DATE, (("days", str(plan.days)),)))
        return reasons

    def _amount_reason(self, plan: _Plan, credit: Credit) -> Reason:
        fit, book = plan.fit, self._book
        owed = sum((book.balance[i] for i in plan.ids), ZERO)
        params: tuple[tuple[str, str], ...] = (("how", plan.how),)
        if fit.code == "amount_exact":
            params += (("number", book.invoices[plan.ids[0]].number),)
        elif fit.code == "amount_sum":
            params += (("count", str(len(plan.ids))),)
        elif fit.code == "amount_partial":
            params += (("paid", f"{credit.amount:f}"), ("owed", f"{owed:f}"))
        elif fit.code == "amount_fee":
            params += (("gap", f"{owed - credit.amount:f}"),)
        elif fit.code == "amount_discount":
            params += (("percent", f"{self.settings.discount_percent:f}"),)
        elif fit.code == "amount_excess":
            params += (("excess", f"{fit.excess:f}"),)
        return Reason(fit.code, scoring.amount_points(fit.code, plan.how), params)

    # -- deciding ----------------------------------------------------------------------

    def _decide(self, credit: Credit, plans: list[_Plan], hits, identity) -> Decision:
        if not plans:
            return Decision(credit.key, NONE, ())
        book = self._book
        plans.sort(key=lambda p: (-p.raw, book.age(p.ids[0]) if p.ids else (date.max, 0), p.ids))
        top = plans[0]
        rivals = [p for p in plans[1:] if _rival(top, p, top.reference is not None)]
        shown = []
        for plan in plans[: scoring.MAX_PROPOSALS]:
            reasons = self._reasons(plan, hits, identity, credit)
            raw = plan.raw
            if rivals and (plan is top or plan in rivals or raw >= self.settings.threshold):
                # as likely as another: held below the threshold, and said why
                other = rivals[0] if plan is top else top
                penalty = min(0, self.settings.threshold - 1 - raw)
                numbers = ", ".join(book.invoices[i].number for i in other.ids) or "credit"
                reasons.append(Reason("ambiguous", penalty, (("other", numbers),)))
                raw += penalty
            fit = plan.fit
            score = scoring.capped(raw)
            reasons_ = tuple(reasons)
            shown.append(
                Proposal(plan.cid, fit.allocations, fit.excess, fit.write_off, score, reasons_)
            )
        auto = not rivals and shown[0].score >= self.settings.threshold
        return Decision(credit.key, AUTO if auto else SUGGEST, tuple(shown))


def _rival(top: _Plan, other: _Plan, named_top: bool) -> bool:
    """As likely as the best: close in points, or, when no reference names the best one's
    invoices, the same customer's other invoices of the very same amounts (which of two
    equal invoices was paid, nothing can tell)."""
    if other.ids == top.ids:
        return False
    if other.raw >= top.raw - scoring.AMBIGUITY_MARGIN:
        return True
    return (
        not named_top
        and other.cid == top.cid
        and other.fit.excess == top.fit.excess
        and sorted(a for _, a in other.fit.allocations) == sorted(a for _, a in top.fit.allocations)
    )


def _fields(credit: Credit) -> list[str]:
    texts = (credit.remittance, credit.structured_ref, credit.end_to_end_id)
    folded = (fold(t.strip()) for t in texts if t and t.strip())
    return [t for t in folded if t not in NO_REFERENCE]
