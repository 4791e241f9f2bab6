"""Late fees as an invoice: what a reminder claimed (L441-10 interest and the D441-5
fixed recovery indemnity, frozen on its lines at the run) as a draft invoice to the
customer, which the user reviews and issues like any other.

In France these sums are damages, not the price of a supply: they are outside the
scope of VAT (CGI art. 256), EN 16931 category "O" ("not subject to VAT"), which
carries no rate and must be the only category of the invoice (BR-O-11..14). So the
late-fee invoice holds nothing else.

The same invoice is often chased by several steps that claim fees (the default plan:
the formal notice at J+30, then the escalation at J+45), each with the interest from
the due date to its own run and the indemnity. Invoicing both in full would claim
twice: the indemnity is owed once per late invoice, and the interest of the later
reminder includes the earlier one's. So a late-fee invoice claims, per chased invoice,
only what no other live late-fee invoice has claimed: the interest past the latest
invoiced amount (from the day after that reminder's run), the indemnity if none yet.
A late-fee invoice cancelled by a credit note, or a draft deleted, claims nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.numbers import format_decimal
from django.db import transaction
from django.utils.translation import gettext as _

from solde.audit.services import audit_record
from solde.core import latefees
from solde.core.errors import Conflict
from solde.core.money import ZERO
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.invoicing.services import invoice_create
from solde.reminders.compose import rates_table
from solde.reminders.models import Reminder, ReminderLine

CATEGORY = "O"  # EN 16931 / UNTDID 5305: not subject to VAT
EXEMPTION = "Hors champ d'application de la TVA — indemnités de retard (art. 256 CGI)"
ORIGIN = "latefee"
INTEREST = "Pénalités de retard sur la facture {number} du {start} au {end}, taux {rates}"
INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement (art. D441-5 du Code de commerce) "
    "— facture {number}"
)
NOTE = (
    "Pénalités de retard et indemnités forfaitaires pour frais de recouvrement "
    "(art. L441-10 du Code de commerce) réclamées par notre relance du {day}."
)


@dataclass(frozen=True)
class Claimed:
    """What live late-fee invoices of other reminders already claim for one invoice."""

    interest: Decimal = ZERO
    up_to: date | None = None  # the run date that interest runs to
    indemnity: bool = False


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def _percent(rate: Decimal) -> str:
    return f"{format_decimal(rate.normalize(), locale='fr_FR')} %"


def _rates(company, start: date, end: date) -> str:
    """The rate of [start, end]: the contract's, else the legal rate of each half-year
    (ECB + 10 points), as core.latefees counts it."""
    if company.late_penalty_rate is not None:
        return _percent(company.late_penalty_rate)
    table, found = rates_table(), []
    for year in range(start.year, end.year + 1):
        for month in (1, 7):
            first = date(year, month, 1)
            last = date(year, month + 5, 30 if month == 1 else 31)
            if first <= end and last >= start:
                rate = latefees.legal_rate(max(first, start), table)
                if rate not in found:
                    found.append(rate)
    return " puis ".join(_percent(rate) for rate in found)


def _claimed(reminder: Reminder, invoice_ids: list[int]) -> dict[int, Claimed]:
    rows = (
        ReminderLine.objects.filter(invoice_id__in=invoice_ids)
        .exclude(reminder=reminder)
        .filter(reminder__latefee_invoice__isnull=False)
        .exclude(reminder__latefee_invoice__status=Invoice.CANCELLED)
        .values_list("invoice_id", "interest", "indemnity", "reminder__run_date")
    )
    out: dict[int, Claimed] = {}
    for invoice_id, interest, indemnity, run_date in rows:
        seen = out.get(invoice_id, Claimed())
        later = interest > seen.interest
        out[invoice_id] = Claimed(
            interest=interest if later else seen.interest,
            up_to=run_date if later else seen.up_to,
            indemnity=seen.indemnity or indemnity > ZERO,
        )
    return out


def _line(description: str, amount: Decimal) -> dict:
    return {
        "description": description,
        "quantity": "1",
        "unit_price": amount,
        "vat_category": CATEGORY,
        "vat_rate": "0",
        "exemption_reason": EXEMPTION,
    }


def latefee_lines(reminder: Reminder) -> list[dict]:
    """The draft's lines: per chased invoice, the interest then the indemnity still to
    claim (see the module docstring); nothing for what is zero."""
    chased = list(reminder.lines.select_related("invoice").order_by("id"))
    claimed = _claimed(reminder, [line.invoice_id for line in chased])
    interests, indemnities = [], []
    for line in chased:
        invoice, before = line.invoice, claimed.get(line.invoice_id, Claimed())
        interest = line.interest - before.interest
        start = (before.up_to or invoice.due_date or reminder.run_date) + timedelta(days=1)
        if interest > ZERO and start <= reminder.run_date:
            text = INTEREST.format(
                number=invoice.number,
                start=_day(start),
                end=_day(reminder.run_date),
                rates=_rates(reminder.company, start, reminder.run_date),
            )
            interests.append(_line(text, interest))
        if line.indemnity > ZERO and not before.indemnity:
            indemnities.append(_line(INDEMNITY.format(number=invoice.number), line.indemnity))
    return interests + indemnities


def latefee_invoice_create(*, reminder: Reminder, actor) -> Invoice:
    """A draft invoice of the late fees `reminder` claimed, linked to it.

    Locks the customer row (so two reminders of one customer are invoiced one at a
    time and never claim the same fees twice), then the reminder. Conflict when the
    reminder already has a late-fee invoice, or leaves no fee to invoice.
    """
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=reminder.customer_id)
        locked = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("company", "customer", "latefee_invoice")
            .get(pk=reminder.pk)
        )
        if locked.latefee_invoice_id:
            raise Conflict(
                _("The late fees of this reminder are already invoiced (%(invoice)s).")
                % {"invoice": locked.latefee_invoice.number or _("draft")}
            )
        lines = latefee_lines(locked)
        if not lines:
            raise Conflict(_("This reminder claims no late fees left to invoice."))
        invoice = invoice_create(
            company=locked.company,
            customer=locked.customer,
            lines=lines,
            actor=actor,
            origin=ORIGIN,
            currency=locked.currency,
            notes=NOTE.format(day=_day(locked.run_date)),
        )
        locked.latefee_invoice = invoice
        locked.save(update_fields=["latefee_invoice"])
        audit_record(
            company=locked.company,
            actor=actor,
            action="reminder.latefee_invoice",
            obj=locked.customer,
            after={"run_date": locked.run_date, "invoice_total": invoice.total},
        )
    return invoice
