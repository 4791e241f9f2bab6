"""Workers racing for the same row send it once (real PostgreSQL, real SMTP server)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from solde.mail.models import OutboundEmail
from solde.mail.services import invoice_send, outbox_deliver
from tests.builders import make_company, make_customer, make_invoice

WORKERS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_workers_deliver_one_row_once(smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SOLDE_DATABASE_URL is not a PostgreSQL URL")
    company = make_company("racing")
    customer = make_customer(company, email="compta@dupont.test")
    email = invoice_send(invoice=make_invoice(company, customer))

    def deliver(_):
        try:
            return outbox_deliver(email_id=email.pk).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(deliver, range(WORKERS)))

    email.refresh_from_db()
    assert email.status == OutboundEmail.SENT and email.attempts == 1
    assert len(smtp_server.messages) == 1
