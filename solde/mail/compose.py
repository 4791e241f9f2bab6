"""What goes into a message: recipients, sender, language and placeholder values.

Reads only; the services decide and write.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email.headerregistry import Address
from email.utils import parseaddr

from babel.dates import format_date
from babel.numbers import format_currency
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from solde.companies.models import Company
from solde.core import clock
from solde.core.errors import ValidationError
from solde.core.money import ZERO
from solde.customers.models import Customer
from solde.invoicing.models import Invoice, Quote
from solde.mail import texts
from solde.payments.queries import customer_balance, invoice_balance

BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def language_of(requested: str | None, customer: Customer) -> str:
    """The language asked for, else the customer's, else the site's, else French."""
    if requested:
        code = requested[:2].lower()
        if code not in texts.LANGUAGES:
            raise ValidationError(f"No email wording in {requested!r}.", field="language")
        return code
    for candidate in (customer.language, settings.LANGUAGE_CODE):
        code = (candidate or "")[:2].lower()
        if code in texts.LANGUAGES:
            return code
    return "fr"


def recipients(customer: Customer, to: list[str] | str | None) -> list[str]:
    """The addresses given, else the contacts who receive invoices, else the customer's
    own address; each checked, duplicates dropped."""
    if to is None:
        contacts = customer.contacts.filter(receives_invoices=True).order_by("id")
        to = [contact.email for contact in contacts] or [customer.email]
    elif isinstance(to, str):
        to = [to]
    clean = list(dict.fromkeys(address.strip() for address in to if address and address.strip()))
    if not clean:
        raise ValidationError(
            f"{customer.name} has no email address: add a contact or give one.", field="to"
        )
    for address in clean:
        try:
            validate_email(address)
        except DjangoValidationError:
            raise ValidationError(f"{address!r} is not an email address.", field="to") from None
    return clean


def sender(company: Company) -> tuple[str, list[str]]:
    """From: the company's name on the platform's address (SOLDE_EMAIL_FROM), so SPF and
    DKIM hold; replies go to the company's own address."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    display = company.email_sender_name or company.name
    from_email = str(Address(display_name=display, addr_spec=address))
    reply_to = company.email_reply_to or company.email
    return from_email, [reply_to] if reply_to else []


def message_domain(from_email: str) -> str:
    return parseaddr(from_email)[1].rpartition("@")[2] or "solde.invalid"


def message_id(public_id, from_email: str, domain: str | None = None) -> str:
    """Derived from the row's UUID: the same on every attempt, unique across databases.
    A batch passes the sender's `domain` (message_domain), read once."""
    return f"<{public_id}@{domain or message_domain(from_email)}>"


def money(amount: Decimal, currency: str, language: str) -> str:
    return format_currency(amount, currency, locale=BABEL_LOCALES[language])


def day(value: date | None, language: str) -> str:
    return format_date(value, format="long", locale=BABEL_LOCALES[language]) if value else ""


# The placeholders each kind of email fills: the keys of the *_values functions below
# (a test holds them to this table). The settings page lists them and
# services.email_template_clean refuses any other name in a company's wording.
_DOCUMENT = ("number", "company", "customer", "total", "total_excl_tax", "issue_date", "currency")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "invoice": (*_DOCUMENT, "due_date", "balance"),
    "credit_note": (*_DOCUMENT, "due_date", "balance"),
    "quote": (*_DOCUMENT, "valid_until"),
    "statement": ("company", "customer", "period", "balance", "currency"),
    "renewal": ("company", "customer", "name", "date", "total", "total_excl_tax", "currency"),
}


def _document_values(document: Invoice | Quote, language: str) -> dict[str, str]:
    seller = getattr(document, "seller_snapshot", None) or {}
    buyer = getattr(document, "buyer_snapshot", None) or {}
    return {
        "number": document.number,
        "company": seller.get("name") or document.company.name,
        "customer": buyer.get("name") or document.customer.name,
        "total": money(document.total, document.currency, language),
        "total_excl_tax": money(document.total_excl_tax, document.currency, language),
        "issue_date": day(document.issue_date, language),
        "currency": document.currency,
    }


def invoice_values(invoice: Invoice, language: str) -> dict[str, str]:
    balance = invoice_balance(invoice, clock.today())
    return {
        **_document_values(invoice, language),
        "due_date": day(invoice.due_date, language),
        "balance": money(balance, invoice.currency, language),
    }


def quote_values(quote: Quote, language: str) -> dict[str, str]:
    return {**_document_values(quote, language), "valid_until": day(quote.valid_until, language)}


def statement_values(customer: Customer, period_label: str, language: str) -> dict[str, str]:
    company = customer.company
    balances = customer_balance(company, customer.pk, clock.today())
    amounts = [money(row.balance, currency, language) for currency, row in balances.items()]
    return {
        "company": company.name,
        "customer": customer.name,
        "period": period_label,
        "balance": ", ".join(amounts) or money(ZERO, company.currency, language),
        "currency": company.currency,
    }


def renewal_values(template, renews_on: date, language: str) -> dict[str, str]:
    """A recurring invoice (solde.recurring.models.RecurringInvoice) that renews on
    `renews_on`, for its current total."""
    return {
        "company": template.company.name,
        "customer": template.customer.name,
        "name": template.name,
        "date": day(renews_on, language),
        "total": money(template.total, template.currency, language),
        "total_excl_tax": money(template.total_excl_tax, template.currency, language),
        "currency": template.currency,
    }
