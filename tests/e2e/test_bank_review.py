"""Reconciling in the browser: upload a statement, see what was matched, work through the
review queue with the keyboard."""

from __future__ import annotations

import re
from datetime import date

import pytest

from solde.banking.models import BankLine
from tests.banking.statements import camt, credit
from tests.builders import line, make_customer, make_invoice
from tests.e2e.test_daily_work import sign_in, text_of

pytestmark = pytest.mark.django_db(transaction=True)
DAY = date(2026, 11, 20)


def test_reconciling_a_statement(page, live_server, seller, shoot, tmp_path):
    dupont = make_customer(seller, "DUPONT", name="Dupont Éclairage SARL")
    martin = make_customer(seller, "MARTIN", name="Martin et Fils")
    paid = make_invoice(seller, dupont, lines=[line(price="1000")])
    make_invoice(seller, dupont, lines=[line(price="400")])
    make_invoice(seller, martin, lines=[line(price="250")])
    statement = tmp_path / "releve-novembre.xml"
    statement.write_bytes(
        camt(
            [
                credit(
                    "1200.00",
                    f"VIR SEPA DUPONT ECLAIRAGE {paid.number}",
                    name="DUPONT ECLAIRAGE",
                    ref="B1",
                    day=DAY,
                ),
                credit("200.00", "VIREMENT", name="DUPONT ECLAIRAGE", ref="B2", day=DAY),
                credit("300.00", "REGLEMENT", name="MARTIN ET FILS", ref="B3", day=DAY),
                credit("-84.12", "PRLV EDF", name="EDF", ref="B4", day=DAY),
            ]
        )
    )
    sign_in(page, live_server)
    page.get_by_role("link", name="Banque").click()
    page.get_by_role("button", name="Importer un relevé").click()
    page.get_by_label("Fichier de relevé").set_input_files(str(statement))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url(re.compile(r"/bank/$"))
    assert "2 rapprochées automatiquement, 1 à vérifier" in text_of(page.locator("body"))
    queue = page.locator("table[data-keys=queue] tbody tr")
    assert queue.count() == 1  # the automatic matches and the debit are not in the queue
    shoot("bank-queue")

    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/bank/lines/"))
    assert "Candidats" in text_of(page.locator("main"))
    shoot("bank-line")
    with page.expect_navigation():
        page.keyboard.press("1")
    assert "Rapprochement confirmé" in text_of(page.locator("body"))
    confirmed = BankLine.objects.filter(company=seller, how="confirmed")
    assert confirmed.count() == 1

    page.goto(f"{live_server.url}/c/{seller.slug}/bank/?view=matched")
    assert page.locator("table[data-keys=queue] tbody tr").count() == 3
