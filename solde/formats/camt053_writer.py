"""Writing a CAMT.053 (001.02) statement from `Statement` records.

Solde does not send statements to banks; this writer makes the demo company's bank
statement, and the files the tests and the matching benchmark import, so that they go
through the same reader as a bank's file.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from solde.formats.bankstatement import Statement, StatementLine

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _path(parent, tags: str, text: str):
    for tag in tags.split("/"):
        parent = _sub(parent, tag)
    parent.text = text
    return parent


def _amount(parent, tag: str, amount: Decimal, currency: str) -> None:
    _sub(parent, tag, f"{abs(amount):.2f}", Ccy=currency)
    _sub(parent, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")


def _balance(stmt, code: str, amount: Decimal, day, currency: str) -> None:
    bal = _sub(stmt, "Bal")
    _path(bal, "Tp/CdOrPrtry/Cd", code)
    _amount(bal, "Amt", amount, currency)
    _path(bal, "Dt/Dt", day.isoformat())


def _entry(stmt, line: StatementLine) -> None:
    ntry = _sub(stmt, "Ntry")
    _amount(ntry, "Amt", line.amount, line.currency)
    _sub(ntry, "Sts", "BOOK")
    _path(ntry, "BookgDt/Dt", line.booking_date.isoformat())
    _path(ntry, "ValDt/Dt", (line.value_date or line.booking_date).isoformat())
    if line.bank_ref:
        _sub(ntry, "AcctSvcrRef", line.bank_ref)
    code = _sub(ntry, "BkTxCd")
    _path(code, "Domn/Cd", "PMNT")
    _path(code, "Domn/Fmly/Cd", "RCDT" if line.amount >= 0 else "ICDT")
    _path(code, "Domn/Fmly/SubFmlyCd", "ESCT")
    tx = _sub(_sub(ntry, "NtryDtls"), "TxDtls")
    refs = _sub(tx, "Refs")
    if line.bank_ref:
        _sub(refs, "AcctSvcrRef", line.bank_ref)
    _sub(refs, "EndToEndId", line.end_to_end_id or "NOTPROVIDED")
    party = "Dbtr" if line.amount >= 0 else "Cdtr"
    if line.counterparty_name or line.counterparty_iban:
        parties = _sub(tx, "RltdPties")
        if line.counterparty_name:
            _path(parties, f"{party}/Nm", line.counterparty_name)
        if line.counterparty_iban:
            _path(parties, f"{party}Acct/Id/IBAN", line.counterparty_iban)
    if line.remittance or line.structured_ref:
        info = _sub(tx, "RmtInf")
        if line.remittance:
            _sub(info, "Ustrd", line.remittance[:140])
        if line.structured_ref:
            _path(info, "Strd/CdtrRefInf/Ref", line.structured_ref)


def write(statements: list[Statement], *, message_id: str = "SOLDE") -> bytes:
    root = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    body = _sub(root, "BkToCstmrStmt")
    header = _sub(body, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", "2026-01-01T00:00:00")
    for number, statement in enumerate(statements, 1):
        stmt = _sub(body, "Stmt")
        _sub(stmt, "Id", statement.statement_id or f"{message_id}-{number}")
        _sub(stmt, "CreDtTm", "2026-01-01T00:00:00")
        account = _sub(stmt, "Acct")
        _path(account, "Id/IBAN", statement.account)
        _sub(account, "Ccy", statement.currency)
        if statement.opening_balance is not None and statement.opening_date:
            _balance(
                stmt, "OPBD", statement.opening_balance, statement.opening_date, statement.currency
            )
        if statement.closing_balance is not None and statement.closing_date:
            _balance(
                stmt, "CLBD", statement.closing_balance, statement.closing_date, statement.currency
            )
        for line in statement.lines:
            _entry(stmt, line)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
