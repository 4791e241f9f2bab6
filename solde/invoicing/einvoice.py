"""An issued invoice as an EN 16931 e-invoice (Factur-X CII), from what was frozen at issue."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from solde.core.errors import Conflict
from solde.core.money import ZERO
from solde.formats import cii
from solde.invoicing.models import Invoice

INDEMNITY = (
    "En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement "
    "de {amount} € (art. L441-10 et D441-5 du Code de commerce)."
)
PENALTY_DEFAULT = (
    "Pénalités de retard : taux d'intérêt appliqué par la BCE à son opération "
    "de refinancement la plus récente majoré de 10 points."
)
PENALTY_RATE = "Pénalités de retard : {rate} % l'an à compter du lendemain de l'échéance."
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."


def late_payment_terms(company) -> dict[str, str]:
    """The company's penalty, recovery-indemnity and early-payment discount wording, as
    invoices print and embed it (quotes show the same terms)."""
    rate, penalty = company.late_penalty_rate, PENALTY_DEFAULT
    if rate is not None:  # "12,5", not the stored "12.500"
        penalty = PENALTY_RATE.format(rate=format_decimal(rate.normalize(), locale="fr_FR"))
    return {
        "penalty_terms": penalty,
        "indemnity_terms": INDEMNITY.format(amount=f"{company.recovery_indemnity.normalize():f}"),
        "discount_terms": company.early_payment_discount or NO_DISCOUNT,
    }


def _party(snapshot: dict) -> cii.Party:
    return cii.Party(
        name=snapshot.get("name", ""),
        siren=snapshot.get("siren", ""),
        vat_number=snapshot.get("vat_number", ""),
        address=snapshot.get("address", ""),
        postal_code=snapshot.get("postal_code", ""),
        city=snapshot.get("city", ""),
        country=snapshot.get("country", "FR"),
        email=snapshot.get("email", ""),
    )


def _ship_to(buyer: dict, categories: set[str]) -> cii.Party | None:
    """The delivery address when it differs from the buyer's, or when an intra-EU supply
    needs the deliver-to country (BR-IC-12)."""
    if buyer.get("delivery_address") or buyer.get("delivery_city"):
        return cii.Party(
            name=buyer.get("name", ""),
            address=buyer.get("delivery_address", ""),
            postal_code=buyer.get("delivery_postal_code", ""),
            city=buyer.get("delivery_city", ""),
            country=buyer.get("delivery_country") or buyer.get("country", "FR"),
        )
    if "K" in categories:
        return _party(buyer)
    return None


def _exemptions(invoice: Invoice) -> dict[tuple[str, Decimal], str]:
    reasons = {}
    for line in invoice.lines.all():
        if line.exemption_reason:
            reasons.setdefault(
                (line.vat_category, line.vat_rate.normalize()), line.exemption_reason
            )
    return reasons


def invoice_document(invoice: Invoice) -> cii.Document:
    if invoice.is_draft:
        raise Conflict("A draft has no e-invoice: issue it first.")
    company = invoice.company
    lines = [
        cii.Line(
            description=l.description,
            quantity=l.quantity,
            unit=l.unit,
            unit_price=l.unit_price,
            net_amount=l.net_amount,
            vat_category=l.vat_category,
            vat_rate=l.vat_rate,
        )
        for l in invoice.lines.all()  # noqa: E741
    ]
    charges = [
        cii.AllowanceCharge(
            is_charge=r.is_charge,
            amount=r.amount,
            reason=r.reason,
            vat_category=r.vat_category,
            vat_rate=r.vat_rate,
        )
        for r in invoice.allowance_charges.all()
    ]
    reasons = _exemptions(invoice)
    groups = [
        cii.VatGroup(
            category=g.category,
            rate=g.rate,
            taxable=g.taxable,
            tax=g.tax,
            exemption_reason=reasons.get((g.category, g.rate.normalize()), "")
            if g.category != "S"
            else "",
        )
        for g in invoice.vat_breakdown.all()
    ]
    seller, buyer = invoice.seller_snapshot or {}, invoice.buyer_snapshot or {}
    if groups and all(g.category == "O" for g in groups):
        # Outside the scope of VAT (late-payment fees): BR-O-02 to BR-O-04 forbid the
        # parties' VAT numbers; the seller is then named by its SIREN (FC).
        seller, buyer = {**seller, "vat_number": ""}, {**buyer, "vat_number": ""}
    return cii.Document(
        number=invoice.number,
        kind=invoice.kind,
        issue_date=invoice.issue_date,
        currency=invoice.currency,
        seller=_party(seller),
        buyer=_party(buyer),
        lines=tuple(lines),
        vat=tuple(groups),
        line_total=sum((l.net_amount for l in lines), ZERO),  # noqa: E741
        allowance_total=sum((c.amount for c in charges if not c.is_charge), ZERO),
        charge_total=sum((c.amount for c in charges if c.is_charge), ZERO),
        tax_exclusive=invoice.total_excl_tax,
        tax_total=invoice.total_tax,
        tax_inclusive=invoice.total,
        due_date=invoice.due_date,
        delivery_date=invoice.sale_date,
        allowance_charges=tuple(charges),
        payment_terms=invoice.payment_terms
        or (
            f"Paiement à réception de facture, au plus tard le {invoice.due_date:%d/%m/%Y}."
            if invoice.due_date
            else ""
        ),
        **late_payment_terms(company),
        notes=tuple(n for n in [invoice.notes] if n),
        iban=seller.get("iban", ""),
        bic=seller.get("bic", ""),
        buyer_reference=invoice.buyer_reference,
        purchase_order=invoice.purchase_order,
        corrects=(invoice.corrects.number, invoice.corrects.issue_date)
        if invoice.corrects_id
        else None,
        ship_to=_ship_to(invoice.buyer_snapshot or {}, {g.category for g in groups}),
    )


def invoice_cii(invoice: Invoice) -> bytes:
    return cii.write_cii(invoice_document(invoice))
