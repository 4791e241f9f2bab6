"""A step's wording as one customer would read it today: the step's subject and body
filled with that customer's open invoices (and late fees, when the step claims them).

Reads only; what the run would really send also depends on the plan, holds and steps
already sent (see queries.planned_list), which a preview of a wording leaves aside.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from solde.companies.models import Company
from solde.customers.models import Customer
from solde.invoicing.queries import invoice_list, invoice_open_list
from solde.reminders import texts
from solde.reminders.compose import company_late_fee, rates_table
from solde.reminders.planning import Detail, outstanding_since_due

CUSTOMERS_LIMIT = 500


@dataclass(frozen=True)
class Preview:
    customer: Customer
    currency: str
    language: str
    subject: str
    body: str
    numbers: tuple[str, ...]


def preview_customers(*, company: Company) -> QuerySet[Customer]:
    """Customers who owe something: those a preview can be drawn for."""
    owing = invoice_list(company=company, status="unpaid").exclude(kind="credit_note")
    rows = Customer.objects.for_company(company).filter(pk__in=owing.values("customer_id"))
    return rows.order_by("name", "id")[:CUSTOMERS_LIMIT]


def _chased(company: Company, customer: Customer, invoices, with_fees: bool, today: date):
    fees = {}
    if with_fees:
        late = [i for i in invoices if i.due_date and i.due_date < today]
        details = {
            i.pk: Detail(i.number, i.issue_date, i.due_date, i.balance, i.currency) for i in late
        }
        outstanding, rates = outstanding_since_due(details), rates_table()
        for invoice in late:
            fees[invoice.pk] = company_late_fee(
                company,
                due_date=invoice.due_date,
                today=today,
                outstanding=outstanding[invoice.pk],
                business=customer.kind == "company",
                rates=rates,
            )
    for invoice in invoices:
        fee = fees.get(invoice.pk)
        yield texts.Chased(
            number=invoice.number,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            balance=invoice.balance,
            days_overdue=(today - invoice.due_date).days,
            **({"interest": fee.interest, "indemnity": fee.indemnity} if fee else {}),
        )


def step_preview(
    *,
    company: Company,
    customer: Customer,
    wording: dict,
    with_late_fees: bool,
    today: date,
    language: str | None = None,
) -> list[Preview]:
    """One preview per currency the customer owes in (a reminder never adds two), in
    the customer's language unless `language` is given."""
    invoices = [i for i in invoice_open_list(company=company, customer=customer) if i.due_date]
    by_currency = defaultdict(list)
    for invoice in invoices:
        by_currency[invoice.currency].append(invoice)
    out = []
    for currency, group in sorted(by_currency.items()):
        chased = list(_chased(company, customer, group, with_late_fees, today))
        used, subject, body = texts.wording(wording, language or (customer.language or "fr")[:2])
        filled = texts.values(
            company_name=company.name,
            customer_name=customer.name,
            iban=company.iban,
            chased=chased,
            currency=currency,
            language=used,
        )
        out.append(
            Preview(
                customer=customer,
                currency=currency,
                language=used,
                subject=texts.render(subject, filled),
                body=texts.render(body, filled),
                numbers=tuple(c.number for c in chased),
            )
        )
    return out
