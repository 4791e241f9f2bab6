"""Payer names: normalised, and compared with customers' names and learned aliases."""

import pytest

from solde.core.matching import Payer, normalize_iban, normalize_name
from solde.core.matching.names import NameIndex


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Sarl Dupont & Fils", "DUPONT FILS"),
        ("DUPONT ET FILS SARL", "DUPONT FILS"),  # legal form, small words, order
        ("M. Jean Dupont", "DUPONT JEAN"),  # titles
        ("MME DUPONT JEAN", "DUPONT JEAN"),
        ("M OU MME JEAN DUPONT", "DUPONT JEAN"),
        ("Müller GmbH", "MULLER"),  # accents, foreign legal forms
        ("ACME Ltd.", "ACME"),
        ("Boulangerie L'Épi d'Or", "BOULANGERIE EPI OR"),
        ("ETS GARAGE DU CENTRE", "CENTRE GARAGE"),
        ("SARL", "SARL"),  # nothing but a legal form: kept rather than lost
        ("", ""),
    ],
)
def test_normalize_name(name, key):
    assert normalize_name(name) == key
    assert normalize_name(key) == key  # idempotent: learned keys are stored as they are


def test_normalize_iban():
    assert normalize_iban(" fr76 3000-6000 0112 ") == "FR76300060000112"


TRADES = ["Bâtiment", "Services", "Conseil", "Imprimerie", "Garage", "Plomberie"]
PAYERS = [
    Payer(1, "Dupont et Fils SARL"),
    Payer(2, "Boulangerie Martin"),
    Payer(3, "Transports Leroy"),
    Payer(4, "Transports Leroux"),
    Payer(5, "Jean Dupont"),
    Payer(6, "Chauffage Sanitaire Moreau-Lefebvre SAS"),
    Payer(7, "Breton Pâtisserie", aliases=frozenset({"M OU MME PAUL BRETON"})),
    *(Payer(10 + n, f"Martin {trade}") for n, trade in enumerate(TRADES)),
    Payer(20, "Garage Perrin"),
    Payer(21, "Garage Perrin"),  # two customers, one name
]


@pytest.mark.parametrize(
    ("bank_name", "expected"),
    [
        ("SARL DUPONT ET FILS", [(1, "exact")]),
        ("DUPONT FILS", [(1, "exact")]),
        ("M JEAN DUPONT", [(5, "exact")]),
        ("DUPONT JEAN", [(5, "exact")]),  # word order
        ("TRANSPORTS LEROY", [(3, "exact")]),  # not Leroux: an exact name wins
        ("TRANSPRTS LEROY", [(3, "fuzzy")]),  # a typo
        ("PATISSERIE BRZTON", [(7, "fuzzy")]),
        ("ETABLISSEMENTS CHAUFFAGE SANITAIRE MOR", [(6, "exact")]),  # cut by the bank
        ("M OU MME PAUL BRETON", [(7, "alias")]),  # learned
        ("BOULANGERIE MARTIN SARL", [(2, "exact")]),
        ("DUPONT ET FILS SUCCURSALE", [(1, "contained")]),
        ("MARTIN", []),  # in six customers' names: too vague to point at one
        ("GARAGE PERRIN", [(20, "exact"), (21, "exact")]),  # both: ambiguity is decided later
        ("URSSAF", []),
        ("", []),
    ],
)
def test_lookup(bank_name, expected):
    found = NameIndex(PAYERS).lookup(bank_name)
    assert [(m.customer_id, m.kind) for m in found] == expected


def test_lookup_similarity_is_reported():
    (match,) = NameIndex(PAYERS).lookup("TRANSPRTS LEROY")
    assert 90 <= match.similarity < 100


@pytest.mark.parametrize(
    ("bank_name", "cid", "kind"),
    [
        ("MARTIN", 10, "contained"),  # too vague to search by, yet fine for a known candidate
        ("DUPONT", 1, "contained"),
        ("SARL DUPONT ET FILS", 1, "exact"),
        ("M OU MME PAUL BRETON", 7, "alias"),
        ("TRANSPORTS LEROUX", 3, "fuzzy"),
        ("URSSAF", 3, None),
    ],
)
def test_compare_with_one_customer(bank_name, cid, kind):
    match = NameIndex(PAYERS).compare(bank_name, cid)
    assert (match.kind if match else None) == kind
