"""From planned messages (core.dunning.Message) to reminders as written and sent.

`compose_all` reads, in a few set queries, what a message needs (invoice numbers,
customers, addresses, late fees) and renders its wording; `write_all` writes the
reminders, their lines and their emails with plain INSERTs (a run may write tens of
thousands). A customer's invoices in several currencies make one message per currency,
so no total ever adds two currencies. Attachments (invoice PDFs, the statement, the
formal notice letter) are drawn at delivery from data frozen here (see mail.attachments).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from solde.bulk import insert_rows
from solde.companies.models import Company
from solde.companies.queries import owner_list
from solde.core import latefees
from solde.core.dunning import Message
from solde.core.money import ZERO
from solde.customers.models import Contact, Customer
from solde.mail.services import Draft, company_notice_send, customer_messages_queue
from solde.reminders import texts
from solde.reminders.models import LETTER, TASK, PolicyRate, Reminder, ReminderLine
from solde.reminders.planning import Detail, Plans, outstanding_since_due

IN_CHUNK = 5000  # ids per IN (...) list
PDF = "application/pdf"


@dataclass(frozen=True)
class Line:
    invoice_id: int
    step_id: int
    chased: texts.Chased


@dataclass
class Composed:
    """One reminder ready to write: who, which step, its text, its invoices."""

    public_id: uuid.UUID
    customer_id: int
    customer_code: str
    step_id: int
    step_name: str
    channel: str
    currency: str
    language: str
    to: list[str]
    subject: str
    body: str
    lines: list[Line]
    sources: tuple[tuple[str, str, str], ...] = ()

    @property
    def total_due(self) -> Decimal:
        return sum((line.chased.balance for line in self.lines), ZERO)

    @property
    def late_fees(self) -> Decimal:
        return sum((line.chased.interest + line.chased.indemnity for line in self.lines), ZERO)

    def as_dict(self) -> dict:
        """As `solde remind --json` prints it (DESIGN.md's CLI contract)."""
        return {
            "customer_code": self.customer_code,
            "step": self.step_name,
            "channel": self.channel,
            "invoices": [
                {
                    "number": line.chased.number,
                    "balance": f"{line.chased.balance:.2f}",
                    "days_overdue": line.chased.days_overdue,
                    "late_fee": f"{line.chased.interest + line.chased.indemnity:.2f}",
                }
                for line in self.lines
            ],
            "total_due": f"{self.total_due:.2f}",
            "late_fees": f"{self.late_fees:.2f}",
            "to": self.to,
        }


CUSTOMER_FIELDS = ("pk", "code", "name", "email", "language", "kind")


def _customers(ids) -> dict[int, tuple]:
    ids, out = sorted(ids), {}
    for start in range(0, len(ids), IN_CHUNK):
        rows = Customer.objects.filter(pk__in=ids[start : start + IN_CHUNK])
        out.update((row[0], row) for row in rows.values_list(*CUSTOMER_FIELDS))
    return out


def rates_table() -> tuple[latefees.RatePoint, ...]:
    """The shipped ECB rates, with those added since by `solde rates set` taking over."""
    points = {p.start: p for p in latefees.ECB_MRO_RATES}
    for start, rate in PolicyRate.objects.values_list("start", "rate"):
        points[start] = latefees.RatePoint(start, rate)
    return tuple(sorted(points.values(), key=lambda p: p.start))


def _addresses(customer_ids) -> dict[int, list[str]]:
    """The contacts who receive invoices, by customer."""
    found = defaultdict(list)
    ids = sorted(customer_ids)
    for start in range(0, len(ids), IN_CHUNK):
        contacts = Contact.objects.filter(
            customer_id__in=ids[start : start + IN_CHUNK], receives_invoices=True
        ).order_by("id")
        for customer_id, email in contacts.values_list("customer_id", "email"):
            found[customer_id].append(email)
    return found


def _usable(addresses: list[str]) -> list[str]:
    """Each address once. They were checked when saved (customer and contact services);
    this only drops blanks and anything that cannot be an address at all."""
    clean = (a.strip() for a in addresses if a and a.strip())
    return [a for a in dict.fromkeys(clean) if "@" in a and not any(c.isspace() for c in a)]


def company_late_fee(company, *, due_date, today, outstanding, business, rates) -> latefees.LateFee:
    """core.latefees.late_fee with the company's terms: its contractual rate (else the
    legal one) and its recovery indemnity."""
    return latefees.late_fee(
        due_date=due_date,
        today=today,
        outstanding=outstanding,
        contractual_rate=company.late_penalty_rate,
        rates=rates,
        indemnity=company.recovery_indemnity,
        business=business,
    )


def _late_fees(company, plans: Plans, messages, details, customers, today) -> dict:
    """(invoice id, step id) → LateFee, for the steps that claim late fees."""
    wanted = [
        (planned.invoice_id, int(planned.step.key), message.customer_id)
        for message in messages
        for planned in message.items
        if plans.rows[int(planned.step.key)].with_late_fees and planned.days_overdue > 0
    ]
    if not wanted:
        return {}
    steps = outstanding_since_due({pk: details[pk] for pk, _, _ in wanted})
    rates = rates_table()
    fees = {}
    for invoice_id, step_id, customer_id in wanted:
        fees[invoice_id, step_id] = company_late_fee(
            company,
            due_date=details[invoice_id].due_date,
            today=today,
            outstanding=steps[invoice_id],
            business=customers[customer_id][5] == "company",
            rates=rates,
        )
    return fees


def compose_all(
    company: Company, plans: Plans, messages: list[Message], details: dict[int, Detail], today
) -> list[Composed]:
    if not messages:
        return []
    customer_ids = {m.customer_id for m in messages}
    customers = _customers(customer_ids)
    contacts = _addresses(customer_ids)
    fees = _late_fees(company, plans, messages, details, customers, today)
    out = []
    for message in messages:
        by_currency = defaultdict(list)
        for planned in message.items:
            detail = details[planned.invoice_id]
            fee = fees.get((planned.invoice_id, int(planned.step.key)))
            chased = texts.Chased(
                number=detail.number,
                issue_date=detail.issue_date,
                due_date=detail.due_date,
                balance=planned.balance,
                days_overdue=planned.days_overdue,
                interest=fee.interest if fee else ZERO,
                indemnity=fee.indemnity if fee else ZERO,
            )
            line = Line(planned.invoice_id, int(planned.step.key), chased)
            by_currency[detail.currency].append(line)
        customer = customers[message.customer_id]
        to = _usable(contacts.get(message.customer_id) or [customer[3]])
        for currency, lines in sorted(by_currency.items()):
            out.append(_composed(company, plans, message, customer, to, currency, lines))
    return out


def _composed(company, plans: Plans, message: Message, customer, to, currency, lines):
    step = plans.rows[int(message.step.key)]
    language, subject, body = texts.wording(step.texts, (customer[4] or "fr")[:2])
    filled = texts.values(
        company_name=company.name,
        customer_name=customer[2],
        iban=company.iban,
        chased=[line.chased for line in lines],
        currency=currency,
        language=language,
    )
    public_id = uuid.uuid4()
    return Composed(
        public_id=public_id,
        customer_id=message.customer_id,
        customer_code=customer[1],
        step_id=step.pk,
        step_name=step.name,
        channel=step.channel,
        currency=currency,
        language=language,
        to=to if step.channel != TASK else [],
        subject=texts.render(subject, filled),
        body=texts.render(body, filled),
        lines=lines,
        sources=_sources(step, public_id, customer, lines, message),
    )


def _sources(step, public_id, customer, lines, message) -> tuple[tuple[str, str, str], ...]:
    sources = []
    if step.channel == LETTER:
        sources.append(("mise-en-demeure.pdf", PDF, f"reminder-letter:{public_id}"))
    if step.attach_statement:
        sources.append(("releve.pdf", PDF, f"reminder-statement:{public_id}"))
    if step.attach_invoices:
        for line in lines:
            name = f"{line.chased.number}.pdf"
            sources.append((name, PDF, f"invoice-pdf:{line.invoice_id}"))
    return tuple(sources)


def write_all(company: Company, plans: Plans, composed: list[Composed], today: date) -> dict:
    """Write the reminders, their lines, their emails; tell the owners of new tasks."""
    counts = {"email": 0, "letter": 0, "task": 0, "by_hand": 0}
    mailed = [c for c in composed if c.channel != TASK and c.to]
    email_ids = customer_messages_queue(
        company=company,
        drafts=[
            Draft(
                customer_id=c.customer_id,
                language=c.language,
                to=c.to,
                subject=c.subject,
                body=c.body,
                sources=c.sources,
            )
            for c in mailed
        ],
    )
    email_of = {c.public_id: pk for c, pk in zip(mailed, email_ids, strict=True)}
    owner = _first_owner(company)
    rows = []
    for c in composed:
        email_id = email_of.get(c.public_id)
        if c.channel == TASK:
            counts["task"] += 1
        elif email_id is None:
            counts["by_hand"] += 1
        else:
            counts[c.channel] += 1
        rows.append(
            {
                "company_id": company.pk,
                "public_id": c.public_id,
                "customer_id": c.customer_id,
                "step_id": c.step_id,
                "run_date": today,
                "channel": c.channel,
                "language": c.language,
                "subject": c.subject,
                "body": c.body,
                "currency": c.currency,
                "total_due": c.total_due,
                "late_fees": c.late_fees,
                "email_id": email_id,
                "status": Reminder.QUEUED if email_id else Reminder.OPEN,
                "assignee_id": None if email_id else owner,
            }
        )
    ids = insert_rows(Reminder, rows, returning=True)
    insert_rows(
        ReminderLine,
        [
            {
                "reminder_id": pk,
                "invoice_id": line.invoice_id,
                "step_id": line.step_id,
                "balance": line.chased.balance,
                "days_overdue": line.chased.days_overdue,
                "interest": line.chased.interest,
                "indemnity": line.chased.indemnity,
            }
            for pk, c in zip(ids, composed, strict=True)
            for line in c.lines
        ],
    )
    _tell_owners(company, [c for c in composed if c.channel == TASK or c.public_id not in email_of])
    return counts


def _first_owner(company: Company) -> int | None:
    owners = owner_list(company_id=company.pk)
    return owners[0][0] if owners else None


def _tell_owners(company: Company, waiting: list[Composed]) -> None:
    """One notice per chunk listing what waits for a person: escalation tasks and
    reminders for customers without an email address."""
    to = [email for _, email in owner_list(company_id=company.pk)]
    if not waiting or not to:
        return
    body = "\n\n".join(f"{c.customer_code} — {c.subject}\n{c.body}" for c in waiting)
    company_notice_send(
        company=company,
        to=to,
        subject=f"Solde: {len(waiting)} reminder(s) or task(s) wait for a person",
        body=body,
    )
