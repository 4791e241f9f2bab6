"""French is complete and compiled: every string of the interface has its translation,
and the compiled catalogue Django loads says the same as the .po file."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "solde" / "locale"


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def test_every_french_string_is_translated():
    untranslated = [
        m.id
        for m in _catalog("fr")
        if m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_compiled_catalogue_matches_the_po_file(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for m in _catalog(language):
        if isinstance(m.id, tuple) or not m.string:
            continue
        got = compiled.pgettext(m.context, m.id) if m.context else compiled.gettext(m.id)
        if got != m.string:
            stale.append(m.id)
    assert not stale, f"run compilemessages; stale: {stale[:5]}"
