"""A realistic French demo company, made through the real services.

`demo_create()` builds "Atelier Lumière SAS", a lighting design studio in Lyon: about 300
customers (PME, grands comptes, associations, particuliers) with their own payment habits,
3,000 invoices over the two years before today, payments early, late, partial, grouped or
excessive, a few deposits deducted on final invoices, credit notes, write-offs and disputes.

Sign in as demo@solde.test (owner) or compta@solde.test (accountant), password "demo-solde".

Everything is played as a timeline in date order, each event with the clock frozen at its
day: invoices are issued in date order (so numbers stay chronological and gapless), and a
payment is recorded on the day it arrives, so every balance at a past date is real history.
Nothing is written by hand: every row comes from a service, through the same rules as a user.
"""

from __future__ import annotations

import heapq
import random
import unicodedata
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
from solde.demo_bank import demo_statement
from solde.demo_data import (
    BANKS,
    BUSINESS_LINES,
    CITIES,
    FATES,
    FIRST_NAMES,
    FORMS,
    HOME_LINES,
    PROJECT,
    STREETS,
    SURNAMES,
    TRADES,
)
from solde.invoicing.models import Invoice
from solde.invoicing.services import (
    credit_note_create,
    invoice_create,
    invoice_deduct_deposit,
    invoice_dispute,
    invoice_issue,
)
from solde.payments.services import invoice_write_off, payment_record

PASSWORD = "demo-solde"
USERS = (("demo@solde.test", "owner"), ("compta@solde.test", "accountant"))
ACTOR = "demo"
CENT = Decimal("0.01")


def _siren(rng: random.Random) -> str:
    base = f"{rng.randrange(10**7, 10**8):08d}"  # never starts with 0: looks like a real one
    return base + luhn.calc_check_digit(base)


def _siret(siren: str, rng: random.Random) -> str:
    base = siren + f"{rng.randrange(1, 99):04d}"  # NIC: establishment number + Luhn key
    return base + luhn.calc_check_digit(base)


def _vat(siren: str) -> str:
    """FR + the key of stdnum.fr.tva for a SIREN: (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _slug(text: str) -> str:
    """ASCII letters and digits only, for e-mail addresses: "Hôtel Faure" → "hotelfaure"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())[:24]


def _line(description: str, price, rate="20", unit: str = "C62") -> dict:
    return {
        "description": description,
        "unit": unit,
        "unit_price": str(price),
        "vat_rate": str(rate),
    }


def _iban(rng: random.Random, bank: str | None = None) -> IBAN:
    return IBAN.generate(
        "FR",
        bank_code=bank or rng.choice(BANKS),
        branch_code=f"{rng.randrange(10**5):05d}",
        account_code=f"{rng.randrange(10**11):011d}",
    )


@dataclass(frozen=True)
class Habit:
    """How a customer pays: days after the due date (negative: early), and how often never."""

    delay: tuple[int, int]
    never: float


GOOD, AVERAGE, BAD = Habit((-12, -1), 0.0), Habit((-3, 25), 0.0), Habit((30, 90), 0.25)


@dataclass(order=True)
class Event:
    day: date
    order: int
    kind: str = field(compare=False)
    data: dict = field(compare=False, default_factory=dict)


class DemoBuilder:
    def __init__(self, rng: random.Random, today: date, customers: int, invoices: int):
        self.rng, self.today = rng, today
        self.start = today - timedelta(days=730)
        self.customer_count, self.invoice_count = customers, invoices
        self.events: list[Event] = []
        self.order = 0
        self.habits: dict[int, Habit] = {}
        self.ibans: dict[int, str] = {}
        self.reserved: set[int] = set()  # invoices kept out of grouped payments

    def add(self, day: date, kind: str, **data) -> None:
        """Plan an event; what would happen after today does not happen."""
        if day <= self.today:
            self.order += 1
            heapq.heappush(self.events, Event(day, self.order, kind, data))

    # -- the company and its customers -----------------------------------------------------

    def company(self, slug: str) -> Company:
        rng = self.rng
        siren = _siren(rng)
        iban = _iban(rng, bank="30004")
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
            iban=iban.compact,
            bic=str(iban.bic),
            payment_terms_days=30,
            early_payment_discount="Pas d'escompte pour paiement anticipé",
            actor=ACTOR,
        )
        for email, role in USERS:
            user_create(email=email, company=company, role=role, password=PASSWORD, actor=ACTOR)
        return company

    def _identity(self, city: str) -> tuple[str, dict]:
        """A customer's name and the fields that go with it."""
        rng = self.rng
        surname = rng.choice(SURNAMES)
        of_city = f"d'{city}" if city[0] in "AEIOUÉ" else f"de {city}"
        roll = rng.random()
        if roll < 0.06:
            name = f"{rng.choice(FIRST_NAMES)} {surname}"
            return name, {"kind": "person", "segment": "Particulier"}
        if roll < 0.12:
            kind = rng.choice(["Association culturelle", "Comité des fêtes", "Théâtre municipal"])
            return f"{kind} {of_city}", {"segment": "Association"}
        if roll < 0.2:
            name = rng.choice([f"Groupe {surname}", f"{surname} Industries", f"Hôtels {surname}"])
            return f"{name} {rng.choice(['SA', 'SAS'])}", {"segment": "Grand compte"}
        trade, other = rng.choice(TRADES), rng.choice([n for n in SURNAMES if n != surname])
        suffix = rng.choice(["", "", " & Fils", f"-{other}", f" {city}"])
        return f"{trade} {surname}{suffix} {rng.choice(FORMS)}", {"segment": "PME"}

    def customers(self, company: Company) -> list[Customer]:
        rng, made = self.rng, []
        for n in range(1, self.customer_count + 1):
            postal, city = rng.choice(CITIES)
            name, fields = self._identity(city)
            person, ibans = fields.get("kind") == "person", []
            if person:
                email = f"{_slug(name)}{n}@courriel.test"
            else:
                siren = _siren(rng)
                fields.update(siren=siren, siret=_siret(siren, rng), vat_number=_vat(siren))
                if rng.random() < 0.2:
                    fields["payment_terms_days"] = rng.choice([30, 45, 60])
                if rng.random() < 0.5:
                    ibans = [_iban(rng).compact]
                domain = f"{_slug(name.rsplit(' ', 1)[0])}{n}.test"  # without the legal form
                email = f"compta@{domain}"
            customer = customer_create(
                company=company,
                code=f"CLI{n:04d}",
                name=name,
                address=f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
                postal_code=postal,
                city=city,
                email=email,
                ibans=ibans,
                actor=ACTOR,
                **fields,
            )
            if not person and rng.random() < 0.15:
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                contact_add(
                    customer=customer,
                    email=f"{_slug(first)}.{_slug(last)}@{domain}",
                    name=f"{first} {last}",
                    role=rng.choice(["Direction", "Achats", "Comptabilité fournisseurs"]),
                )
            if ibans:
                self.ibans[customer.pk] = ibans[0]
            made.append(customer)
        # 40 % pay early, 45 % a little late, 15 % (at least one) very late or never.
        order = rng.sample(made, len(made))
        good, bad = round(0.4 * len(made)), max(1, round(0.15 * len(made)))
        for i, customer in enumerate(order):
            habit = GOOD if i < good else (BAD if i >= len(made) - bad else AVERAGE)
            self.habits[customer.pk] = (
                AVERAGE if customer.kind == "person" and habit is BAD else habit
            )
        return made

    # -- the plan of what happens when -----------------------------------------------------

    def _lines(self, customer: Customer) -> list[dict]:
        rng = self.rng
        catalogue = HOME_LINES if customer.kind == "person" else BUSINESS_LINES
        lines = []
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            description, unit, (low, high), rate, _ = rng.choices(
                catalogue, weights=[row[4] for row in catalogue]
            )[0]
            quantity = rng.choice([1, 1, 2, 3, 4, 6, 8, 12] if unit != "LS" else [1])
            line = {
                "description": description,
                "unit": unit,
                "quantity": str(quantity),
                "unit_price": str(Decimal(rng.randrange(low * 100, high * 100)) / 100),
                "vat_rate": rate,
            }
            if rng.random() < 0.06:
                line["discount_percent"] = str(rng.choice([5, 10, 15]))
            lines.append(line)
        return lines

    def plan(self, customers: list[Customer]) -> int:
        """Plan every document; return how many there are, for the progress bar."""
        rng = self.rng
        projects = min(max(1, self.invoice_count // 300), self.invoice_count // 2)
        count = self.invoice_count - 2 * projects  # each project: a deposit and a final invoice
        days = []
        for _ in range(count):
            day = self.start + timedelta(days=rng.randrange(1, 731))
            days.append(
                day + timedelta(days=8 - day.isoweekday()) if day.weekday() >= 5 else day
            )  # Monday
        days = sorted(min(day, self.today) for day in days)
        fates: dict[int, str] = {}
        for fate, (share, least, young, old) in FATES.items():
            eligible = [
                i
                for i, d in enumerate(days)
                if young <= (self.today - d).days <= old and i not in fates
            ]
            for i in rng.sample(eligible, min(len(eligible), max(least, round(share * count)))):
                fates[i] = fate
        weights = [
            rng.paretovariate(1.5) * (4 if c.segment == "Grand compte" else 1) for c in customers
        ]  # a few customers weigh a lot
        for i, day in enumerate(days):
            customer = rng.choices(customers, weights=weights)[0]
            self.add(
                day, "invoice", customer=customer, lines=self._lines(customer), fate=fates.get(i)
            )
        companies = [c for c in customers if c.kind == "company"] or customers
        for _ in range(projects):
            day = self.start + timedelta(days=rng.randrange(1, 600))
            customer = rng.choice(companies)
            self.add(day, "project", customer=customer, price=rng.randrange(30, 120) * 100)
        return count + 2 * projects

    # -- playing it -------------------------------------------------------------------------

    def play(self, company: Company, total: int, progress: Callable[[int, int], None] | None):
        self.company_row, done = company, 0
        while self.events:
            event = heapq.heappop(self.events)
            with clock.frozen(event.day):
                getattr(self, f"on_{event.kind}")(event.day, **event.data)
            if event.kind in {"invoice", "project"}:
                done += 1
                if progress and done % 25 == 0:
                    progress(min(done, total), total)
        if progress and (done % 25 or done != total):  # the last step, once
            progress(total, total)

    def on_invoice(self, day, customer, lines, fate=None, deposit=None) -> None:
        purchase_order = ""  # big customers send a purchase order number to quote
        if customer.segment == "Grand compte":
            purchase_order = f"BC-{day:%y%m}-{self.rng.randrange(100, 999)}"
        invoice = invoice_create(
            company=self.company_row,
            customer=customer,
            lines=lines,
            origin="demo",
            actor=ACTOR,
            purchase_order=purchase_order,
        )
        if deposit is not None:
            invoice = invoice_deduct_deposit(invoice=invoice, deposit=deposit, actor=ACTOR)
        invoice = invoice_issue(invoice=invoice, issue_date=day, actor=ACTOR)
        self.after_issue(invoice, fate)

    def on_project(self, day: date, customer: Customer, price: int) -> None:
        """A 30 % deposit now, the final invoice two months later deducting it."""
        deposit = invoice_create(
            company=self.company_row,
            customer=customer,
            kind=Invoice.DEPOSIT,
            origin="demo",
            lines=[_line(f"Acompte de 30 % — {PROJECT}", Decimal(price) * Decimal("0.3"))],
            actor=ACTOR,
        )
        deposit = invoice_issue(invoice=deposit, issue_date=day, actor=ACTOR)
        self.after_issue(deposit, None, habit=GOOD)
        final = [_line(f"{PROJECT} — réalisation", price, unit="LS")]
        self.add(
            day + timedelta(days=60), "invoice", customer=customer, lines=final, deposit=deposit
        )

    def after_issue(self, invoice: Invoice, fate: str | None, habit: Habit | None = None) -> None:
        """Plan what happens to an invoice: credit notes, disputes, payments."""
        rng, issued, due = self.rng, invoice.issue_date, invoice.due_date
        habit = habit or self.habits[invoice.customer_id]
        if fate:
            self.reserved.add(invoice.pk)
        if fate in {"credit_full", "credit_partial"}:
            self.add(
                issued + timedelta(days=rng.randint(3, 15)),
                "credit",
                invoice=invoice,
                full=fate == "credit_full",
            )
            if fate == "credit_full":
                return
        if fate == "dispute":
            self.add(issued + timedelta(days=rng.randint(10, 40)), "dispute", invoice=invoice)
            return
        if fate == "bad_debt":
            self.add(
                due + timedelta(days=rng.randint(300, 380)),
                "write_off",
                invoice=invoice,
                bad_debt=True,
            )
            return
        if fate == "partial":
            self.add(
                issued + timedelta(days=rng.randint(20, 40)), "pay", invoice=invoice, mode="part"
            )
            return
        if not fate and rng.random() < habit.never:
            return
        paid = max(issued, due + timedelta(days=rng.randint(*habit.delay)))
        if fate == "gap":
            self.add(paid, "pay", invoice=invoice, mode="gap")
            self.add(paid + timedelta(days=rng.randint(2, 20)), "write_off", invoice=invoice)
        elif fate == "overpaid":
            self.add(paid, "pay", invoice=invoice, mode="over")
        elif not fate and rng.random() < 0.05:  # in two instalments
            self.add(max(issued, paid - timedelta(days=15)), "pay", invoice=invoice, mode="part")
            self.add(paid + timedelta(days=15), "pay", invoice=invoice, mode="full")
        else:
            self.add(paid, "pay", invoice=invoice, mode="group" if rng.random() < 0.05 else "full")

    def on_pay(self, day: date, invoice: Invoice, mode: str) -> None:
        invoice = Invoice.objects.get(pk=invoice.pk)
        if invoice.balance <= 0:  # already settled by a grouped transfer or a credit note
            return
        items, amount = [invoice], invoice.balance
        if mode == "group":  # one transfer for (up to 3) other invoices this customer owes
            items += list(
                Invoice.objects.for_company(self.company_row)
                .receivable()
                .filter(customer_id=invoice.customer_id, balance__gt=0, disputed=False)
                .exclude(pk__in=self.reserved | {invoice.pk})
                .order_by("issue_date", "pk")[:3]
            )
            amount = sum((i.balance for i in items), Decimal(0))
        elif mode == "part":
            amount = (amount * self.rng.choice([3, 4, 5, 6]) / 10).quantize(CENT)
        elif mode == "gap":
            amount -= min(Decimal(self.rng.randint(1, 99)) / 100, amount - CENT)
        elif mode == "over":
            amount = (amount // 100 + 1) * 100  # rounded up to the next hundred
        customer = invoice.customer
        methods = ["transfer"] * 8 + ["cheque", "direct_debit"]
        method = self.rng.choice(["card", "cheque"] if customer.kind == "person" else methods)
        payment_record(
            company=self.company_row,
            amount=amount,
            date=day,
            invoices=items,
            method=method,
            payer_name=customer.name.upper(),
            payer_iban=self.ibans.get(customer.pk, "") if method == "transfer" else "",
            reference=" ".join(i.number for i in items),
            source="demo",
            actor=ACTOR,
        )

    def on_write_off(self, day: date, invoice: Invoice, bad_debt: bool = False) -> None:
        invoice = Invoice.objects.select_related("company").get(pk=invoice.pk)
        if invoice.balance <= 0 or (
            not bad_debt and invoice.balance > invoice.company.write_off_tolerance
        ):
            return
        reason = (
            "Créance irrécouvrable — liquidation judiciaire du client"
            if bad_debt
            else "Écart de règlement"
        )
        invoice_write_off(invoice=invoice, reason=reason, bad_debt=bad_debt, actor=ACTOR, day=day)

    def on_credit(self, day: date, invoice: Invoice, full: bool) -> None:
        invoice = Invoice.objects.get(pk=invoice.pk)
        if invoice.balance <= 0:
            return
        lines = None  # a full credit note: a copy of the invoice
        reason = self.rng.choice(["Commande annulée par le client", "Erreur de facturation"])
        if not full:  # a commercial gesture: a fifth of the first line
            first = invoice.lines.filter(deducts=None).first()
            gesture = max((min(first.net_amount, invoice.balance) / 5).quantize(CENT), CENT)
            reason = "Geste commercial — retard de chantier"
            lines = [_line(f"{reason} ({first.description})", gesture, rate=first.vat_rate)]
        note = credit_note_create(invoice=invoice, lines=lines, reason=reason, actor=ACTOR)
        invoice_issue(invoice=note, issue_date=day, actor=ACTOR)

    def on_dispute(self, day: date, invoice: Invoice) -> None:
        reasons = ["Prestation contestée", "Luminaires défectueux", "Quantités facturées erronées"]
        invoice_dispute(invoice=invoice, reason=self.rng.choice(reasons), actor=ACTOR)


def demo_create(
    *,
    slug: str = "demo",
    today: date | None = None,
    customers: int = 300,
    invoices: int = 3000,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> Company:
    """Create the demo company `slug` with its users, customers and two years of history.

    Sign in as demo@solde.test (owner) or compta@solde.test (accountant), password
    "demo-solde". `today` (default: clock.today()) ends the history; the same seed gives
    the same data. `progress(done, total)` is called as documents are issued. One
    transaction: on any error nothing is left. Raises Conflict if the slug is taken.
    """
    if Company.objects.filter(slug=slug).exists():
        raise Conflict(f"A company {slug!r} already exists.", field="slug")
    today = today or clock.today()
    builder = DemoBuilder(random.Random(seed), today, max(1, customers), max(0, invoices))
    with transaction.atomic():
        with clock.frozen(builder.start - timedelta(days=1)):
            company = builder.company(slug)
            made = builder.customers(company)
        total = builder.plan(made)
        builder.play(company, total, progress)
        with clock.frozen(today):
            demo_statement(company, today, builder.rng)
            _demo_reminders(company, today)
    return company


def _demo_reminders(company: Company, today: date) -> None:
    """Reminders on, at 9 o'clock, and today's run made: the timelines and the reminder
    pages open with something in them."""
    from solde.reminders.run import reminders_run
    from solde.reminders.services import plan_default_ensure

    company.reminders_enabled = True
    company.save(update_fields=["reminders_enabled"])
    plan_default_ensure(company=company)
    reminders_run(company=company, today=today, actor=ACTOR)
