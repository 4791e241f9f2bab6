"""Use cases of bank statements: import a file, match its lines, and what people decide.

`statement_import` is one transaction for the whole file: every line of it is added, or
none. Matching (`lines_match`) runs after, in its own transactions, through
`payments.batch`, which locks the invoices and reads their balances again.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from solde.audit.services import actor_parts, audit_record
from solde.banking.models import BankAccount, BankLine, BankStatement
from solde.bulk import among, bulk_session, insert_rows
from solde.companies.models import Company
from solde.core import clock, identifiers
from solde.core.errors import InputError, ValidationError
from solde.core.money import ZERO
from solde.formats import bankfiles
from solde.formats.bankstatement import Statement, dedup_keys

LOOKUP_CHUNK = 500


@dataclass
class BankImportResult:
    file: str
    format: str = ""
    statements: int = 0
    lines: int = 0
    added: int = 0
    duplicates: int = 0
    debits: int = 0
    auto_matched: int = 0
    suggested: int = 0
    unmatched: int = 0
    ignored: int = 0
    balance_breaks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    line_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("line_ids")
        return data

    def merge(self, other: BankImportResult) -> None:
        """Add another file's counts to these."""
        for name in ("statements", "lines", "added", "duplicates", "debits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.balance_breaks += other.balance_breaks
        self.warnings += other.warnings
        self.line_ids += other.line_ids

    def summary(self) -> str:
        return (
            f"{self.file}: {self.lines} lines read, {self.added} added, {self.duplicates} "
            f"already imported; {self.auto_matched} matched automatically, {self.suggested} "
            f"suggested, {self.unmatched} unmatched, {self.ignored} ignored, {self.debits} debits."
        )


def _account_for(company: Company, statement: Statement, given: BankAccount | None, file: str):
    number = statement.account.replace(" ", "").upper()
    if given is not None:
        if number and number not in (given.number, given.iban):
            raise InputError(
                f"is a statement of account {number}, not of {given}.", file=file, column="account"
            )
        return given
    if not number:
        raise InputError(
            "names no bank account: say which account it belongs to.", file=file, column="account"
        )
    return bank_account_ensure(company=company, number=number, currency=statement.currency)


def _iban_or_blank(number: str) -> str:
    try:
        return identifiers.iban(number)
    except ValidationError:
        return ""


def _balance_break(account: BankAccount, statement: Statement) -> str:
    """Why the opening balance does not follow the previous statement's closing one."""
    if statement.opening_balance is None or statement.opening_date is None:
        return ""
    previous = (
        BankStatement.objects.filter(
            account=account,
            closing_balance__isnull=False,
            closing_date__lte=statement.opening_date,
        )
        .order_by("-closing_date", "-id")
        .first()
    )
    if previous is None or previous.closing_balance == statement.opening_balance:
        return ""
    return (
        f"opening balance {statement.opening_balance} on {statement.opening_date} differs "
        f"from the closing balance {previous.closing_balance} on {previous.closing_date} "
        f"of the previous statement ({previous.file_name})"
    )


def _internal_gap(statement: Statement) -> str:
    if statement.opening_balance is None or statement.closing_balance is None:
        return ""
    moved = sum((line.amount for line in statement.lines), ZERO)
    if statement.opening_balance + moved == statement.closing_balance:
        return ""
    return (
        f"opening {statement.opening_balance} + lines {moved} ≠ closing "
        f"{statement.closing_balance}: the statement may be incomplete"
    )


def _existing_keys(account: BankAccount, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), LOOKUP_CHUNK):
        found.update(
            BankLine.objects.filter(
                account=account, dedup_key__in=among(keys[start : start + LOOKUP_CHUNK])
            ).values_list("dedup_key", flat=True)
        )
    return found


def _add_statement(company, statement, account, meta, result: BankImportResult, actor) -> None:
    keys = dedup_keys(account.number, statement.lines)
    known = _existing_keys(account, keys)
    gap = _balance_break(account, statement)
    warnings = [*statement.warnings, *filter(None, [_internal_gap(statement)])]
    row = BankStatement.objects.create(
        company=company,
        account=account,
        statement_id=statement.statement_id[:100],
        opening_balance=statement.opening_balance,
        opening_date=statement.opening_date,
        closing_balance=statement.closing_balance,
        closing_date=statement.closing_date,
        lines_read=len(statement.lines),
        balance_break=gap[:300],
        warnings=warnings,
        **meta,
    )
    new, fresh_keys = [], set()
    for line, key in zip(statement.lines, keys, strict=True):
        if key in known or key in fresh_keys:
            result.duplicates += 1
            continue
        fresh_keys.add(key)
        new.append(_line_row(company, account, row, line, key))
    ids = insert_rows(BankLine, new, returning=True)
    row.lines_added = len(new)
    row.save(update_fields=["lines_added"])
    audit_record(
        company=company,
        actor=actor,
        action="bank_statement.import",
        obj=row,
        after={"file": row.file_name, "lines": row.lines_read, "added": row.lines_added},
    )
    result.added += len(new)
    result.debits += sum(1 for line in new if line["status"] == BankLine.DEBIT)
    result.line_ids += [
        pk for pk, line in zip(ids, new, strict=True) if line["status"] == BankLine.UNMATCHED
    ]
    result.balance_breaks += [f"{account}: {gap}"] if gap else []
    result.warnings += [f"{account}: {w}" for w in warnings]


def _line_row(company, account, statement_row, line, key) -> dict:
    return {
        "company_id": company.pk,
        "account_id": account.pk,
        "statement_id": statement_row.pk,
        "booking_date": line.booking_date,
        "value_date": line.value_date,
        "amount": line.amount,
        "currency": line.currency,
        "bank_ref": line.bank_ref[:120],
        "end_to_end_id": line.end_to_end_id[:120],
        "counterparty_name": line.counterparty_name[:200],
        "counterparty_iban": line.counterparty_iban.replace(" ", "").upper()[:34],
        "remittance": line.remittance,
        "structured_ref": line.structured_ref[:140],
        "bank_code": line.bank_code[:40],
        "source": line.source[:120],
        "dedup_key": key,
        "status": BankLine.UNMATCHED if line.amount > ZERO else BankLine.DEBIT,
    }


def bank_account_ensure(
    *, company: Company, number: str, name: str = "", currency: str = "EUR"
) -> BankAccount:
    """The company's account of this number (an IBAN, or the bank's own id), made if new."""
    number = (number or "").replace(" ", "").upper()
    if not number:
        raise ValidationError("Give the account's IBAN or number.", field="account")
    account, _ = BankAccount.objects.get_or_create(
        company=company,
        number=number,
        defaults={"iban": _iban_or_blank(number), "name": name, "currency": currency},
    )
    return account


def bank_account_set_csv_mapping(*, account: BankAccount, mapping) -> BankAccount:
    """Keep a CSV column mapping (a bankcsv.CsvMapping, or a preset's name) for the account's
    next CSV statements."""
    from solde.formats.bankcsv import PRESETS, CsvMapping

    if isinstance(mapping, str):
        if mapping not in PRESETS:
            known = ", ".join(sorted(PRESETS))
            raise ValidationError(f"Unknown CSV preset {mapping!r} ({known}).", field="preset")
        mapping = PRESETS[mapping]
    if not isinstance(mapping, CsvMapping):
        raise ValidationError("Not a CSV mapping.", field="mapping")
    account.csv_mapping = mapping.to_dict()
    account.save(update_fields=["csv_mapping"])
    return account


def statement_import(
    *,
    company: Company,
    path: Path | str | None = None,
    data: bytes | None = None,
    file_name: str = "",
    format: str = "auto",
    account: BankAccount | None = None,
    match: bool = True,
    actor=None,
) -> BankImportResult:
    """Import a statement file: all its new lines or none; then match the new credits.

    A line already imported for the account (same bank reference, or same fingerprint)
    is skipped, so overlapping statements are safe. Debits are kept, never matched.
    A CSV file is read with the account's saved column mapping when it has one.
    """
    if data is None:
        if path is None:
            raise InputError("give a file.", column="file")
        path = Path(path)
        file_name = file_name or path.name
        data = bankfiles.read_bytes(path)
    file_name = file_name or "statement"
    mapping = _csv_mapping(account)
    fmt, statements = bankfiles.read_data(data, file=file_name, format=format, csv_mapping=mapping)
    return statements_import(
        company=company,
        statements=statements,
        source=file_name,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        account=account,
        match=match,
        actor=actor,
    )


def statements_import(
    *,
    company: Company,
    statements: list[Statement],
    source: str,
    format: str,
    sha256: str = "",
    account: BankAccount | None = None,
    match: bool = True,
    actor=None,
) -> BankImportResult:
    """Import statements already read (from a file, or pulled from a bank feed named by
    `source`): one transaction, duplicates skipped; then match the new credits."""
    result = BankImportResult(file=source, format=format, statements=len(statements))
    result.lines = sum(len(s.lines) for s in statements)
    user, _ = actor_parts(actor)
    meta = {
        "file_name": source[:255],
        "file_sha256": sha256,
        "format": format,
        "imported_at": clock.now(),
        "imported_by": user,
    }
    with transaction.atomic():
        for statement in statements:
            target = _account_for(company, statement, account, source)
            _add_statement(company, statement, target, meta, result, actor)
    return _matched(company, result, match, actor)


def _matched(company, result: BankImportResult, match: bool, actor) -> BankImportResult:
    if match and result.line_ids:
        from solde.banking.matching import lines_match

        outcome = lines_match(company=company, line_ids=result.line_ids, actor=actor)
        result.auto_matched = outcome.auto
        result.suggested = outcome.suggested
        result.unmatched = outcome.unmatched
        result.ignored = outcome.ignored
    else:
        result.unmatched = len(result.line_ids)
    return result


def statement_files_import(
    *,
    company: Company,
    paths: list[Path | str],
    format: str = "auto",
    account: BankAccount | None = None,
    match: bool = True,
    actor=None,
) -> BankImportResult:
    """Import several statement files (a year of them, say), each in its own transaction
    and all or nothing, then match all their new credits in one run. A broken file stops
    the import there: the files before it stay imported, and the error names it. The
    files are read in parallel processes (see formats.bankfiles.read_files)."""
    with bulk_session():
        return _files_import(company, paths, format, account, match, actor)


def _files_import(company, paths, format, account, match, actor) -> BankImportResult:
    total = BankImportResult(file=f"{len(paths)} files")
    formats = set()
    mapping = _csv_mapping(account)
    for read in bankfiles.read_files(paths, format=format, csv_mapping=mapping):
        one = statements_import(
            company=company,
            statements=read.statements,
            source=read.name,
            format=read.format,
            sha256=read.sha256,
            account=account,
            match=False,
            actor=actor,
        )
        formats.add(one.format)
        total.merge(one)
    total.format = ", ".join(sorted(formats))
    total.unmatched = 0
    return _matched(company, total, match, actor)


def _csv_mapping(account: BankAccount | None):
    if account is None or not account.csv_mapping:
        return None
    from solde.formats.bankcsv import CsvMapping

    return CsvMapping.from_dict(account.csv_mapping)
