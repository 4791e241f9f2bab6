"""An issued invoice never changes: enforced in the model layer, whatever the caller."""

import pytest

from solde.core.errors import Conflict
from solde.invoicing.models import Invoice, InvoiceAllowanceCharge, InvoiceLine
from solde.invoicing.services import invoice_update
from tests.builders import make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(company, customer):
    return make_invoice(company, customer)


def test_saving_a_changed_issued_invoice_is_refused(issued):
    issued.total = issued.total + 1
    with pytest.raises(Conflict, match="cannot change"):
        issued.save()


def test_a_reloaded_issued_invoice_is_protected_too(issued):
    again = Invoice.objects.get(pk=issued.pk)
    again.due_date = None
    with pytest.raises(Conflict):
        again.save()


def test_queryset_updates_and_deletes_are_refused(issued):
    with pytest.raises(Conflict):
        Invoice.objects.filter(pk=issued.pk).update(total=0)
    with pytest.raises(Conflict):
        Invoice.objects.filter(pk=issued.pk).delete()
    with pytest.raises(Conflict):
        issued.delete()


def test_lines_of_an_issued_invoice_cannot_change(issued):
    first = issued.lines.first()
    first.unit_price = 1
    with pytest.raises(Conflict):
        first.save()
    with pytest.raises(Conflict):
        first.delete()
    with pytest.raises(Conflict):
        InvoiceLine.objects.filter(invoice=issued).update(unit_price=1)
    with pytest.raises(Conflict):
        InvoiceLine.objects.create(invoice=issued, description="x", unit_price=1)
    with pytest.raises(Conflict):
        InvoiceAllowanceCharge.objects.create(invoice=issued, amount=1)


def test_the_service_refuses_to_edit_an_issued_invoice(issued):
    with pytest.raises(Conflict, match="credit note"):
        invoice_update(invoice=issued, notes="changed")


def test_caches_and_dispute_flag_may_still_move(issued):
    issued.disputed = True
    issued.save(update_fields=["disputed"])
    Invoice.objects.filter(pk=issued.pk).update(balance=issued.balance)
    assert Invoice.objects.get(pk=issued.pk).disputed
