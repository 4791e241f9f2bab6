"""Shared fixtures: two companies and an outsider in every access test."""

from __future__ import annotations

import os
import tempfile
from datetime import date

import pytest

# Tests never touch a person's real data directory.
os.environ.setdefault("SOLDE_DATA_DIR", tempfile.mkdtemp(prefix="solde-test-"))

from solde.core import clock  # noqa: E402
from tests import builders  # noqa: E402

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    """Every test runs on a known business date, unless it sets its own."""
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def company(db):
    return builders.make_company("acme", name="ACME SAS")


@pytest.fixture
def other_company(db):
    return builders.make_company("globex", name="Globex SARL")


@pytest.fixture
def owner(company):
    return builders.make_user(company, "owner", email="owner@acme.test")


@pytest.fixture
def outsider(other_company):
    """A member of another company: must get 404 on everything of `company`."""
    return builders.make_user(other_company, "owner", email="outsider@globex.test")


@pytest.fixture
def customer(company):
    return builders.make_customer(company, "DUPONT", name="Dupont SARL")
