"""The ledger of bench/analytics.py: three years of one company's receivables, drawn with a seed.

Customers (20,000 by default) belong to segments that pay differently: payment terms,
the mean and spread of their delay after the due date, how often they pay in parts, the
size of their invoices, their currency (export customers invoice in USD or GBP). A few
customers are very active (a log-normal weight each), as in real ledgers.

Documents are issued on working days, oldest first, with chronological numbers per
year. For each invoice (1 % deposits), in date order of its events:
- 2 % get a credit note: 80 % of them before any payment (applied at once, the whole
  invoice for three in ten), the others after the invoice is paid in full (left to
  apply: customer credit);
- 0.4 % are disputed (a Dispute opened 5–40 days after issue, most resolved 15–120 days
  later); nothing is paid before the dispute is resolved;
- 0.3 % (5 % of failing customers' invoices) are never paid and written off as bad debts
  150–300 days after their due date;
- the rest is paid from due date + the customer's delay on, in one or several parts
  10–35 days apart (several parts: the calibrated share, see `calibrated`); a part
  dated after today is not paid yet, so recent invoices are open or partly paid;
  3 % of last parts are short by up to 1.00 (the gap written off the same day), 0.5 %
  overpay (the rest stays on the payment: customer credit); 4 % of cheques and direct
  debits bounce (allocation undone and payment cancelled 3–10 days later, paid again
  by transfer 3–20 days after).
Every payment is its own row. The caches (invoice balance, status, paid_on; credit
notes' balance; payments' unallocated) are those `payments.services` would keep, from
`core.balances`. Amounts are whole cents, drawn as integers and written as decimal text.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from solde.core import balances

TODAY = date(2026, 11, 30)  # a Monday
START = TODAY - timedelta(days=3 * 365)
SAMPLE = 5_000  # documents simulated per step when calibrating the share of parts

# name, weight, payment terms (days; None: the company's 30), mean delay after the due
# date and its spread (days), propensity to pay in parts, median invoice total (EUR)
SEGMENTS = (
    ("grands-comptes", 5, (60, 45), 18, 20, 0.6, 8_000),
    ("pme", 55, (None, 30, 45), 6, 12, 1.0, 1_500),
    ("tpe", 25, (None, 30), 14, 25, 1.6, 600),
    ("public", 8, (30,), 24, 15, 0.4, 4_000),
    ("export", 1, (30, 60), 10, 15, 0.8, 6_000),
    ("", 6, (None,), 8, 15, 1.0, 1_000),
)
METHODS = ("transfer",) * 20 + ("direct_debit",) * 2 + ("cheque",) * 2 + ("card",)
HOWS = ("auto",) * 14 + ("confirmed",) * 3 + ("manual",) * 3


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


# The columns each row gives, in order (attnames); the other fields take their defaults.
CUSTOMER_COLUMNS = _columns(
    "id company_id code name kind siren address postal_code city segment payment_terms_days email"
)
INVOICE_COLUMNS = _columns(
    "id company_id customer_id number currency issue_date sale_date due_date kind state"
    " origin total_excl_tax total_tax total corrects_id status balance paid_on disputed"
    " dispute_reason payment_terms seller_snapshot buyer_snapshot issued_at"
)
PAYMENT_COLUMNS = _columns(
    "id company_id customer_id date amount currency method payer_name payer_iban reference"
    " source unallocated cancelled_on cancel_reason"
)
ALLOCATION_COLUMNS = _columns(
    "id company_id kind invoice_id customer_id payment_id credit_note_id amount currency"
    " date how reason bad_debt undone_on undone_at undo_reason"
)
DISPUTE_COLUMNS = _columns("id company_id invoice_id reason opened_on resolved_on resolution")


def cents(value: int) -> str:
    """Whole cents as the decimal text both databases read into their numeric columns."""
    return f"{value // 100}.{value % 100:02d}"


@dataclass(slots=True)
class Payer:
    id: int
    segment: str
    own_terms: int | None  # None: the company's 30 days
    delay: float
    spread: float
    split: float
    amount: float
    currency: str
    failing: bool
    weight: float  # how many invoices it gets, relatively


def payers(count: int, rng: random.Random, first_id: int) -> list[Payer]:
    weights = [s[1] for s in SEGMENTS]
    made = []
    for n in range(count):
        name, _w, terms, delay, spread, split, size = rng.choices(SEGMENTS, weights)[0]
        currency = rng.choice(("USD", "GBP")) if name == "export" else "EUR"
        made.append(
            Payer(
                id=first_id + n,
                segment=name,
                own_terms=rng.choice(terms),
                delay=delay * rng.lognormvariate(0, 0.5) - 4,
                spread=spread,
                split=split * rng.uniform(0.5, 1.5),
                amount=size * rng.lognormvariate(0, 0.4),
                currency=currency,
                failing=rng.random() < 0.005,
                weight=rng.lognormvariate(0, 1.2),
            )
        )
    return made


CITIES = (("69002", "Lyon"), ("75011", "Paris"), ("59000", "Lille"), ("44000", "Nantes"))


def _identity(n: int) -> dict:
    """A customer's name, code and address, as its rows and invoices' snapshots give them."""
    postal_code, city = CITIES[n % len(CITIES)]
    return {
        "code": f"C{n:05d}",
        "name": f"Client {n:05d} SARL",
        "kind": "company",
        "siren": f"{300_000_000 + n * 7:09d}",
        "address": f"{n % 90 + 1} rue de la République",
        "postal_code": postal_code,
        "city": city,
        "email": f"compta{n}@client.test",
    }


def customer_rows(company_id: int, people: list[Payer]) -> list[tuple]:
    rows = []
    for n, p in enumerate(people, start=1):
        i = _identity(n)
        rows.append(
            (p.id, company_id, i["code"], i["name"], i["kind"], i["siren"], i["address"])
            + (i["postal_code"], i["city"], p.segment, p.own_terms, i["email"])
        )
    return rows


def buyer_snapshots(people: list[Payer]) -> dict[int, str]:
    """Each customer's snapshot as issued invoices keep it (JSON text, written as is)."""
    return {p.id: json.dumps({**_identity(n), "country": "FR"}) for n, p in enumerate(people, 1)}


class Ledger:
    """Draws the documents one after the other and keeps the rows of the current chunk."""

    def __init__(
        self, company_id: int, people: list[Payer], rng: random.Random, parts: float, seller=""
    ):
        self.company_id, self.people, self.rng, self.parts = company_id, people, rng, parts
        self.seller, self.buyers = seller, buyer_snapshots(people)
        self.cumulative = list(itertools.accumulate(p.weight for p in people))
        self.ids = {k: itertools.count(1) for k in ("invoice", "payment", "allocation", "dispute")}
        self.numbers: dict[tuple[str, int], itertools.count] = {}
        self.documents = 0
        self.notes: list[tuple[_State, date, str]] = []
        self.rows: dict[str, list[tuple]] = {k: [] for k in self.ids}

    def start_ids(self, **first: int) -> None:
        for kind, value in first.items():
            self.ids[kind] = itertools.count(value)

    def take(self) -> dict[str, list[tuple]]:
        rows, self.rows = self.rows, {k: [] for k in self.ids}
        return rows

    def _number(self, prefix: str, day: date) -> str:
        counter = self.numbers.setdefault((prefix, day.year), itertools.count(1))
        return f"{prefix}-{day.year}-{next(counter):06d}"

    def _customer(self) -> Payer:
        point = self.rng.random() * self.cumulative[-1]
        return self.people[bisect.bisect(self.cumulative, point)]

    def document(self, issue: date) -> None:
        """One invoice (or deposit) issued on `issue`, and all that happened to it since."""
        rng, c = self.rng, self._customer()
        total = int(c.amount * rng.lognormvariate(0, 0.8) * 100) + 100
        invoice_id = next(self.ids["invoice"])
        due = issue + timedelta(days=c.own_terms or 30)
        state = _State(invoice_id, c, total)
        after = issue + timedelta(days=1)
        note_first = rng.random() < 0.016
        if note_first:
            after = self._credit_note(state, issue + timedelta(days=rng.randint(2, 25)), after)
        dispute = rng.random() < 0.004
        if dispute:
            after = self._dispute(state, issue + timedelta(days=rng.randint(5, 40)), after)
        never = rng.random() < (0.05 if c.failing else 0.003)
        if never:
            self._bad_debt(state, due + timedelta(days=rng.randint(150, 300)))
        elif after is not None and state.balance:
            start = due + timedelta(days=round(rng.gauss(c.delay, c.spread)))
            self._pay(state, max(start, after))
        paid_on = state.paid_on()
        if not note_first and paid_on and rng.random() < 0.004:
            self._credit_note(state, paid_on + timedelta(days=rng.randint(5, 60)), None)
        kind = "deposit" if rng.random() < 0.01 else "invoice"
        self._invoice_row(state, kind, issue, due, self._number("FA", issue))
        self.documents += 1
        # After the invoice they correct: a row written before its parent would leave
        # SQLite a deferred foreign-key violation to look up at every later insert.
        for note, day, number in self.notes:
            self._invoice_row(note, "credit_note", day, None, number, state.id)
        self.notes.clear()

    def _invoice_row(self, s: _State, kind: str, issue: date, due, number: str, corrects=None):
        if kind == "credit_note":
            status, paid_on = ("paid" if not s.balance else "open"), None
        else:  # core.balances takes amounts in whole cents as well as in Decimal
            status = balances.payment_status(s.total, s.settlements, TODAY)
            paid_on = s.paid_on()
        excl = (s.total * 5 + 3) // 6  # total ÷ 1.2 to the cent, half up: 20 % VAT
        terms = s.customer.own_terms or 30
        self.rows["invoice"].append(
            (s.id, self.company_id, s.customer.id, number, s.customer.currency, issue, issue)
            + (due, kind, "issued", "import", cents(excl), cents(s.total - excl))
            + (cents(s.total), corrects, status, cents(s.balance), paid_on, s.disputed)
            + (s.dispute_reason, f"Paiement à {terms} jours date de facture", self.seller)
            + (self.buyers[s.customer.id], datetime.combine(issue, time(9), UTC))
        )

    def _allocation(self, s: _State, kind: str, amount: int, day: date, **more) -> None:
        undone_on = more.get("undone_on")
        self.rows["allocation"].append(
            (next(self.ids["allocation"]), self.company_id, kind, s.id, s.customer.id)
            + (more.get("payment"), more.get("credit_note"), cents(amount), s.customer.currency)
            + (day, more.get("how", "manual"), more.get("reason", ""), more.get("bad_debt", False))
            + (undone_on, datetime.combine(undone_on, time(9), UTC) if undone_on else None)
            + (more.get("undo_reason", ""),)
        )
        s.settle(amount, day, kind, undone_on, more.get("bad_debt", False))

    def _payment(self, s: _State, day: date, amount: int, method: str, used: int, cancelled):
        payment_id = next(self.ids["payment"])
        number = s.customer.id
        self.rows["payment"].append(
            (payment_id, self.company_id, s.customer.id, day, cents(amount), s.customer.currency)
            + (method, f"CLIENT {number:05d} SARL", f"FR76300040000{number:014d}")
            + (f"VIR SEPA FACTURE {s.id}", "bank", cents(0 if cancelled else amount - used))
            + (cancelled, "Impayé" if cancelled else "")
        )
        return payment_id

    def _credit_note(self, s: _State, day: date, after: date | None) -> date | None:
        """A credit note on `day` (if by today): applied at once when the invoice still
        owes it (payments start after it), else left to apply."""
        if day > TODAY:
            return after
        whole = after is not None and self.rng.random() < 0.3
        amount = s.total if whole else max(100, int(s.total * self.rng.uniform(0.05, 0.5)))
        note = _State(next(self.ids["invoice"]), s.customer, amount)
        if after is not None:
            amount = min(amount, s.balance)
            self._allocation(s, "credit_note", amount, day, credit_note=note.id)
            note.settle(amount, day, "payment", None, False)
        self.notes.append((note, day, self._number("AV", day)))
        self.documents += 1
        return max(after, day) if after is not None else None

    def _dispute(self, s: _State, opened: date, after: date) -> date | None:
        """A dispute opened on `opened` (if by today): payments wait for its resolution."""
        if opened > TODAY:
            return after
        resolved = opened + timedelta(days=self.rng.randint(15, 120))
        if resolved > TODAY:
            resolved = None
            s.disputed, s.dispute_reason = True, "Prestation contestée"
        self.rows["dispute"].append(
            (next(self.ids["dispute"]), self.company_id, s.id, "Prestation contestée", opened)
            + (resolved, "Accord trouvé" if resolved else "")
        )
        return max(after, resolved + timedelta(days=3)) if resolved else None

    def _bad_debt(self, s: _State, day: date) -> None:
        if day <= TODAY and s.balance:
            self._allocation(
                s, "write_off", s.balance, day, bad_debt=True, reason="Créance irrécouvrable"
            )

    def _parts(self, balance: int, c: Payer) -> list[int]:
        count = 1
        while count < 12 and self.rng.random() < min(0.9, self.parts * c.split):
            count += 1
        share = balance // count
        return [share] * (count - 1) + [balance - share * (count - 1)]

    def _pay(self, s: _State, day: date) -> None:
        """Pay the balance in parts from `day` on, as long as the dates are not after today."""
        rng = self.rng
        parts = self._parts(s.balance, s.customer)
        for n, part in enumerate(parts):
            if day > TODAY:
                return
            last = n == len(parts) - 1
            method, how = rng.choice(METHODS), rng.choice(HOWS)
            bounced = day + timedelta(days=rng.randint(3, 10))
            if method in ("cheque", "direct_debit") and rng.random() < 0.04 and bounced <= TODAY:
                paid = self._payment(s, day, part, method, part, bounced)
                self._allocation(
                    s,
                    "payment",
                    part,
                    day,
                    payment=paid,
                    how=how,
                    undone_on=bounced,
                    undo_reason="Impayé",
                )
                day, method = bounced + timedelta(days=rng.randint(3, 20)), "transfer"
                if day > TODAY:
                    return
            gap = rng.randint(1, 100) if last and part > 1000 and rng.random() < 0.03 else 0
            extra = rng.randint(100, 5000) if last and not gap and rng.random() < 0.005 else 0
            paid = self._payment(s, day, part - gap + extra, method, part - gap, None)
            self._allocation(s, "payment", part - gap, day, payment=paid, how=how)
            if gap:
                self._allocation(s, "write_off", gap, day, reason="Écart de règlement")
            day += timedelta(days=rng.randint(10, 35))


class _State:
    """A document's settlements so far (whole cents) and its balance at the end of today."""

    __slots__ = ("id", "customer", "total", "balance", "settlements", "disputed", "dispute_reason")

    def __init__(self, id_: int, customer: Payer, total: int):
        self.id, self.customer, self.total, self.balance = id_, customer, total, total
        self.settlements: list[balances.Settlement] = []
        self.disputed, self.dispute_reason = False, ""

    def settle(self, amount: int, day: date, kind: str, undone_on, bad_debt: bool) -> None:
        self.settlements.append(balances.Settlement(amount, day, kind, undone_on, bad_debt))
        if undone_on is None or undone_on > TODAY:
            self.balance -= amount

    def paid_on(self) -> date | None:
        """The date of the last active settlement once nothing is left, else None."""
        if self.balance:
            return None
        return max(s.date for s in self.settlements if s.active_on(TODAY))


def working_days(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def issue_days(documents: int) -> list[date]:
    """A working day for each document position, spread evenly over the three years."""
    days = working_days(START, TODAY)
    return [days[n * len(days) // documents] for n in range(documents)]


def calibrated(people: list[Payer], documents: int, allocations: int, seed: int) -> float:
    """The propensity to pay in parts that gives about `allocations` allocations for
    `documents` documents: bisection on simulations of SAMPLE documents spread over the
    three years (the same random draws at each step, so the count grows with it)."""
    days = issue_days(SAMPLE)
    target = allocations / documents
    low, high = 0.0, 1.0
    for _ in range(10):
        middle = (low + high) / 2
        ledger = Ledger(0, people, random.Random(seed + 1), middle)
        for day in days:
            ledger.document(day)
        got = len(ledger.rows["allocation"]) / ledger.documents
        low, high = (middle, high) if got < target else (low, middle)
    return (low + high) / 2


def chunks_of(ledger: Ledger, documents: int, size: int):
    """Yield the rows of every `size` documents (a few more: credit notes come along)."""
    days = issue_days(documents)
    while ledger.documents < documents:
        goal = min(documents, ledger.documents + size)
        while ledger.documents < goal:
            ledger.document(days[ledger.documents])
        yield ledger.take()
