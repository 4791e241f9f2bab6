"""A customer with an address, templates made through the service, and runs on a day."""

from __future__ import annotations

from datetime import date

import pytest

from solde.core import clock
from solde.recurring.services import recurring_create
from tests.builders import line, make_customer


@pytest.fixture(autouse=True)
def outbox_folder(settings, tmp_path):
    """Invoice PDFs and .eml files in the test's own folder."""
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.EMAIL_DELIVERY = "file"
    settings.DEFAULT_FROM_EMAIL = "Solde <noreply@solde.test>"
    return tmp_path / "outbox"


@pytest.fixture
def buyer(company):
    return make_customer(company, "DUPONT", name="Dupont SARL", email="compta@dupont.test")


@pytest.fixture
def make_template(company, buyer):
    """make_template(**fields): a template made on `today` (default: the test's today)."""

    def make(today: date | None = None, customer=None, lines=None, **fields):
        today = today or clock.today()
        fields = {
            "name": "Hébergement",
            "frequency": "monthly",
            "day_of_month": 1,
            "start_date": today,
            "mode": "draft",
            **fields,
        }
        with clock.frozen(today):
            return recurring_create(
                company=company,
                customer=customer or buyer,
                lines=[line("100", description="Abonnement")] if lines is None else lines,
                today=today,
                **fields,
            )

    return make
