"""The default French plan, shipped and editable: what a careful French SME sends.

J−3 courtesy notice, J+3 friendly reminder, J+15 firm reminder with the statement,
J+30 formal notice (mise en demeure) with the late-payment penalties and the €40 fixed
indemnity (Code de commerce L441-10), J+45 a task for a person. Wordings in French and
English; placeholders are listed in PLACEHOLDERS and filled by reminders.texts.
"""

from __future__ import annotations

from solde.reminders.models import EMAIL, LETTER, TASK

PLACEHOLDERS = (
    "company",
    "customer",
    "invoices",
    "total_due",
    "late_fees",
    "indemnity",
    "total_with_fees",
    "days_overdue",
    "oldest_due_date",
    "iban",
)

_SIGN = {"fr": "\n\nCordialement,\n{company}\n", "en": "\n\nKind regards,\n{company}\n"}

COURTESY = {
    "fr": (
        "Échéance prochaine — {company}",
        "Bonjour,\n\nPour mémoire, les factures suivantes arrivent bientôt à échéance :\n\n"
        "{invoices}\n\nMontant total : {total_due}. Si le règlement est déjà parti, merci "
        "de ne pas tenir compte de ce message.\nIBAN : {iban}",
    ),
    "en": (
        "Payment due soon — {company}",
        "Hello,\n\nA friendly note that the following invoices fall due soon:\n\n"
        "{invoices}\n\nTotal: {total_due}. If you have already paid, please disregard "
        "this message.\nIBAN: {iban}",
    ),
}
FRIENDLY = {
    "fr": (
        "Rappel : facture(s) échue(s) — {company}",
        "Bonjour,\n\nSauf erreur de notre part, nous n'avons pas encore reçu le règlement "
        "des factures suivantes :\n\n{invoices}\n\nMontant dû : {total_due}. Nous vous "
        "remercions de bien vouloir procéder au paiement.\nIBAN : {iban}",
    ),
    "en": (
        "Reminder: invoice(s) overdue — {company}",
        "Hello,\n\nUnless we are mistaken, we have not yet received payment of the "
        "following invoices:\n\n{invoices}\n\nAmount due: {total_due}. Thank you for "
        "arranging payment.\nIBAN: {iban}",
    ),
}
FIRM = {
    "fr": (
        "Deuxième relance : {total_due} restant dû — {company}",
        "Bonjour,\n\nMalgré notre précédent rappel, les factures suivantes restent "
        "impayées :\n\n{invoices}\n\nMontant dû : {total_due}. Vous trouverez ci-joint "
        "votre relevé de compte. Nous vous demandons de régler cette somme sous huit "
        "jours, ou de nous contacter en cas de difficulté.\nIBAN : {iban}",
    ),
    "en": (
        "Second reminder: {total_due} outstanding — {company}",
        "Hello,\n\nDespite our previous reminder, the following invoices remain "
        "unpaid:\n\n{invoices}\n\nAmount due: {total_due}. Please find your statement of "
        "account attached. We ask you to pay within eight days, or to contact us if "
        "there is a difficulty.\nIBAN: {iban}",
    ),
}
FORMAL = {
    "fr": (
        "Mise en demeure de payer — {company}",
        "Madame, Monsieur,\n\nMalgré nos relances, les factures suivantes demeurent "
        "impayées :\n\n{invoices}\n\nPar la présente, nous vous mettons en demeure de "
        "régler sous huit jours la somme de {total_due}, majorée des pénalités de retard "
        "prévues à l'article L441-10 du Code de commerce ({late_fees} à ce jour) et de "
        "l'indemnité forfaitaire pour frais de recouvrement ({indemnity}), soit "
        "{total_with_fees}.\n\nÀ défaut, nous engagerons sans autre avis les procédures "
        "de recouvrement.\nIBAN : {iban}\n\nVeuillez trouver ci-joint cette mise en "
        "demeure au format PDF.",
    ),
    "en": (
        "Formal notice to pay — {company}",
        "Dear Sir or Madam,\n\nDespite our reminders, the following invoices remain "
        "unpaid:\n\n{invoices}\n\nWe hereby give you formal notice to pay within eight "
        "days the sum of {total_due}, plus the late-payment penalties of article L441-10 "
        "of the French Commercial Code ({late_fees} to date) and the fixed recovery "
        "indemnity ({indemnity}), that is {total_with_fees}.\n\nFailing this, we will "
        "start recovery proceedings without further notice.\nIBAN: {iban}\n\nThis "
        "formal notice is attached as a PDF.",
    ),
}
ESCALATION = {
    "fr": (
        "À traiter : {customer} doit {total_due}",
        "{customer} n'a pas réglé malgré la mise en demeure :\n\n{invoices}\n\n"
        "Appeler le client, puis décider : plan de paiement, injonction de payer, "
        "recouvrement ou passage en créance douteuse.",
    ),
    "en": (
        "To handle: {customer} owes {total_due}",
        "{customer} has not paid despite the formal notice:\n\n{invoices}\n\n"
        "Call the customer, then decide: payment plan, order for payment, collection "
        "agency or doubtful debt.",
    ),
}


def _texts(wording: dict, signed: bool = True) -> dict:
    return {
        language: {"subject": subject, "body": body + (_SIGN[language] if signed else "\n")}
        for language, (subject, body) in wording.items()
    }


# (name in French, offset, channel, tone, attach invoices, attach statement, late fees, texts)
DEFAULT_STEPS = (
    ("Avis de courtoisie", -3, EMAIL, "courtesy", False, False, False, _texts(COURTESY)),
    ("Relance amiable", 3, EMAIL, "friendly", True, False, False, _texts(FRIENDLY)),
    ("Relance ferme", 15, EMAIL, "firm", True, True, False, _texts(FIRM)),
    ("Mise en demeure", 30, LETTER, "formal", False, False, True, _texts(FORMAL)),
    ("Escalade", 45, TASK, "escalation", False, False, True, _texts(ESCALATION, signed=False)),
)
DEFAULT_PLAN_NAME = "Relances standard"
