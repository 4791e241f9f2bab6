"""A day's work in the browser: sign in, a customer, an invoice issued and downloaded,
paid in two steps, corrected by a credit note, then the interface in English."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from solde.invoicing.models import Invoice
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def text_of(locator) -> str:
    return " ".join(locator.inner_text().replace("\u202f", " ").replace("\xa0", " ").split())


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("marie@atelier.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/c/atelier/$"))


def test_a_days_work(page, live_server, seller, shoot):
    sign_in(page, live_server)
    shoot("home")

    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("button", name="Nouveau client").click()
    page.get_by_role("textbox", name="Nom", exact=True).fill("Boulangerie Martin SARL")
    page.get_by_label("SIREN").fill("552100554")
    page.get_by_role("textbox", name="Ville", exact=True).fill("Grenoble")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Boulangerie Martin SARL").wait_for()
    shoot("customer")

    page.get_by_role("button", name="Nouvelle facture").first.click()
    page.get_by_label("Désignation").first.fill("Luminaire suspendu")
    page.get_by_label("Quantité").first.fill("2")
    page.get_by_label("Prix unitaire HT").first.fill("600")
    total = page.locator("[data-total=incl]")
    total.wait_for()
    page.wait_for_function(
        "document.querySelector('[data-total=incl]').textContent.includes('440,00')"
    )
    assert "1 440,00 €" in text_of(total)
    shoot("invoice-editor")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    page.get_by_role("button", name="Émettre").click()
    page.get_by_role("button", name="Confirmer et émettre").click()
    page.get_by_role("heading", name=re.compile("FA-2026-00001")).wait_for()
    invoice = Invoice.objects.get(company=seller, number="FA-2026-00001")

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le PDF").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    invoice.refresh_from_db()
    assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256

    page.get_by_role("textbox", name="Montant", exact=True).fill("500")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.locator("h1 .status-partially_paid").wait_for()
    assert "940,00 €" in text_of(page.locator("[data-amount=balance]"))
    shoot("invoice-partly-paid")
    page.get_by_role("button", name="Enregistrer le paiement").click()  # the rest, prefilled
    page.locator("h1 .status-paid").wait_for()

    page.get_by_role("button", name="Corriger par un avoir").click()
    page.get_by_role("button", name="Émettre").click()
    page.get_by_role("button", name="Confirmer et émettre").click()
    page.get_by_role("heading", name=re.compile("AV-2026-00001")).wait_for()
    assert "FA-2026-00001" in text_of(page.locator("main"))

    page.get_by_role("link", name="Factures", exact=True).click()
    shoot("invoices")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Invoices").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Customers", exact=True).click()
    shoot("customers")


def test_pages_fit_a_phone_and_are_keyboard_usable(page, live_server, seller):
    sign_in(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("", "customers/", "invoices/", "invoices/new", "payments/new"):
        page.goto(f"{live_server.url}/c/atelier/{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"/{path} is {overflow}px wider than a phone"
    page.goto(f"{live_server.url}/c/atelier/customers/new")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") in {
        "Aller au contenu",
        "Skip to content",
    }
