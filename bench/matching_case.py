"""A synthetic matching case: customers, open invoices, bank credits and the answer key.

    from matching_case import make_case
    case = make_case(lines=5_000, invoices=10_000, customers=2_000)

One seeded random generator draws everything, so a case is the same every run; the
engine never sees `answer`. Lines are dated 1 Sept. to 30 Nov. 2026, in date order.

The company matches at threshold 90, writes off up to 5.00 of bank fees and grants a 2 %
early-payment discount (`Case.settings`). Invoices are numbered "FA-{YYYY}-{SEQ:05}"
over 2025 and 2026 (paid ones leave gaps).
Customers (French-looking names, codes "C00042"):
- 60 % have a known IBAN (a tenth of them two); 3 % a learned habit (their order prefix);
  a learned alias for 60 % of those whose bank shows the owner, 2 % of the others;
- 1 % share their exact name with another customer;
- 15 % are billed a fixed subscription amount (several open invoices of one amount);
  four in five of their single-invoice payments (exact, retyped, typo or no reference)
  are SEPA direct debits the company collects: the end-to-end id is the invoice number;
  a fifth of the other invoices have round prices shared by many customers (500.00);
  8 % of the invoices are already partly paid.
How the bank writes a customer's name (fixed per account): 40 % upper case as is, 15 %
legal form moved or dropped, 10 % without accents nor punctuation, 8 % longer and cut at
35 characters, 10 % its surname only ("DUPONT"), 5 % the owner ("M JEAN DUPONT"), 3 %
one letter mistyped, 9 % nothing. 5 % of the lines of a customer with a known IBAN come
from a new account; 5 % of all lines have no IBAN (CFONB files).

Credit lines (shares of all lines):
  44 % exact reference (as issued, with words around it, or in the structured reference)
  14 % reference retyped: dashes, zeros or year dropped, "FACT 2026/123", "F 26-123"…
   2 % reference with one digit mistyped (not matchable by reference: amount + payer)
  12 % no reference (of equal invoices, the payer pays the oldest)
   3 % partial payment with reference ("ACOMPTE"), 1 % the rest of an earlier partial
   5 % several invoices of one customer, with their references
   2 % several invoices without reference (the oldest ones or all of them)
   3 % bank fees deducted (0.10 to 4.00 short; four in five with reference)
   1 % early-payment discount (2 %), with reference
   4 % third-party payer (a factoring company), with reference (a quarter retyped)
   2 % overpayment with reference (the excess becomes customer credit)
   5 % unrelated credits (tax refund, interest, own transfer, supplier refund): not
       matchable; the company's other account and the tax office are known non-customers
   2 % other credits whose texts hold only numbers (dates, amounts, order numbers)
Of the first four kinds, a subscription customer's line is a direct debit four times in
five: about 10 % of all lines in the end (exact reference in the end-to-end id).
A third of the texts also carry noise: order numbers ("CDE 2026-118"), dates, amounts,
customer codes.
"""

from __future__ import annotations

import random
import string
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solde.core.matching import (  # noqa: E402
    Credit,
    Knowledge,
    OpenInvoice,
    Payer,
    Settings,
    normalize_name,
)


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


TRADES = _words(
    "Boulangerie Transports Cabinet Menuiserie Studio Garage Pharmacie Librairie "
    "Imprimerie Agence Fromagerie Plomberie Électricité Hôtel Restaurant Domaine Clinique "
    "Galerie Brasserie Optique Bijouterie Fleuriste Charpente Maçonnerie Couverture "
    "Peinture Traiteur Pâtisserie Boucherie Carrosserie Serrurerie Chauffage Informatique "
    "Conseil Architecture Paysages Nettoyage Sécurité Logistique Imprimerie Auto-école "
    "Cave Épicerie"
)
SURNAMES = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
    "Mercier Bonnet Dupont Lambert Fontaine Rousseau Blanc Guérin Faure Chevalier "
    "Gauthier Perrin Muller Henry Roussel Nicolas Perrot Morin Mathieu Clément Gautier "
    "Dumont Lopez Masson Marchand Duval Denis Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard "
    "Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine "
    "Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier "
    "Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein "
    "Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier "
    "Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le-Gall Collet Léger "
    "Bouvier Julien Prévost Millet Perrier Daniel Le-Roux Cousin Germain Breton Besson "
    "Langlois Rémy Le-Goff Pelletier Lévêque Perrin Leblanc Barré Lebrun Marchal Weber "
    "Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne "
    "Grondin Poulain Tessier Chevallier Collin Chauvin Da-Silva Bouchet Gay Lemaître "
    "Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon "
    "Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte Kerbrat Le-Bihan Quéméner"
)
FIRST_NAMES = _words(
    "Jean Marie Luc Claire Paul Sophie Nicolas Camille Julien Élodie Hugo Inès Pierre "
    "Anne Louis Emma Thomas Léa Antoine Chloé Marc Julie François Sarah Michel Laura "
    "Alain Manon"
)
CITIES = _words(
    "Lyon Villeurbanne Paris Marseille Bordeaux Nantes Lille Toulouse Strasbourg Rennes "
    "Nice Dijon Grenoble Annecy Angers Tours Montpellier Brest Metz Nancy Rouen Reims "
    "Limoges Poitiers Caen Amiens Besançon Perpignan Orléans Chambéry Valence Nîmes "
    "Avignon Pau Bayonne"
)
SUFFIXES = _words(
    "et Fils|& Associés|Frères|Conseil|Services|Distribution|Bâtiment|Industrie|Créations|"
    "Rénovation|et Cie|Partenaires",
    "|",
)
FACTORS = _words(
    "BNP PARIBAS FACTOR|EUROFACTOR|CA LEASING ET FACTORING|BPIFRANCE FACT|NATIXIS FACTOR|"
    "CGA FACTORING",
    "|",
)
FORMS = ["SARL", "SARL", "SAS", "SAS", "SA", "EURL", "SASU", "SCI", ""]
ROUND_PRICES = [
    Decimal(p)
    for p in _words("100 120 150 200 240 250 300 360 480 500 600 750 1000 1200 1500 2000 2400 3000")
]
SUBSCRIPTIONS = [
    Decimal(p) for p in _words("49.00 79.90 99.00 120.00 149.90 199.00 250.00 390.00 450.00 590.00")
]
CENT = Decimal("0.01")
OWN_IBAN = "FR7630004000031234567890143"
TAX_OFFICE = "DIRECTION GENERALE DES FINANCES PUBLIQUES"
UNRELATED = [  # payer, text, known never to be a customer
    (TAX_OFFICE, "REMBOURSEMENT CREDIT TVA {n}", True),
    ("SOLDE SAS", "VIR COMPTE A COMPTE", True),
    ("", "INTERETS CREDITEURS {d}", False),
    ("FOURNITURES BUREAU PRO", "AVOIR {y}-{s} REMBOURSEMENT", False),
    ("AXA FRANCE IARD", "INDEMNITE SINISTRE {n}", False),
    ("URSSAF", "REMBOURSEMENT COTISATIONS {d}", False),
    ("REGION AUVERGNE RHONE ALPES", "SUBVENTION DOSSIER {n}", False),
]
SETTINGS = Settings(threshold=90, tolerance=Decimal("5.00"), discount_percent=Decimal("2"))
SCENARIOS = {
    "exact_ref": 44, "retyped_ref": 14, "typo_ref": 2, "no_ref": 12, "partial": 3,
    "rest": 1, "multi_ref": 5, "multi_noref": 2, "fee": 3, "discount": 1,
    "third_party": 4, "overpay": 2, "unrelated": 5, "noise": 2,
}  # fmt: skip
START, DAYS = date(2026, 9, 1), 91
DEBITABLE = {"exact_ref", "retyped_ref", "typo_ref", "no_ref"}  # may be a direct debit instead


@dataclass(frozen=True, slots=True)
class Answer:
    customer_id: int | None  # None: not matchable (the line pays no invoice)
    allocations: tuple[tuple[int, Decimal], ...]
    scenario: str

    @property
    def matchable(self) -> bool:
        return self.customer_id is not None


@dataclass
class Case:
    invoices: list[OpenInvoice]
    payers: list[Payer]
    knowledge: Knowledge
    settings: Settings
    credits: list[Credit]
    debits: list[tuple[date, Decimal, str, str]]  # (date, amount < 0, name, text): not matched
    answer: dict[str, Answer] = field(default_factory=dict)


def iban(rng: random.Random) -> str:
    bban = "".join(rng.choice(string.digits) for _ in range(23))
    check = 98 - int(bban + "152700") % 97  # "FR00" moved to the end, letters as numbers
    return f"FR{check:02d}{bban}"


def plain(text: str) -> str:
    """Upper case, no accents, no punctuation: what many banks print."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in kept).split()).upper()


def french(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


@dataclass
class _Customer:
    id: int
    name: str
    account: str  # the IBAN it pays from
    bank_name: str  # how its bank writes its name
    payer: Payer
    habit: str = ""


def _company_name(rng: random.Random) -> tuple[str, str, str]:
    """A customer name, its owner's ("Jean Dupont") and its distinctive word."""
    surname, first, shape = rng.choice(SURNAMES), rng.choice(FIRST_NAMES), rng.random()
    if shape < 0.35:
        name = f"{rng.choice(TRADES)} {surname}"
    elif shape < 0.55:
        name = f"{surname} {rng.choice(SUFFIXES)}"
    elif shape < 0.70:
        name = f"{rng.choice(TRADES)} {surname} {rng.choice(CITIES)}"
    elif shape < 0.80:
        return f"{first} {surname}", f"{first} {surname}", surname
    elif shape < 0.90:
        name = f"{surname}-{rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    else:
        surname = rng.choice(CITIES)
        name = f"{rng.choice(TRADES)} {rng.choice(SUFFIXES)} {surname}"
    form = rng.choice(FORMS)
    name = f"{name} {form}".strip() if rng.random() < 0.6 else f"{form} {name}".strip()
    return name, f"{first} {surname}", surname


def _bank_name(rng: random.Random, name: str, owner: str, word: str) -> tuple[str, str]:
    """How a bank writes this customer, and the variant's kind."""
    roll, words = rng.random(), name.split()
    if roll < 0.40:
        return name.upper(), "as_is"
    if roll < 0.55:
        core = " ".join(w for w in words if w not in FORMS)
        return f"{rng.choice(['SARL', 'SAS', 'STE', ''])} {core}".strip().upper(), "form"
    if roll < 0.65:
        return plain(name), "plain"
    if roll < 0.73:
        return f"ETABLISSEMENTS {plain(name)} {plain(rng.choice(TRADES))}"[:35], "cut"
    if roll < 0.83:
        return plain(word), "short"
    if roll < 0.88:
        return f"{rng.choice(['M', 'MR', 'MME', 'M OU MME'])} {plain(owner)}", "owner"
    if roll < 0.91:
        upper = list(name.upper())
        spot = rng.choice([i for i, c in enumerate(upper) if c.isalpha()])
        upper[spot] = rng.choice(string.ascii_uppercase)
        return "".join(upper), "typo"
    return "", "none"


def _customers(rng: random.Random, count: int) -> list[_Customer]:
    out: list[_Customer] = []
    seen: set[str] = set()
    for n in range(1, count + 1):
        if out and rng.random() < 0.01:
            twin = rng.choice(out)
            name, owner, word = twin.name, f"{rng.choice(FIRST_NAMES)} X", twin.name.split()[-1]
        else:
            name, owner, word = _company_name(rng)
            while name in seen:
                name, owner, word = _company_name(rng)
        seen.add(name)
        account, ibans = iban(rng), set()
        if rng.random() < 0.60:
            ibans.add(account)
            if rng.random() < 0.1:
                ibans.add(iban(rng))
        bank_name, kind = _bank_name(rng, name, owner, word)
        learned = bank_name and rng.random() < (0.6 if kind == "owner" else 0.02)
        habit = ""
        if rng.random() < 0.03:
            habit = "".join(rng.choice("BCDFGHJKLMNPRSTVZ") for _ in range(3)) + "CMD"
        aliases, habits = {bank_name} if learned else set(), {habit} if habit else set()
        payer = Payer(n, name, f"C{n:05d}", frozenset(ibans), frozenset(aliases), frozenset(habits))
        out.append(_Customer(n, name, account, bank_name, payer, habit))
    return out


def _invoices(rng: random.Random, count: int, customers: list[_Customer]):
    """The open invoices, and the customers billed a fixed subscription amount."""
    weights = [rng.paretovariate(1.6) for _ in customers]
    owners = rng.choices(customers, weights=weights, k=count)
    fixed = {c.id: rng.choice(SUBSCRIPTIONS) for c in customers if rng.random() < 0.15}
    first, span = date(2025, 1, 1), (date(2026, 11, 20) - date(2025, 1, 1)).days
    drafts = []
    for owner in owners:
        issued = first + timedelta(days=int(span * rng.random() ** 0.5))  # recent ones more
        if owner.id in fixed:
            total = fixed[owner.id]
        elif rng.random() < 0.2:
            total = rng.choice(ROUND_PRICES)
        else:
            total = Decimal(int(10 ** rng.uniform(3.5, 5.7))) / 100
        balance = total
        if rng.random() < 0.08:
            balance = (total * Decimal(rng.uniform(0.2, 0.8))).quantize(CENT)
        drafts.append((issued, owner.id, total, balance))
    drafts.sort(key=lambda d: d[0])
    seqs: dict[int, int] = {}
    out = []
    for n, (issued, cid, total, balance) in enumerate(drafts, start=1):
        seqs[issued.year] = seqs.get(issued.year, 0) + rng.choice((1, 1, 2, 3))
        number, due = f"FA-{issued.year}-{seqs[issued.year]:05d}", rng.choice((30, 30, 45, 60))
        out.append(
            OpenInvoice(n, number, cid, balance, total, "EUR", issued, issued + timedelta(due))
        )
    return out, set(fixed)


def _parts(invoice: OpenInvoice) -> tuple[int, int]:
    _, year, seq = invoice.number.split("-")
    return int(year), int(seq)


def exact_text(rng: random.Random, invoice: OpenInvoice, bank_name: str) -> tuple[str, str]:
    """(remittance, structured reference) naming the invoice as issued."""
    n = invoice.number
    roll = rng.random()
    if roll < 0.1:
        return "", n
    forms = [n, f"FACTURE {n}", f"VIR SEPA {n}", f"REF {n}", f"Facture n° {n}", n.lower(),
             f"{n} {bank_name}".strip(), f"REGLEMENT FACT {n}", f"PAIEMENT {n}"]  # fmt: skip
    return rng.choice(forms), ""


def retyped_text(rng: random.Random, invoice: OpenInvoice) -> str:
    year, seq = _parts(invoice)
    return rng.choice([
        f"FA{year}{seq:05d}", f"fa {year} {seq}", f"FACT {year}/{seq}", f"F {year % 100}-{seq}",
        f"N° {year}-{seq:04d}", f"{year}-{seq}", f"FA-{year % 100}-{seq}", f"FACT {seq:05d}",
        f"FACTURE {seq}", f"FA {year}{seq:05d}", f"fa-{year}-{seq}",
    ])  # fmt: skip


def typo_text(rng: random.Random, invoice: OpenInvoice) -> str:
    year, seq = _parts(invoice)
    digits = list(f"{seq:05d}")
    spot = rng.randrange(len(digits))
    digits[spot] = rng.choice([d for d in string.digits if d != digits[spot]])
    return f"FACTURE FA-{year}-{''.join(digits)}"


def multi_text(rng: random.Random, invoices: list[OpenInvoice]) -> str:
    numbers = [i.number for i in invoices]
    parts = [_parts(i) for i in invoices]
    roll = rng.random()
    if roll < 0.4:
        return " ".join(numbers)
    if roll < 0.6:
        return "FACTURES " + " ET ".join(numbers)
    if roll < 0.8:
        return "FACT " + " ".join(f"{y}-{s}" for y, s in parts)
    if roll < 0.9:
        return numbers[0] + " " + " ".join(f"{s:05d}" for _, s in parts[1:])
    return "FACTURES " + " + ".join(str(s) for _, s in parts)


def noise(rng: random.Random, customer: _Customer, day: date, amount: Decimal) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"CDE {rng.randint(4500000, 4599999)}"
    if roll < 0.5:
        return f"BC {day.year}-{rng.randint(1, 999)}"
    if roll < 0.7:
        return f"DU {day - timedelta(days=rng.randint(0, 20)):%d/%m/%Y}"
    if roll < 0.85:
        return f"MONTANT {french(amount)} EUR"
    return f"CLIENT {customer.payer.code}"


class _Generator:
    """Draws the lines in date order, keeping each invoice's balance as the lines pay it."""

    def __init__(self, rng, customers, invoices: list[OpenInvoice], fixed: set[int]):
        self.rng, self.customers = rng, {c.id: c for c in customers}
        self.invoices = {i.id: i for i in invoices}
        self.balance = {i.id: i.balance for i in invoices}
        self.pool = [i.id for i in invoices]
        self.by_customer: dict[int, list[int]] = {}
        for invoice in invoices:
            self.by_customer.setdefault(invoice.customer_id, []).append(invoice.id)
        self.partials: list[int] = []
        self.subscribers = fixed
        self.factors = [(name, iban(rng)) for name in FACTORS]
        self.credits: list[Credit] = []
        self.answer: dict[str, Answer] = {}

    def pick(self, day: date) -> OpenInvoice | None:
        for _ in range(40):
            if not self.pool:
                return None
            k = self.rng.randrange(len(self.pool))
            invoice_id = self.pool[k]
            if self.balance[invoice_id] <= 0:
                self.pool[k] = self.pool[-1]
                self.pool.pop()
                continue
            if self.invoices[invoice_id].issue_date <= day:
                return self.invoices[invoice_id]
        return None

    def open_of(self, cid: int, day: date) -> list[OpenInvoice]:
        ids = self.by_customer.get(cid, [])
        return [
            self.invoices[i]
            for i in ids
            if self.balance[i] > 0 and self.invoices[i].issue_date <= day
        ]

    def payer_fields(self, customer: _Customer) -> tuple[str, str]:
        account = customer.account
        if customer.payer.ibans and self.rng.random() < 0.05:
            account = iban(self.rng)  # a new account
        if self.rng.random() < 0.05:
            account = ""
        return customer.bank_name, account

    def emit(self, day, amount, name, account, text, ref, scenario, cid, allocations, cuts,
             e2e=""):  # fmt: skip
        key = f"L{len(self.credits) + 1:06d}"
        text = " ".join(text.split())
        self.credits.append(Credit(key, amount, "EUR", day, name, account, text, ref, e2e))
        order = sorted(allocations, key=lambda a: (self.invoices[a[0]].issue_date, a[0]))
        self.answer[key] = Answer(cid, tuple(order), scenario)
        for invoice_id, cut in cuts:
            self.balance[invoice_id] -= cut

    def line(self, day: date, scenario: str) -> None:
        rng = self.rng
        if scenario in ("unrelated", "noise"):
            return self.unrelated(day, scenario)
        invoice = self.pick(day)
        if invoice is None:
            return self.unrelated(day, "unrelated")
        if scenario == "rest":
            waiting = [i for i in self.partials if self.balance[i] > 0]
            if waiting:
                invoice = self.invoices[rng.choice(waiting)]
            else:
                scenario = "exact_ref"
        customer = self.customers[invoice.customer_id]
        if customer.id in self.subscribers and scenario in DEBITABLE and rng.random() < 0.8:
            return self.direct_debit(day, customer, invoice)
        if scenario.startswith("multi"):
            return self.multi(day, customer, scenario)
        if scenario == "no_ref":
            same = [i for i in self.open_of(customer.id, day)
                    if self.balance[i.id] == self.balance[invoice.id]]  # fmt: skip
            invoice = same[0] if same else invoice
        balance = self.balance[invoice.id]
        amount, allocated, cut = balance, balance, balance
        name, account = self.payer_fields(customer)
        remittance, ref = exact_text(rng, invoice, name)
        if scenario == "retyped_ref":
            remittance, ref = retyped_text(rng, invoice), ""
        elif scenario == "typo_ref":
            remittance, ref = typo_text(rng, invoice), ""
        elif scenario == "no_ref":
            remittance = rng.choice(["", "VIR SEPA", f"VIREMENT DE {name}", "REGLEMENT",
                                     "PAIEMENT CLIENT", "VIR INST"])  # fmt: skip
            ref = ""
        elif scenario == "partial":
            amount = allocated = cut = (balance * Decimal(rng.uniform(0.2, 0.8))).quantize(CENT)
            remittance = f"ACOMPTE {remittance or ref}"
            self.partials.append(invoice.id)
        elif scenario == "rest":
            remittance = f"SOLDE FACTURE {invoice.number}"
        elif scenario == "fee":
            gap = min(Decimal(rng.randint(10, 400)) / 100, balance / 2).quantize(CENT)
            amount = allocated = balance - gap
            if rng.random() < 0.2:
                remittance, ref = "VIR SEPA", ""
        elif scenario == "discount":
            gap = (balance * Decimal("0.02")).quantize(CENT, rounding=ROUND_HALF_UP)
            amount = allocated = balance - gap
            remittance = f"FACT {invoice.number} ESCOMPTE 2%"
        elif scenario == "overpay":
            amount = balance + Decimal(rng.randint(100, 20000)) / 100
        elif scenario == "third_party":
            name, account = rng.choice(self.factors)
            if rng.random() < 0.25:
                remittance, ref = retyped_text(rng, invoice), ""
            remittance = f"{remittance} POUR COMPTE DE {plain(customer.name)}"
        if rng.random() < 0.33:
            remittance = f"{remittance} {noise(rng, customer, day, amount)}"
        if customer.habit and rng.random() < 0.8:
            remittance = f"{remittance} {customer.habit}-{rng.randint(1000, 9999)}"
        self.emit(day, amount, name, account, remittance, ref, scenario, customer.id,
                  [(invoice.id, allocated)], [(invoice.id, cut)])  # fmt: skip

    def direct_debit(self, day: date, customer: _Customer, invoice: OpenInvoice) -> None:
        """The company collects: the end-to-end id it set is the invoice number."""
        balance = self.balance[invoice.id]
        name, account = self.payer_fields(customer)
        pairs = [(invoice.id, balance)]
        self.emit(day, balance, name, account, "PRLV SEPA SOLDE SAS", "", "direct_debit",
                  customer.id, pairs, pairs, e2e=invoice.number)  # fmt: skip

    def multi(self, day: date, customer: _Customer, scenario: str) -> None:
        rng = self.rng
        open_ = self.open_of(customer.id, day)
        if len(open_) < 2:
            return self.line(day, "exact_ref")
        if scenario == "multi_ref":
            chosen = sorted(rng.sample(open_, min(len(open_), rng.randint(2, 4))),
                            key=lambda i: (i.issue_date, i.id))  # fmt: skip
            text = multi_text(rng, chosen)
        else:
            count = len(open_) if len(open_) <= 6 and rng.random() < 0.4 else rng.randint(2, 4)
            chosen, text = open_[: min(count, len(open_))], rng.choice(["", "VIR SEPA", "REGLT"])
        pairs = [(i.id, self.balance[i.id]) for i in chosen]
        amount = sum((b for _, b in pairs), Decimal(0))
        name, account = self.payer_fields(customer)
        self.emit(day, amount, name, account, text, "", scenario, customer.id, pairs, pairs)

    def unrelated(self, day: date, scenario: str) -> None:
        rng = self.rng
        amount = Decimal(int(10 ** rng.uniform(2.5, 5.5))) / 100
        if scenario == "noise":
            name = f"{rng.choice(TRADES).upper()} {rng.choice(SURNAMES).upper()} HOLDING"
            text = " ".join(
                rng.choice([f"{day:%d/%m/%Y}", f"{french(amount)}", f"CDE {rng.randint(10, 99999)}",
                            f"REMB CB {day:%d%m}", f"DOSSIER {rng.randint(100, 999999)}"])
                for _ in range(rng.randint(1, 3))
            )  # fmt: skip
            account = iban(rng)
        else:
            name, template, _ = rng.choice(UNRELATED)
            text = template.format(n=rng.randint(10000, 999999), d=f"{day:%m/%Y}",
                                   y=day.year, s=rng.randint(1, 999))  # fmt: skip
            account = OWN_IBAN if name == "SOLDE SAS" else iban(rng)
        self.emit(day, amount, name, account, text, "", scenario, None, [], [])


def make_case(*, lines: int, invoices: int, customers: int, seed: int = 1) -> Case:
    rng = random.Random(seed)
    people = _customers(rng, customers)
    open_invoices, subscribers = _invoices(rng, invoices, people)
    generator = _Generator(rng, people, open_invoices, subscribers)
    names, weights = list(SCENARIOS), list(SCENARIOS.values())
    for n in range(lines):
        day = START + timedelta(days=n * DAYS // lines)
        generator.line(day, rng.choices(names, weights=weights)[0])
    debits = [
        (START + timedelta(days=rng.randrange(DAYS)), -Decimal(rng.randint(500, 900000)) / 100,
         rng.choice(FACTORS), "PRLV SEPA")
        for _ in range(lines * 3 // 5)
    ]  # fmt: skip
    never = {OWN_IBAN, normalize_name(TAX_OFFICE)}
    never |= {normalize_name(n) for n, _, known in UNRELATED if known}
    return Case(
        invoices=open_invoices,
        payers=[c.payer for c in people],
        knowledge=Knowledge(not_customers=frozenset(never)),
        settings=SETTINGS,
        credits=generator.credits,
        debits=debits,
        answer=generator.answer,
    )
