"""Writing an invoice as UN/CEFACT CII D16B, Factur-X profile EN 16931.

Pure: takes a frozen `Document` and returns XML bytes. Follows the French rules for the
reform: payment terms, late penalties, the €40 indemnity and discount terms also go in
coded notes (PMT, PMD, AAB); `currencyID` only on the tax total (rule CII-DT-031);
the seller's SIREN as legal registration (scheme 0002).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
PROFILE_EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"invoice": "380", "credit_note": "381", "deposit": "386"}
NO_RATE = {"O"}  # "not subject to VAT" carries no rate (BR-O-05)


@dataclass(frozen=True)
class Party:
    name: str
    siren: str = ""
    vat_number: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"
    email: str = ""


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Decimal
    vat_category: str
    vat_rate: Decimal


@dataclass(frozen=True)
class AllowanceCharge:
    is_charge: bool
    amount: Decimal
    reason: str
    vat_category: str
    vat_rate: Decimal


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    exemption_reason: str = ""


@dataclass(frozen=True)
class Document:
    number: str
    kind: str  # invoice | credit_note | deposit
    issue_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat: tuple[VatGroup, ...]
    line_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_inclusive: Decimal
    due_date: date | None = None
    delivery_date: date | None = None
    allowance_charges: tuple[AllowanceCharge, ...] = ()
    payment_terms: str = ""
    penalty_terms: str = ""  # PMD
    indemnity_terms: str = ""  # PMT
    discount_terms: str = ""  # AAB
    notes: tuple[str, ...] = ()
    iban: str = ""
    bic: str = ""
    buyer_reference: str = ""
    purchase_order: str = ""
    corrects: tuple[str, date] | None = None  # (number, issue date) of the invoice credited
    prepaid: Decimal = Decimal(0)
    ship_to: Party | None = None  # delivery address (BG-15), needed for intra-EU supplies


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


class _Builder:
    def __init__(self):
        self.root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    @staticmethod
    def add(parent, tag: str, text: str | None = None, **attrs):
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attrs)
        if text is not None:
            node.text = text
        return node

    def date_time(self, parent, tag: str, value: date) -> None:
        holder = self.add(parent, tag)
        self.add(holder, "udt:DateTimeString", _day(value), format="102")


def _party(b: _Builder, parent, tag: str, party: Party, *, seller: bool) -> None:
    node = b.add(parent, tag)
    b.add(node, "ram:Name", party.name)
    if party.siren:
        legal = b.add(node, "ram:SpecifiedLegalOrganization")
        b.add(legal, "ram:ID", party.siren, schemeID="0002")
    address = b.add(node, "ram:PostalTradeAddress")
    if party.postal_code:
        b.add(address, "ram:PostcodeCode", party.postal_code)
    if party.address:
        b.add(address, "ram:LineOne", party.address)
    if party.city:
        b.add(address, "ram:CityName", party.city)
    b.add(address, "ram:CountryID", party.country or "FR")
    if party.email:
        uri = b.add(node, "ram:URIUniversalCommunication")
        b.add(uri, "ram:URIID", party.email, schemeID="EM")
    if party.vat_number:
        registration = b.add(node, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", party.vat_number, schemeID="VA")
    elif seller and party.siren:
        registration = b.add(node, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", party.siren, schemeID="FC")


def _tax(b: _Builder, parent, category: str, rate: Decimal) -> None:
    b.add(parent, "ram:TypeCode", "VAT")
    b.add(parent, "ram:CategoryCode", category)
    if category not in NO_RATE:
        b.add(parent, "ram:RateApplicablePercent", _number(rate))


def _line(b: _Builder, parent, index: int, line: Line) -> None:
    item = b.add(parent, "ram:IncludedSupplyChainTradeLineItem")
    b.add(b.add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
    b.add(b.add(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
    agreement = b.add(item, "ram:SpecifiedLineTradeAgreement")
    price = b.add(agreement, "ram:NetPriceProductTradePrice")
    b.add(price, "ram:ChargeAmount", _number(line.unit_price))
    delivery = b.add(item, "ram:SpecifiedLineTradeDelivery")
    b.add(delivery, "ram:BilledQuantity", _number(line.quantity), unitCode=line.unit)
    settlement = b.add(item, "ram:SpecifiedLineTradeSettlement")
    _tax(b, b.add(settlement, "ram:ApplicableTradeTax"), line.vat_category, line.vat_rate)
    # A line discount is a line allowance: net = quantity × price − allowance (BR-CO-?).
    gross = (line.quantity * line.unit_price).quantize(Decimal("0.01"))
    allowance = gross - line.net_amount
    if allowance:
        node = b.add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        b.add(
            b.add(node, "ram:ChargeIndicator"),
            "udt:Indicator",
            "true" if allowance < 0 else "false",
        )
        b.add(node, "ram:ActualAmount", _amount(abs(allowance)))
        b.add(node, "ram:Reason", "Remise" if allowance > 0 else "Majoration")
    total = b.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    b.add(total, "ram:LineTotalAmount", _amount(line.net_amount))


def _notes(doc: Document) -> list[tuple[str, str]]:
    notes = [(text, "") for text in doc.notes if text]
    for text, code in (
        (doc.indemnity_terms, "PMT"),
        (doc.penalty_terms, "PMD"),
        (doc.discount_terms, "AAB"),
    ):
        if text:
            notes.append((text, code))
    return notes


def _settlement(b: _Builder, parent, doc: Document) -> None:
    settlement = b.add(parent, "ram:ApplicableHeaderTradeSettlement")
    b.add(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    if doc.iban:
        means = b.add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        b.add(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = b.add(means, "ram:PayeePartyCreditorFinancialAccount")
        b.add(account, "ram:IBANID", doc.iban)
        if doc.bic:
            bank = b.add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            b.add(bank, "ram:BICID", doc.bic)
    for group in doc.vat:
        tax = b.add(settlement, "ram:ApplicableTradeTax")
        b.add(tax, "ram:CalculatedAmount", _amount(group.tax))
        b.add(tax, "ram:TypeCode", "VAT")
        if group.exemption_reason:
            b.add(tax, "ram:ExemptionReason", group.exemption_reason)
        b.add(tax, "ram:BasisAmount", _amount(group.taxable))
        b.add(tax, "ram:CategoryCode", group.category)
        if group.category not in NO_RATE:
            b.add(tax, "ram:RateApplicablePercent", _number(group.rate))
    for row in doc.allowance_charges:
        node = b.add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        b.add(
            b.add(node, "ram:ChargeIndicator"),
            "udt:Indicator",
            "true" if row.is_charge else "false",
        )
        b.add(node, "ram:ActualAmount", _amount(row.amount))
        b.add(node, "ram:Reason", row.reason or ("Frais" if row.is_charge else "Remise"))
        _tax(b, b.add(node, "ram:CategoryTradeTax"), row.vat_category, row.vat_rate)
    if doc.payment_terms or doc.due_date:
        terms = b.add(settlement, "ram:SpecifiedTradePaymentTerms")
        if doc.payment_terms:
            b.add(terms, "ram:Description", doc.payment_terms)
        if doc.due_date:
            b.date_time(terms, "ram:DueDateDateTime", doc.due_date)
    total = b.add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.add(total, "ram:LineTotalAmount", _amount(doc.line_total))
    b.add(total, "ram:ChargeTotalAmount", _amount(doc.charge_total))
    b.add(total, "ram:AllowanceTotalAmount", _amount(doc.allowance_total))
    b.add(total, "ram:TaxBasisTotalAmount", _amount(doc.tax_exclusive))
    b.add(total, "ram:TaxTotalAmount", _amount(doc.tax_total), currencyID=doc.currency)
    b.add(total, "ram:GrandTotalAmount", _amount(doc.tax_inclusive))
    b.add(total, "ram:TotalPrepaidAmount", _amount(doc.prepaid))
    b.add(total, "ram:DuePayableAmount", _amount(doc.tax_inclusive - doc.prepaid))
    if doc.corrects:
        number, issued = doc.corrects
        reference = b.add(settlement, "ram:InvoiceReferencedDocument")
        b.add(reference, "ram:IssuerAssignedID", number)
        holder = b.add(reference, "ram:FormattedIssueDateTime")
        b.add(holder, "qdt:DateTimeString", _day(issued), format="102")


def write_cii(doc: Document) -> bytes:
    b = _Builder()
    context = b.add(b.root, "rsm:ExchangedDocumentContext")
    guideline = b.add(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    b.add(guideline, "ram:ID", PROFILE_EN16931)
    header = b.add(b.root, "rsm:ExchangedDocument")
    b.add(header, "ram:ID", doc.number)
    b.add(header, "ram:TypeCode", TYPE_CODES[doc.kind])
    b.date_time(header, "ram:IssueDateTime", doc.issue_date)
    for text, code in _notes(doc):
        note = b.add(header, "ram:IncludedNote")
        b.add(note, "ram:Content", text)
        if code:
            b.add(note, "ram:SubjectCode", code)
    transaction = b.add(b.root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(doc.lines, 1):
        _line(b, transaction, index, line)
    agreement = b.add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.buyer_reference:
        b.add(agreement, "ram:BuyerReference", doc.buyer_reference)
    _party(b, agreement, "ram:SellerTradeParty", doc.seller, seller=True)
    _party(b, agreement, "ram:BuyerTradeParty", doc.buyer, seller=False)
    if doc.purchase_order:
        order = b.add(agreement, "ram:BuyerOrderReferencedDocument")
        b.add(order, "ram:IssuerAssignedID", doc.purchase_order)
    delivery = b.add(transaction, "ram:ApplicableHeaderTradeDelivery")
    if doc.ship_to:
        ship_to = b.add(delivery, "ram:ShipToTradeParty")
        b.add(ship_to, "ram:Name", doc.ship_to.name)
        address = b.add(ship_to, "ram:PostalTradeAddress")
        if doc.ship_to.postal_code:
            b.add(address, "ram:PostcodeCode", doc.ship_to.postal_code)
        if doc.ship_to.address:
            b.add(address, "ram:LineOne", doc.ship_to.address)
        if doc.ship_to.city:
            b.add(address, "ram:CityName", doc.ship_to.city)
        b.add(address, "ram:CountryID", doc.ship_to.country or "FR")
    if doc.delivery_date:
        event = b.add(delivery, "ram:ActualDeliverySupplyChainEvent")
        b.date_time(event, "ram:OccurrenceDateTime", doc.delivery_date)
    _settlement(b, transaction, doc)
    return etree.tostring(b.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
