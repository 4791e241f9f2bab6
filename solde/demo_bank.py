"""The demo company's latest bank statement, as its bank would send it (CAMT.053).

Customers pay some open invoices the ways people do: the number written as issued or
retyped, two invoices in one transfer, a part payment without a word, a transfer from
an account nobody knows; the company pays its own bills. The file goes through the
real import, so the demo opens with matched lines and a short review queue.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from solde.banking.services import statement_import
from solde.companies.models import Company
from solde.customers.models import CustomerIban
from solde.formats import camt053_writer
from solde.formats.bankstatement import Statement, StatementLine
from solde.invoicing.models import Invoice

DEBITS = [
    ("EDF ENTREPRISES", "PRLV SEPA EDF CONTRAT 4400121", "-412.80"),
    ("URSSAF RHONE ALPES", "PRLV URSSAF COTISATIONS", "-3184.00"),
    ("SCI DES CANUTS", "VIR LOYER ATELIER", "-2150.00"),
    ("ORANGE BUSINESS", "PRLV ORANGE FACTURE MOBILE", "-96.40"),
]


def _retyped(number: str) -> str:
    """FA-2026-00123 as people retype it: "FA2026 123"."""
    prefix, year, seq = number.split("-")
    return f"{prefix}{year} {int(seq)}"


def _credit(day, amount, text, customer, ibans, n) -> StatementLine:
    return StatementLine(
        booking_date=day,
        amount=amount,
        currency="EUR",
        bank_ref=f"DEMO{day:%y%m%d}{n:04d}",
        counterparty_name=customer.name.upper()[:35],
        counterparty_iban=ibans.get(customer.pk, ""),
        remittance=text,
    )


def _pairs_of_one_customer(company: Company, today: date) -> list[tuple[Invoice, Invoice]]:
    """Two open invoices of one customer, for a grouped transfer, for a few customers."""
    rows = (
        Invoice.objects.for_company(company)
        .receivable()
        .filter(status=Invoice.OPEN, disputed=False, issue_date__lt=today - timedelta(days=3))
        .select_related("customer")
        .order_by("customer_id", "due_date", "pk")
    )
    by_customer: dict[int, list[Invoice]] = {}
    for invoice in rows[:400]:
        by_customer.setdefault(invoice.customer_id, []).append(invoice)
    return [(found[-2], found[-1]) for found in by_customer.values() if len(found) >= 2]


def demo_statement(company: Company, today: date, rng: random.Random) -> None:
    """Import a statement of the last three days against the company's open invoices."""
    open_invoices = list(
        Invoice.objects.for_company(company)
        .receivable()
        .filter(status=Invoice.OPEN, disputed=False, issue_date__lt=today - timedelta(days=3))
        .select_related("customer")
        .order_by("due_date", "pk")[:40]
    )
    ibans = dict(
        CustomerIban.objects.filter(customer__company=company).values_list("customer_id", "iban")
    )
    pairs = _pairs_of_one_customer(company, today)[:2]
    paired = {invoice.pk for pair in pairs for invoice in pair}
    open_invoices = [invoice for invoice in open_invoices if invoice.pk not in paired]
    rng.shuffle(open_invoices)
    lines: list[StatementLine] = []
    days = [today - timedelta(days=d) for d in (3, 2, 1)]

    def add(invoice, amount, text):
        day = rng.choice(days)
        lines.append(_credit(day, amount, text, invoice.customer, ibans, len(lines)))

    for invoice in open_invoices[:12]:
        add(invoice, invoice.balance, f"VIR SEPA {invoice.customer.name.upper()} {invoice.number}")
    for invoice in open_invoices[12:16]:
        add(invoice, invoice.balance, f"REGLEMENT FACT {_retyped(invoice.number)}")
    for invoice in open_invoices[16:19]:  # a part payment, no word: a person decides
        add(invoice, (invoice.balance / 2).quantize(Decimal("0.01")), "VIREMENT")
    for first, second in pairs:
        add(first, first.balance + second.balance, f"FACTURES {first.number} {second.number}")
    lines.append(
        StatementLine(
            booking_date=days[0],
            amount=Decimal("640.00"),
            currency="EUR",
            bank_ref="DEMOUNKNOWN1",
            counterparty_name="M OU MME LAMBERT",
            counterparty_iban="FR7617515900000800000000012",
            remittance="ACOMPTE TRAVAUX",
        )
    )
    for n, (name, text, amount) in enumerate(DEBITS):
        lines.append(
            StatementLine(
                booking_date=days[n % 3],
                amount=Decimal(amount),
                currency="EUR",
                bank_ref=f"DEMODEBIT{n}",
                counterparty_name=name,
                remittance=text,
            )
        )
    lines.sort(key=lambda line: line.booking_date)
    statement = Statement(
        account=company.iban, currency=company.currency, lines=tuple(lines), statement_id="DEMO"
    )
    statement_import(
        company=company,
        data=camt053_writer.write([statement], message_id="DEMO"),
        file_name=f"releve-{today:%Y-%m-%d}.xml",
        actor="demo",
    )
