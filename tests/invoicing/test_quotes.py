"""Quotes: own series, sent quotes frozen, accepted ones converted to invoices."""

from datetime import date

import pytest

from solde.core.errors import Conflict
from solde.invoicing.quotes import (
    quote_convert,
    quote_create,
    quote_decline,
    quote_send,
    quote_status,
    quote_update,
)
from tests.builders import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote(company, customer):
    return quote_create(
        company=company,
        customer=customer,
        lines=[line("800"), line("50", "2")],
        valid_until=date(2026, 12, 20),
    )


def test_a_sent_quote_has_its_own_number_and_cannot_change(quote):
    sent = quote_send(quote=quote)
    assert (sent.number, sent.status, sent.total) == ("DE-2026-00001", "sent", 1080)
    with pytest.raises(Conflict):
        quote_update(quote=sent, notes="changed")


def test_an_unanswered_quote_expires(quote):
    sent = quote_send(quote=quote)
    assert quote_status(sent, date(2026, 12, 20)) == "sent"
    assert quote_status(sent, date(2026, 12, 21)) == "expired"


def test_converting_accepts_and_copies_the_lines(quote):
    invoice = quote_convert(quote=quote_send(quote=quote))
    quote.refresh_from_db()
    assert quote.status == "accepted" and invoice.quote == quote
    assert invoice.state == "draft" and invoice.total == quote.total
    assert [ln.description for ln in invoice.lines.all()] == ["Service", "Service"]


def test_a_declined_or_draft_quote_is_not_invoiced(quote):
    with pytest.raises(Conflict):
        quote_convert(quote=quote)
    declined = quote_decline(quote=quote_send(quote=quote))
    with pytest.raises(Conflict):
        quote_convert(quote=declined)
