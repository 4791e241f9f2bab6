"""The weekly digest of a week computed by hand (amounts at 0 % VAT)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from solde.core import clock
from solde.mail.models import DIGEST, OutboundEmail
from solde.mail.services import outbox_deliver
from solde.payments.services import payment_cancel, payment_record
from solde.reminders.run import reminders_run
from solde.reminders.services import (
    dispute_open,
    holds_settle,
    plan_default_ensure,
    promise_record,
)
from solde.reports.digest import Group, Item, digest_build, digest_figures
from solde.reports.digest_email import digest_email
from solde.reports.models import DigestSent
from solde.reports.services import digest_send
from tests import builders

pytestmark = pytest.mark.django_db

START, AS_OF = date(2026, 11, 9), date(2026, 11, 15)  # Monday to Sunday
# 2 per group (count and total, the largest few) × 6, and the KPIs at two dates (3 each).
QUERIES = 12 + 2 * 12  # and kpis at the week's eve and end


def D(text: str) -> Decimal:  # noqa: N802 - reads as a literal
    return Decimal(text)


def day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def week(db):
    """A seller's weeks, acted out day by day (see each step's comment)."""
    company = builders.make_seller("hebdo", name="Hebdo SAS")
    builders.make_user(company, "owner", email="patron@hebdo.test")
    plan_default_ensure(company=company)
    people = {}
    for code, name, email in (
        ("ROUX", "Roux SARL", "compta@roux.test"),
        ("LEGRAND", "Legrand SA", "compta@legrand.test"),
        ("MARTIN", "Martin EURL", ""),
        ("ALPHA", "Alpha SA", "compta@alpha.test"),
        ("BETA", "Beta SARL", "compta@beta.test"),
        ("GAMMA", "Gamma SAS", "compta@gamma.test"),
    ):
        people[code] = builders.make_customer(company, code, name=name, email=email)
    inv = {}
    with clock.frozen(day("2026-11-01")):
        for key, code, price, issued, due, currency in (
            ("R1", "ROUX", "1000", "2026-08-26", "2026-09-25", "EUR"),
            ("L1", "LEGRAND", "600", "2026-09-10", "2026-10-10", "EUR"),
            ("G1", "GAMMA", "200", "2026-10-01", "2026-11-09", "EUR"),
            ("A1", "ALPHA", "1000", "2026-10-01", "2026-11-10", "EUR"),
            ("B1", "BETA", "500", "2026-10-02", "2026-11-07", "EUR"),
            ("G2", "GAMMA", "700", "2026-10-03", "2026-11-12", "EUR"),
            ("A2", "ALPHA", "300", "2026-10-05", "2026-11-14", "EUR"),
            ("M1", "MARTIN", "250", "2026-10-06", "2026-11-05", "EUR"),
            ("B2", "BETA", "800", "2026-10-10", "2026-11-15", "EUR"),
            ("U1", "GAMMA", "999", "2026-10-12", "2026-11-11", "USD"),
        ):
            inv[key] = builders.make_invoice(
                company,
                people[code],
                lines=[builders.line(price, rate="0")],
                issue_date=day(issued),
                due_date=day(due),
                currency=currency,
            )
    with clock.frozen(day("2026-11-02")):
        promise_record(
            customer=people["GAMMA"], invoices=[inv["G2"]], promised_date=day("2026-11-10")
        )
        promise_record(
            customer=people["BETA"], invoices=[inv["B2"]], promised_date=day("2026-11-15")
        )
    with clock.frozen(day("2026-11-06")):
        reminders_run(company=company, today=day("2026-11-06"))

    def pay(on, amount, **kw):
        with clock.frozen(day(on)):
            return payment_record(company=company, amount=amount, date=day(on), **kw)

    pay("2026-11-08", "100", invoices=[inv["B1"]])
    bounced = pay("2026-11-10", "50", customer=people["BETA"])
    with clock.frozen(day("2026-11-10")):
        dispute_open(invoice=inv["B1"], reason="Livraison incomplète")
    pay("2026-11-11", "200", invoices=[inv["G1"]])
    with clock.frozen(day("2026-11-11")):
        holds_settle(company=company, today=day("2026-11-11"))
    pay("2026-11-12", "400", invoices=[inv["A1"]])
    with clock.frozen(day("2026-11-12")):
        reminders_run(company=company, today=day("2026-11-12"))
    pay("2026-11-13", "150", customer=people["ALPHA"])  # unallocated: credit
    with clock.frozen(day("2026-11-14")):
        payment_cancel(payment=bounced, reason="Rejeté")
    with clock.frozen(day("2026-11-16")):
        holds_settle(company=company, today=day("2026-11-16"))
        dispute_open(invoice=inv["B2"], reason="Prix")
    pay("2026-11-17", "700", invoices=[inv["G2"]])
    return company, people, inv


def item(customer, amount, on, number=""):
    return Item(customer=customer, amount=D(amount), day=day(on), number=number)


def test_payments_received_in_the_week(week):
    company, _people, _inv = week
    digest = digest_build(company=company, as_of=AS_OF)
    assert (digest.start, digest.as_of, digest.currency) == (START, AS_OF, "EUR")
    # 400 (A1, 11-12) + 200 (G1, 11-11) + 150 (Alpha's credit, 11-13) = 750. Left out:
    # B1's 100 of Sunday 11-08 (the week before), the 50 cancelled on 11-14 and G2's
    # 700 of 11-17 (after as_of).
    assert digest.payments == Group(
        count=3,
        total=D("750.00"),
        largest=(
            item("Alpha SA", "400.00", "2026-11-12"),
            item("Gamma SAS", "200.00", "2026-11-11"),
            item("Alpha SA", "150.00", "2026-11-13"),
        ),
    )


def test_invoices_newly_overdue_in_the_week(week):
    company, _people, inv = week
    digest = digest_build(company=company, as_of=AS_OF)
    # First late day (due + 1) in 11-09 … 11-15, open at as_of: G2 700 (due 11-12, paid
    # only on 11-17), A1 1000 − 400 = 600 (due 11-10), A2 300 (due 11-14) = 1600.
    # Not: B1 (due 11-07, late from 11-08), B2 (due 11-15: not late yet), G1 (due 11-09
    # but paid on 11-11), U1 (USD).
    assert digest.newly_overdue == Group(
        count=3,
        total=D("1600.00"),
        largest=(
            item("Gamma SAS", "700.00", "2026-11-12", inv["G2"].number),
            item("Alpha SA", "600.00", "2026-11-10", inv["A1"].number),
            item("Alpha SA", "300.00", "2026-11-14", inv["A2"].number),
        ),
    )


def test_escalations_of_the_week(week):
    company, _people, inv = week
    digest = digest_build(company=company, as_of=AS_OF)
    # The run of Thursday 11-12: ROUX's J+45 task (48 days late) and MARTIN's reminder
    # to send by hand (no address) wait for a person: 1000 + 250; LEGRAND's J+30 formal
    # notice (33 days late): 600. The run of 11-06 (ROUX's letter, MARTIN's courtesy
    # notice) was the week before.
    assert digest.tasks == Group(
        count=2,
        total=D("1250.00"),
        largest=(
            item("Roux SARL", "1000.00", "2026-11-12"),
            item("Martin EURL", "250.00", "2026-11-12"),
        ),
    )
    assert digest.formal_notices == Group(
        count=1, total=D("600.00"), largest=(item("Legrand SA", "600.00", "2026-11-12"),)
    )
    # B1 disputed on 11-10, at its balance then: 500 − 100; B2's of 11-16 is after.
    assert digest.disputes == Group(
        count=1,
        total=D("400.00"),
        largest=(item("Beta SARL", "400.00", "2026-11-10", inv["B1"].number),),
    )
    # Gamma promised G2 for 11-10 and did not pay: broken on 11-11. Beta's promise of
    # 11-15 broke on 11-16, next week.
    assert digest.broken_promises == Group(
        count=1, total=D("700.00"), largest=(item("Gamma SAS", "700.00", "2026-11-10"),)
    )
    assert digest.escalations == 2 + 1 + 1 + 1


def test_receivables_overdue_and_the_dso_change(week):
    company, _people, _inv = week
    digest = digest_build(company=company, as_of=AS_OF)
    # Open at 11-15 (EUR): R1 1000, L1 600, A1 600, B1 400, G2 700, A2 300, M1 250,
    # B2 800 = 4650, of which all but B2 (due 11-15) is overdue: 3850.
    assert (digest.receivables, digest.overdue) == (D("4650.00"), D("3850.00"))
    # Invoiced over the 90 days to either date: every EUR invoice, 5350.
    # DSO at 11-15: 4650 / 5350 × 90 = 78.22 → 78.2; at 11-08, with only B1's 100
    # paid: 5250 / 5350 × 90 = 88.32 → 88.3; change −10.1.
    assert (digest.dso, digest.dso_before, digest.dso_change) == (
        D("78.2"),
        D("88.3"),
        D("-10.1"),
    )


def test_a_payment_recorded_after_the_week_changes_nothing_in_it(week):
    company, people, _inv = week
    before = digest_build(company=company, as_of=AS_OF)
    payment_record(company=company, amount="1000", date=date(2026, 11, 20), customer=people["ROUX"])
    assert digest_build(company=company, as_of=AS_OF) == before
    # …but the week ending today counts it.
    assert digest_build(company=company, as_of=date(2026, 11, 20)).payments.total == D("1700.00")


def test_the_figures_as_a_json_document(week):
    company, _people, inv = week
    figures = digest_figures(digest_build(company=company, as_of=AS_OF))
    assert figures["start"] == "2026-11-09" and figures["as_of"] == "2026-11-15"
    assert figures["payments"]["total"] == "750.00"
    assert figures["newly_overdue"]["largest"][0] == {
        "customer": "Gamma SAS",
        "number": inv["G2"].number,
        "amount": "700.00",
        "date": "2026-11-12",
    }
    assert figures["escalations"]["tasks"]["count"] == 2
    assert figures["escalations"]["broken_promises"]["total"] == "700.00"
    assert (figures["receivables"], figures["overdue"]) == ("4650.00", "3850.00")
    assert (figures["dso"], figures["dso_before"], figures["dso_change"]) == (
        "78.2",
        "88.3",
        "-10.1",
    )


def test_an_empty_week_of_a_new_company(company):
    digest = digest_build(company=company, as_of=AS_OF)
    empty = Group(count=0, total=D("0.00"), largest=())
    assert digest.payments == digest.newly_overdue == digest.tasks == empty
    assert (digest.receivables, digest.dso, digest.dso_change) == (D("0.00"), None, None)
    assert digest.escalations == 0


def queries_of(company) -> int:
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    # Counted by a wrapper: the KPIs' month grouping (strftime '%Y-%m' on SQLite) trips
    # the SQL logging that django_assert_max_num_queries relies on.
    with connection.execute_wrapper(count):
        digest_build(company=company, as_of=AS_OF)
    return len(seen)


def test_a_fixed_number_of_queries_whatever_the_rows(week, other_company):
    company, _people, _inv = week
    assert queries_of(company) == queries_of(other_company) <= QUERIES


# -- the email --------------------------------------------------------------------------


def plain(text: str) -> str:
    """Babel's no-break spaces (before €, between thousands) as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ").replace("\u2009", " ")


FRENCH = """Bonjour,

Les créances de Hebdo SAS, semaine du 9–15 nov. 2026.

Paiements reçus : 3, soit 750,00 €
  - Alpha SA : 400,00 € le 12 novembre 2026
  - Gamma SAS : 200,00 € le 11 novembre 2026
  - Alpha SA : 150,00 € le 13 novembre 2026

Factures passées en retard : 3, soit 1 600,00 €
  - {G2}, Gamma SAS : 700,00 €, échue le 12 novembre 2026
  - {A1}, Alpha SA : 600,00 €, échue le 10 novembre 2026
  - {A2}, Alpha SA : 300,00 €, échue le 14 novembre 2026

Escalades : 5
Tâches et relances en attente d’une personne : 2, soit 1 250,00 €
  - Roux SARL : 1 000,00 € le 12 novembre 2026
  - Martin EURL : 250,00 € le 12 novembre 2026
Mises en demeure envoyées : 1, soit 600,00 €
  - Legrand SA : 600,00 € le 12 novembre 2026
Litiges ouverts : 1, soit 400,00 €
  - {B1}, Beta SARL : 400,00 €, contestée le 10 novembre 2026
Promesses non tenues : 1, soit 700,00 €
  - Gamma SAS : 700,00 € promis pour le 10 novembre 2026

Encours au 15 novembre 2026 : 4 650,00 €, dont 3 850,00 € en retard.
DSO : 78,2 jours (88,3 une semaine plus tôt, -10,1).

Ouvrir le tableau de bord : https://solde.example/c/hebdo/

"""
SIGNATURE = (
    "-- \n"  # the signature separator, its space included
    "Vous recevez ce point en tant que propriétaire de Hebdo SAS ; "
    "désactivez-le dans les paramètres de l’entreprise.\n"
)


def test_the_email_in_french(week, settings):
    settings.BASE_URL = "https://solde.example/"
    company, _people, inv = week
    subject, body = digest_email(digest_build(company=company, as_of=AS_OF), "fr")
    assert plain(subject) == "Hebdo SAS : point hebdomadaire, 9–15 nov. 2026"
    numbers = {key: invoice.number for key, invoice in inv.items()}
    assert plain(body) == FRENCH.format(**numbers) + SIGNATURE


def test_the_email_in_english_and_an_undefined_dso(company, settings):
    settings.BASE_URL = "https://solde.example"
    subject, body = digest_email(digest_build(company=company, as_of=AS_OF), "en")
    assert plain(subject) == "ACME SAS: weekly digest, 9 – 15 Nov 2026"
    assert "Payments received: 0, €0.00\n\nInvoices newly overdue: 0, €0.00\n" in body
    assert "DSO: not defined (nothing invoiced over the period).\n" in body
    assert "Open the dashboard: https://solde.example/c/acme/\n" in body


# -- sending ----------------------------------------------------------------------------


def test_one_email_per_owner_queued_then_delivered(week, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    company, _people, _inv = week
    builders.make_user(company, "owner", email="associee@hebdo.test")
    builders.make_user(company, "accountant", email="compta@hebdo.test")  # not an owner
    record, queued = digest_send(company=company, week_end=AS_OF)
    assert queued and record.week_end == AS_OF
    assert record.recipients == ["associee@hebdo.test", "patron@hebdo.test"]
    assert record.figures["payments"]["total"] == "750.00"
    emails = OutboundEmail.objects.filter(company=company, kind=DIGEST).order_by("to")
    assert [email.to for email in emails] == [["associee@hebdo.test"], ["patron@hebdo.test"]]
    assert {email.language for email in emails} == {"fr"}
    assert {plain(email.subject) for email in emails} == {
        "Hebdo SAS : point hebdomadaire, 9–15 nov. 2026"
    }
    delivered = outbox_deliver(email_id=emails[0].pk)  # the outbox's own delivery
    assert delivered.status == OutboundEmail.SENT
    assert "Paiements re" in Path(delivered.eml_path).read_bytes().decode("utf-8", "replace")


def test_never_queued_twice_for_the_same_week(week):
    company, _people, _inv = week
    first, queued = digest_send(company=company, week_end=AS_OF)
    again, queued_again = digest_send(company=company, week_end=AS_OF)
    assert (queued, queued_again) == (True, False)
    assert again.pk == first.pk
    assert OutboundEmail.objects.filter(company=company, kind=DIGEST).count() == 1
    assert DigestSent.objects.filter(company=company).count() == 1


def test_a_company_without_owner_is_recorded_with_nobody_told(company):
    record, queued = digest_send(company=company, week_end=AS_OF)
    assert queued and record.recipients == []
    assert not OutboundEmail.objects.filter(company=company).exists()
