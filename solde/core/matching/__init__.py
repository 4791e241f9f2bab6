"""Automatic payment matching: bank credits against open invoices, pure Python.

See docs.md for how a score is built, what ambiguity means and what the matcher learns.
"""

from solde.core.matching.engine import Matcher
from solde.core.matching.learning import Lesson, lesson_from_match, lesson_never_customer
from solde.core.matching.names import normalize_iban, normalize_name
from solde.core.matching.records import (
    AUTO,
    IGNORED,
    NONE,
    SUGGEST,
    Credit,
    Decision,
    Knowledge,
    OpenInvoice,
    Payer,
    Proposal,
    Reason,
    Settings,
)
from solde.core.matching.references import number_keys

__all__ = [
    "AUTO",
    "IGNORED",
    "NONE",
    "SUGGEST",
    "Credit",
    "Decision",
    "Knowledge",
    "Lesson",
    "Matcher",
    "OpenInvoice",
    "Payer",
    "Proposal",
    "Reason",
    "Settings",
    "lesson_from_match",
    "lesson_never_customer",
    "normalize_iban",
    "normalize_name",
    "number_keys",
]
