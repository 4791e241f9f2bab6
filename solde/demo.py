"""A realistic French demo company, made through the real services.

`demo_create()` builds "Atelier Lumière SAS": about 300 customers with their own payment
habits, 3,000 invoices over the two years before today, payments on time, late, partial,
grouped or excessive, a few deposits, credit notes, write-offs and disputes.

Sign in as demo@solde.test (owner) or compta@solde.test (accountant), password
"demo-solde". Everything is played in date order with the clock set to each event's
day, so numbering stays chronological and every balance at a past date is real history.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from schwifty import IBAN
from stdnum import luhn

from solde.companies.models import Company
from solde.companies.services import company_create, user_create
from solde.core import clock
from solde.core.errors import Conflict
from solde.customers.models import Customer
from solde.customers.services import contact_add, customer_create
from solde.invoicing.models import Invoice
from solde.invoicing.services import (
    credit_note_create,
    invoice_create,
    invoice_deduct_deposit,
    invoice_dispute,
    invoice_issue,
)
from solde.payments.services import payment_record

PASSWORD = "demo-solde"
TRADES = [
    "Boulangerie",
    "Transports",
    "Cabinet",
    "Menuiserie",
    "Studio",
    "Garage",
    "Pharmacie",
    "Librairie",
    "Imprimerie",
    "Agence",
    "Atelier",
    "Fromagerie",
    "Plomberie",
    "Électricité",
    "Hôtel",
    "Restaurant",
    "Domaine",
    "Clinique",
]
NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
]
CITIES = [
    ("69001", "Lyon"),
    ("75011", "Paris"),
    ("13002", "Marseille"),
    ("33000", "Bordeaux"),
    ("44000", "Nantes"),
    ("59000", "Lille"),
    ("31000", "Toulouse"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("06000", "Nice"),
    ("21000", "Dijon"),
    ("63000", "Clermont"),
]
FORMS = ["SARL", "SAS", "SA", "EURL", "SASU"]
CATALOGUE = [  # description, unit price range, VAT rate
    ("Conception d'éclairage (jour)", (450, 750), "20"),
    ("Installation luminaires (heure)", (45, 75), "20"),
    ("Luminaire suspendu LED", (120, 480), "20"),
    ("Maintenance annuelle", (300, 1200), "20"),
    ("Déplacement", (30, 120), "20"),
    ("Rénovation éclairage logement", (200, 900), "10"),
    ("Ampoules basse consommation (lot)", (12, 40), "5.5"),
    ("Étude photométrique", (600, 1800), "20"),
]
SEGMENTS = ["PME", "PME", "PME", "Grand compte", "Association"]


def _siren(rng: random.Random) -> str:
    base = f"{rng.randrange(10**7, 10**8):08d}"
    return base + luhn.calc_check_digit(base)


def _siret(siren: str, rng: random.Random) -> str:
    base = siren + f"{rng.randrange(1, 99):04d}"
    return base + luhn.calc_check_digit(base)


def _vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


@dataclass
class Habit:
    """How a customer pays: days after the due date (negative: early), and how reliably."""

    delay: tuple[int, int]
    never: float


HABITS = [Habit((-10, 0), 0.0), Habit((-2, 25), 0.01), Habit((20, 90), 0.2)]


@dataclass(order=True)
class Event:
    day: date
    order: int
    kind: str = field(compare=False)
    data: dict = field(compare=False, default_factory=dict)


class DemoBuilder:
    def __init__(self, rng: random.Random, today: date, customers: int, invoices: int):
        self.rng, self.today = rng, today
        self.customer_count, self.invoice_count = customers, invoices
        self.events: list[Event] = []
        self.sequence = 0
        self.habits: dict[int, Habit] = {}

    def add(self, day: date, kind: str, **data) -> None:
        if day <= self.today:
            self.sequence += 1
            heapq.heappush(self.events, Event(day, self.sequence, kind, data))

    # -- the company and its customers ---------------------------------------------------

    def company(self, slug: str) -> Company:
        rng = self.rng
        siren = _siren(rng)
        company = company_create(
            slug=slug,
            name="Atelier Lumière SAS",
            legal_form="SAS",
            share_capital="50000",
            siren=siren,
            siret=_siret(siren, rng),
            vat_number=_vat(siren),
            rcs_city="Lyon",
            address="12 rue de la République",
            postal_code="69002",
            city="Lyon",
            email="factures@atelier-lumiere.test",
            iban=str(IBAN.generate("FR", bank_code="30006", account_code="00011234567")),
            bic="AGRIFRPP",
            early_payment_discount="Pas d'escompte pour paiement anticipé",
            actor="demo",
        )
        for email, role in (("demo@solde.test", "owner"), ("compta@solde.test", "accountant")):
            user_create(email=email, company=company, role=role, password=PASSWORD, actor="demo")
        return company

    def customers(self, company: Company) -> list[Customer]:
        rng, made = self.rng, []
        for n in range(1, self.customer_count + 1):
            postal, city = rng.choice(CITIES)
            person = rng.random() < 0.05
            surname = rng.choice(NAMES)
            if person:
                name = f"{rng.choice(['Jean', 'Marie', 'Luc', 'Claire', 'Paul'])} {surname}"
                fields = {"kind": "person", "segment": "Particulier"}
            else:
                siren = _siren(rng)
                name = f"{rng.choice(TRADES)} {surname} {rng.choice(FORMS)}"
                fields = {
                    "siren": siren,
                    "vat_number": _vat(siren),
                    "segment": rng.choice(SEGMENTS),
                }
                if rng.random() < 0.15:
                    fields["payment_terms_days"] = rng.choice([45, 60])
            slug = surname.lower().replace("é", "e").replace("è", "e")
            customer = customer_create(
                company=company,
                code=f"CLI{n:04d}",
                name=name,
                city=city,
                postal_code=postal,
                address=f"{rng.randrange(1, 120)} avenue {rng.choice(NAMES)}",
                email=f"compta@{slug}{n}.test",
                actor="demo",
                **fields,
            )
            if rng.random() < 0.2:
                contact_add(
                    customer=customer,
                    email=f"direction@{slug}{n}.test",
                    name=f"Direction {surname}",
                    role="Direction",
                )
            self.habits[customer.pk] = rng.choices(HABITS, weights=[40, 45, 15])[0]
            made.append(customer)
        return made

    # -- the plan of what happens when ---------------------------------------------------

    def plan(self, customers: list[Customer]) -> None:
        rng = self.rng
        start = self.today - timedelta(days=730)
        days = sorted(start + timedelta(days=rng.randrange(730)) for _ in range(self.invoice_count))
        weights = [rng.paretovariate(1.5) for _ in customers]  # a few big customers
        for day in days:
            customer = rng.choices(customers, weights=weights)[0]
            lines = []
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                description, (low, high), rate = rng.choice(CATALOGUE)
                line = {
                    "description": description,
                    "vat_rate": rate,
                    "quantity": str(rng.choice([1, 1, 1, 2, 3, 5, 8])),
                    "unit_price": str(Decimal(rng.randrange(low * 100, high * 100)) / 100),
                }
                if rng.random() < 0.08:
                    line["discount_percent"] = str(rng.choice([5, 10, 15]))
                lines.append(line)
            self.add(day, "invoice", customer=customer, lines=lines)
        for _ in range(max(1, self.invoice_count // 300)):
            day = start + timedelta(days=rng.randrange(600))
            customer = rng.choices(customers, weights=weights)[0]
            self.add(day, "project", customer=customer, price=rng.randrange(3000, 12000))

    # -- playing it -------------------------------------------------------------------------

    def play(self, company: Company, progress: Callable[[int, int], None] | None) -> None:
        self.company_row = company
        total = len(self.events)
        done = 0
        while self.events:
            event = heapq.heappop(self.events)
            with clock.frozen(event.day):
                getattr(self, f"on_{event.kind}")(event.day, **event.data)
            done += 1
            if progress and done % 50 == 0:
                progress(done, done + len(self.events))
        if progress:
            progress(total, total)

    def on_invoice(
        self,
        day: date,
        customer: Customer,
        lines: list[dict],
        kind: str = "invoice",
        deposit: Invoice | None = None,
    ) -> None:
        invoice = invoice_create(
            company=self.company_row,
            customer=customer,
            lines=lines,
            kind=kind,
            origin="demo",
            actor="demo",
        )
        if deposit is not None:
            invoice = invoice_deduct_deposit(invoice=invoice, deposit=deposit, actor="demo")
        invoice = invoice_issue(invoice=invoice, issue_date=day, actor="demo")
        self.after_issue(invoice)

    def on_project(self, day: date, customer: Customer, price: int) -> None:
        """A deposit of 30 % now, the final invoice two months later deducting it."""
        deposit = invoice_create(
            company=self.company_row,
            customer=customer,
            kind="deposit",
            origin="demo",
            lines=[
                {
                    "description": "Acompte 30 % — projet d'éclairage",
                    "unit_price": str(Decimal(price) * Decimal("0.3")),
                    "vat_rate": "20",
                }
            ],
            actor="demo",
        )
        deposit = invoice_issue(invoice=deposit, issue_date=day, actor="demo")
        self.after_issue(deposit, habit=HABITS[0])
        final_lines = [
            {
                "description": "Projet d'éclairage — réalisation",
                "unit_price": str(price),
                "vat_rate": "20",
            }
        ]
        self.add(
            day + timedelta(days=60),
            "invoice",
            customer=customer,
            lines=final_lines,
            deposit=deposit,
        )

    def after_issue(self, invoice: Invoice, habit: Habit | None = None) -> None:
        rng = self.rng
        habit = habit or self.habits[invoice.customer_id]
        roll = rng.random()
        if roll < 0.015:
            full = rng.random() < 0.5
            self.add(
                invoice.issue_date + timedelta(days=rng.randrange(3, 20)),
                "credit",
                invoice=invoice,
                full=full,
            )
            if full:
                return
        if roll > 0.99:
            self.add(
                invoice.issue_date + timedelta(days=rng.randrange(10, 40)),
                "dispute",
                invoice=invoice,
            )
            return
        if rng.random() < habit.never:
            return
        paid = invoice.due_date + timedelta(
            days=rng.randrange(*habit.delay) if habit.delay[0] < habit.delay[1] else habit.delay[0]
        )
        paid = max(paid, invoice.issue_date)
        style = rng.random()
        if style < 0.06:  # in two instalments
            half = (invoice.total / 2).quantize(Decimal("0.01"))
            self.add(paid - timedelta(days=20), "pay", invoices=[invoice], amount=half)
            self.add(paid + timedelta(days=10), "pay", invoices=[invoice], amount=None)
        elif style < 0.08:  # a small gap written off
            gap = Decimal(rng.randrange(1, 99)) / 100
            self.add(paid, "pay", invoices=[invoice], amount=invoice.total - gap, write_off=True)
        elif style < 0.09:  # paid too much: customer credit
            self.add(
                paid,
                "pay",
                invoices=[invoice],
                amount=invoice.total + Decimal(rng.randrange(10, 60)),
            )
        else:
            self.add(paid, "pay", invoices=[invoice], amount=None, group=style > 0.95)

    def on_pay(
        self,
        day: date,
        invoices: list[Invoice],
        amount,
        write_off: bool = False,
        group: bool = False,
    ) -> None:
        invoices = [Invoice.objects.get(pk=i.pk) for i in invoices]
        if group:  # one transfer for everything this customer owes that is already due
            others = (
                Invoice.objects.receivable()
                .filter(customer_id=invoices[0].customer_id, balance__gt=0, due_date__lte=day)
                .exclude(pk=invoices[0].pk)
                .order_by("due_date")[:3]
            )
            invoices += list(others)
        open_items = [i for i in invoices if i.balance > 0]
        if not open_items:
            return
        if amount is None:
            amount = sum((i.balance for i in open_items), Decimal(0))
        payment_record(
            company=self.company_row,
            amount=amount,
            date=day,
            invoices=open_items,
            method=self.rng.choice(["transfer"] * 8 + ["cheque", "card"]),
            reference=f"VIR {open_items[0].number}",
            source="demo",
            actor="demo",
            write_off_difference=write_off,
        )

    def on_credit(self, day: date, invoice: Invoice, full: bool) -> None:
        invoice = Invoice.objects.get(pk=invoice.pk)
        if invoice.balance <= 0:
            return
        first = invoice.lines.first()
        gesture = (min(first.net_amount, invoice.balance) / 3).quantize(Decimal("1"))
        lines = (
            None
            if full
            else [
                {
                    "description": f"Geste commercial — {first.description}",
                    "unit_price": str(max(gesture, Decimal(1))),
                    "vat_rate": "20",
                }
            ]
        )
        try:
            note = credit_note_create(
                invoice=invoice, lines=lines, reason="Avoir commercial", actor="demo"
            )
            invoice_issue(invoice=note, issue_date=day, actor="demo")
        except Conflict:
            pass

    def on_dispute(self, day: date, invoice: Invoice) -> None:
        invoice_dispute(
            invoice=invoice,
            reason=self.rng.choice(
                ["Prestation contestée", "Matériel défectueux", "Quantités erronées"]
            ),
            actor="demo",
        )


def demo_create(
    *,
    slug: str = "demo",
    today: date | None = None,
    customers: int = 300,
    invoices: int = 3000,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> Company:
    if Company.objects.filter(slug=slug).exists():
        raise Conflict(f"A company {slug!r} already exists.", field="slug")
    today = today or clock.today()
    builder = DemoBuilder(random.Random(seed), today, customers, invoices)
    with transaction.atomic():
        start = today - timedelta(days=731)
        with clock.frozen(start):
            company = builder.company(slug)
            made = builder.customers(company)
        builder.plan(made)
        builder.play(company, progress)
    return company
