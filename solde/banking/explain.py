"""The matcher's proposals for a line, as a person reads them: customers and invoices by
name and number, each reason as a translated sentence with the points it gave."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.web.templatetags.solde import money

# One sentence per reason code of solde.core.matching (see its docs.md); {placeholders}
# are the reason's params.
REASONS = {
    "reference": _("The text names invoice {number} ({found})."),
    "reference_fuzzy": _("The text names invoice {number}, written differently ({found})."),
    "reference_seq": _(
        "The text holds {found}, the sequence of invoice {number}, without its year."
    ),
    "amount_exact": _("The amount equals the balance of invoice {number}."),
    "amount_sum": _("The amount equals the balances of {count} invoices ({how})."),
    "amount_partial": _("The amount pays part of what is owed ({paid} of {owed})."),
    "amount_fee": _("The amount is {gap} short of what is owed, within the tolerance (bank fees)."),
    "amount_discount": _("The amount is what is owed less the {percent} early-payment discount."),
    "amount_excess": _("The amount is {excess} more than what is owed: kept as customer credit."),
    "iban": _("The payer's account {iban} is known for this customer."),
    "name": _("The payer's name “{found}” matches the customer “{customer}” ({similarity})."),
    "alias": _("The payer's name “{found}” was learned as this customer's."),
    "code": _("The text holds the customer code {code}."),
    "habit": _("The text holds {token}, which this customer writes on its transfers."),
    "date": _("Paid {days} days from the due date."),
    "ambiguous": _("Another proposal is as likely ({other}): a person must choose."),
    "not_customer": _("This payer ({payer}) is known never to pay invoices."),
}


# Parameters that are percentages: the sign is added here, so that no "%" stands in the
# sentences (gettext would read it as a printf directive).
PERCENTS = {"similarity", "percent"}
# Parameters that are amounts, shown as the user's locale writes money.
AMOUNTS = {"paid", "owed", "gap", "excess"}


class _Missing(dict):
    """A value the reason did not give reads as an ellipsis, never as "{name}"."""

    def __missing__(self, key: str) -> str:
        return "…"


def _shown(key: str, value: str, currency: str) -> str:
    if key in PERCENTS:
        return f"{value}\u202f%"
    if key in AMOUNTS:
        try:
            return money(Decimal(value), currency)
        except (ArithmeticError, ValueError):
            return value
    return value


def reason_text(code: str, params: dict, currency: str = "EUR") -> str:
    template = REASONS.get(code)
    if template is None:
        return code.replace("_", " ")
    values = {key: _shown(key, value, currency) for key, value in params.items()}
    return str(template).format_map(_Missing(values))


def proposals_for(company, lines) -> dict[int, list[dict]]:
    """Each line's proposals as a person reads them, in two queries for all the lines."""
    docs = {line.pk: line.proposals or [] for line in lines}
    invoice_ids, customer_ids = set(), set()
    for proposals in docs.values():
        for doc in proposals:
            invoice_ids.update(pk for pk, _ in (*doc["allocations"], *doc.get("write_off", [])))
            customer_ids.add(doc["customer"])
    invoices = Invoice.objects.for_company(company).in_bulk(invoice_ids)
    customers = Customer.objects.for_company(company).in_bulk(customer_ids - {None})
    return {
        line.pk: [
            _view(index, doc, invoices, customers, line.currency)
            for index, doc in enumerate(docs[line.pk])
        ]
        for line in lines
    }


def proposals_view(company, line) -> list[dict]:
    return proposals_for(company, [line])[line.pk]


def _view(index: int, doc: dict, invoices, customers, currency: str) -> dict:
    def pairs(rows):
        return [(invoices[pk], Decimal(amount)) for pk, amount in rows if pk in invoices]

    return {
        "index": index,
        "customer": customers.get(doc["customer"]),
        "allocations": pairs(doc["allocations"]),
        "write_off": pairs(doc.get("write_off", [])),
        "excess": Decimal(doc.get("excess", "0")),
        "score": doc["score"],
        "reasons": [
            (reason_text(r["code"], r.get("params", {}), currency), r["points"])
            for r in doc["reasons"]
        ],
    }
