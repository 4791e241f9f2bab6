"""Every reason the matcher gives reads as a sentence in the user's language."""

from django.utils import translation

from solde.banking.explain import REASONS, reason_text
from solde.core.matching import records


def test_every_reason_code_of_the_engine_has_a_sentence():
    assert set(records._TEXTS) <= set(REASONS)


def test_a_reason_reads_in_french_with_its_values():
    with translation.override("fr"):
        text = reason_text("amount_fee", {"gap": "2.50"})
    assert "2,50\xa0€" in text and "tolérance" in text


def test_an_unknown_code_or_a_missing_value_still_reads():
    assert reason_text("brand_new", {}) == "brand new"
    with translation.override("en"):
        assert "{" not in reason_text("reference", {})


def test_percentages_take_their_sign():
    with translation.override("fr"):
        text = reason_text(
            "name", {"found": "DUPONT", "customer": "Dupont SARL", "similarity": "92"}
        )
    assert "92\u202f%" in text and "DUPONT" in text


def test_amounts_read_as_money():
    with translation.override("fr"):
        text = reason_text("amount_partial", {"paid": "200.000", "owed": "480.000"}, "EUR")
    assert "200,00\xa0€" in text and "480,00\xa0€" in text
