"""Importing statements: every line once, debits kept, breaks reported, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest

from solde.banking.models import BankAccount, BankLine, BankStatement
from solde.banking.services import statement_import
from solde.core.errors import InputError
from tests.banking.statements import ACCOUNT, camt, credit

pytestmark = pytest.mark.django_db


def _import(company, data, name="releve.xml", **kw):
    return statement_import(company=company, data=data, file_name=name, match=False, **kw)


def test_a_statement_adds_its_lines_and_its_account(company):
    data = camt([credit("120.00", ref="R1"), credit("-35.50", ref="R2"), credit("80", ref="R3")])
    result = _import(company, data)
    assert (result.format, result.statements, result.lines, result.added) == ("camt053", 1, 3, 3)
    assert result.debits == 1
    account = BankAccount.objects.get(company=company)
    assert account.number == ACCOUNT and account.iban == ACCOUNT
    statuses = sorted(BankLine.objects.filter(account=account).values_list("status", flat=True))
    assert statuses == ["debit", "unmatched", "unmatched"]


def test_the_same_statement_twice_adds_nothing(company):
    data = camt([credit("120.00", ref="R1"), credit("80.00")])
    _import(company, data)
    again = _import(company, data)
    assert (again.added, again.duplicates) == (0, 2)
    assert BankLine.objects.filter(company=company).count() == 2


def test_overlapping_statements_add_only_the_new_lines(company):
    monday = [credit("10.00", ref="A"), credit("20.00", "CB 12")]
    tuesday = [credit("30.00", ref="C")]
    _import(company, camt(monday))
    result = _import(company, camt(monday + tuesday))
    assert (result.added, result.duplicates) == (1, 2)
    assert BankLine.objects.filter(company=company).count() == 3


def test_two_identical_lines_of_one_day_stay_two(company):
    twins = [credit("4.50", "CB BOULANGERIE"), credit("4.50", "CB BOULANGERIE")]
    assert _import(company, camt(twins)).added == 2
    assert _import(company, camt(twins)).added == 0


def test_a_balance_that_does_not_follow_on_is_reported(company):
    _import(
        company,
        camt([credit("100.00", ref="A")], opening="1000.00", closing_date=date(2026, 11, 18)),
    )
    following = _import(
        company,
        camt([credit("5.00", ref="B")], opening="1100.00", opening_date=date(2026, 11, 19)),
    )
    assert following.balance_breaks == []
    broken = _import(
        company,
        camt([credit("7.00", ref="C")], opening="999.00", opening_date=date(2026, 11, 20)),
    )
    assert len(broken.balance_breaks) == 1
    assert "999.00" in broken.balance_breaks[0] and "1105.00" in broken.balance_breaks[0]
    row = BankStatement.objects.filter(company=company).order_by("id").last()
    assert row.balance_break.startswith("opening balance 999.00")


def test_a_broken_file_writes_nothing(company):
    data = camt([credit("10.00", ref="A")])
    truncated = data[: len(data) // 2]
    with pytest.raises(InputError) as error:
        _import(company, truncated, name="cut.xml")
    assert "cut.xml" in str(error.value)
    assert not BankLine.objects.exists() and not BankStatement.objects.exists()


def test_a_file_of_another_account_is_refused_for_a_chosen_account(company):
    account = BankAccount.objects.create(company=company, number="FR7612345000010000000000123")
    with pytest.raises(InputError, match="account"):
        _import(company, camt([credit("10.00")]), account=account)
    assert not BankLine.objects.exists()


def test_accounts_and_lines_belong_to_their_company(company, other_company):
    data = camt([credit("10.00", ref="A")])
    _import(company, data)
    assert _import(other_company, data).added == 1
    assert BankAccount.objects.filter(number=ACCOUNT).count() == 2
