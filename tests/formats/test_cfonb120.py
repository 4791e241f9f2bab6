"""CFONB 120 statements: real French bank files, the record rules, and what is refused."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError
from solde.formats import cfonb120
from tests.formats.mutations import mutate

D = Decimal
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cfonb120"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"conformance samples not found at {SAMPLES}"
)

VALID = [
    "akretion/bank_statement.cfo",
    "pennylane/example.txt",
    "silarhi/complex-test.txt",
    "silarhi/non-strict-test.txt",
    "silarhi/simple-test.txt",
    "silarhi/test-unused-parts.txt",
]
REFUSED = [
    ("pennylane/end_of_statement_without_beginning.txt", 9, None, "a 07 (new balance) without"),
    ("pennylane/invalid_date.txt", 1, "date", "'  CART' is not a date"),
    ("pennylane/new_statement_without_previous_ended.txt", 6, None, "a new 01 (previous balance)"),
    ("pennylane/operation.txt", 1, None, "a 04 (operation) before any 01"),
    ("pennylane/operation_already_defined.txt", 1, None, "a 04 (operation) before any 01"),
    ("pennylane/operation_detail_without_operation.txt", 3, None, "a 05 (complement) without"),
    ("pennylane/operation_out_of_statement.txt", 1, None, "a 04 (operation) before any 01"),
    ("pennylane/operation_unstarted.txt", 1, None, "a 05 (complement) without"),
    ("silarhi/cfonb.240-complex-test.txt", 1, None, "CFONB 240 (transfer orders)"),
]


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# The test's own decoding of the records (not the reader's): counts and signed sums.
def _amount(record: str) -> Decimal:
    zone, decimals = record[90:104], int(record[19] if record[19] != " " else 2)
    last = zone[-1]
    digit, sign = (
        ("{ABCDEFGHI".index(last), 1) if last in "{ABCDEFGHI" else ("}JKLMNOPQR".index(last), -1)
    )
    return sign * Decimal(int(zone[:-1] + str(digit))) / 10**decimals


def _counted(data: bytes) -> tuple[int, int, Decimal]:
    records = [line.ljust(120) for line in data.decode("latin-1").splitlines() if line.strip()]
    operations = [r for r in records if r.startswith("04")]
    total = sum((_amount(r) for r in operations), D(0))
    return sum(r.startswith("01") for r in records), len(operations), total


@needs_samples
def test_every_sample_is_listed_once():
    listed = VALID + [name for name, *_ in REFUSED]
    on_disk = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file())
    assert sorted(listed) == on_disk


@needs_samples
@pytest.mark.parametrize("name", VALID)
def test_valid_files_give_their_counts_and_sums(name):
    data = _sample(name)
    statements = cfonb120.read(data, file=name)
    n_statements, n_lines, total = _counted(data)
    assert len(statements) == n_statements
    assert sum(len(s.lines) for s in statements) == n_lines
    assert sum((line.amount for s in statements for line in s.lines), D(0)) == total
    for statement in statements:
        assert statement.format == "cfonb120"
        moved = sum((line.amount for line in statement.lines), D(0))
        continuous = statement.opening_balance + moved == statement.closing_balance
        assert continuous == (not any("new balance" in w for w in statement.warnings))


@needs_samples
@pytest.mark.parametrize(("name", "line", "column", "reason"), REFUSED)
def test_each_broken_fixture_is_refused_for_its_reason(name, line, column, reason):
    with pytest.raises(InputError) as caught:
        cfonb120.read(_sample(name), file=name)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(name)


@needs_samples
def test_pennylane_example_as_its_authors_expect():
    # The values the pennylane-hq/cfonb specs assert for this file.
    first, second = cfonb120.read(_sample("pennylane/example.txt"))
    assert (first.opening_balance, first.opening_date) == (D("-190.40"), date(2019, 5, 15))
    assert (first.closing_balance, first.closing_date) == (D("-241.21"), date(2019, 5, 16))
    assert [line.amount for line in first.lines] == [D("-32.21"), D("-10.70"), D("-7.90")]
    assert [line.amount for line in second.lines] == [D("97.49"), D("-12.10"), D("-7.90")]
    assert (second.opening_balance, second.closing_balance) == (D("-241.21"), D("-163.72"))
    prlv, vir, fee = first.lines
    assert prlv.bank_code == "B1"
    assert prlv.counterparty_name == "INTERNET SFR"  # NPY
    assert prlv.structured_ref == "OTHER REFERENCE"  # RCN, before its purpose
    assert prlv.remittance.startswith("PRLV SEPA TEST CABINET MENSUEAUHTR13133")
    assert vir.bank_ref == "REFERENCE"  # the 04's reference zone
    assert vir.counterparty_name == "ELEC ERDF"
    assert (fee.booking_date, fee.value_date, fee.bank_code) == (
        date(2019, 5, 15),
        date(2019, 5, 15),
        "62",
    )
    groupama = second.lines[0]
    assert (groupama.booking_date, groupama.value_date) == (date(2019, 5, 17), date(2019, 5, 15))
    assert groupama.remittance == "PRLV SEPA GROUPAMA CEN P051928612 22793301700040"


def _iban_from_rib(bank: str, branch: str, account: str) -> str:
    """The test's own RIB key and IBAN check digits (letters as in the RIB table)."""
    letters = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789", strict=True))
    digits = "".join(letters.get(c, c) for c in account)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    numeric = "".join(str(int(c, 36)) for c in bban + "FR00")
    return f"FR{98 - int(numeric) % 97:02d}{bban}"


@needs_samples
def test_account_is_the_iban_computed_from_the_rib():
    (statement,) = cfonb120.read(_sample("akretion/bank_statement.cfo"))
    assert statement.account == _iban_from_rib("30002", "00447", "0000888899H")
    assert statement.account == "FR7730002004470000888899H78"
    assert statement.currency == "EUR"  # blank on its 01: euros
    assert statement.warnings  # its 01 and 07 do not agree with its 04s


@needs_samples
def test_entry_number_is_the_bank_reference_when_no_reference():
    statements = cfonb120.read(_sample("silarhi/complex-test.txt"))
    invoice = statements[3].lines[0]
    assert invoice.bank_ref == "0001692"
    assert invoice.remittance == "FACTURE SGT20022040001692 DONT TVA 11 39EUR"
    assert (invoice.booking_date, invoice.value_date) == (date(2020, 4, 10), date(2020, 4, 1))


# -- synthetic records: one rule each ---------------------------------------------------------


def _record(code: str, **zones: str) -> str:
    layout = {
        "bank": (2, "30002"),
        "branch": (11, "00447"),
        "currency": (16, "EUR"),
        "decimals": (19, "2"),
        "account": (21, "00012345678"),
        "op": (32, ""),
        "date": (34, "010424"),
        "value": (42, ""),
        "label": (48, ""),
        "qualifier": (45, ""),
        "complement": (48, ""),
        "amount": (90, "0000000000000{"),
        "ref": (104, ""),
    }
    chars = [" "] * 120
    chars[:2] = code
    for name, (start, default) in layout.items():
        value = zones.get(name, "" if code == "05" and name == "amount" else default)
        chars[start : start + len(value)] = value
    return "".join(chars)


def _file(*records: str, separator: str = "\n") -> bytes:
    return separator.join(records).encode("latin-1")


OPENING = _record("01", amount="0000000001000{")  # 100.00
CLOSING = _record("07", date="020424", amount="0000000001250{")  # 125.00
CREDIT = _record("04", op="05", value="020424", label="VIR SEPA ACME", amount="0000000000250{")


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\n\n", "\r\n\r\n", ""])
def test_any_record_separator(separator):
    (statement,) = cfonb120.read(_file(OPENING, CREDIT, CLOSING, separator=separator))
    assert [line.amount for line in statement.lines] == [D("25.00")]
    assert (statement.opening_balance, statement.closing_balance) == (D("100.00"), D("125.00"))
    assert not statement.warnings


SIGNS = [
    ("0000000000123{", "2", D("12.30")),
    ("0000000000123A", "2", D("12.31")),
    ("0000000000123I", "2", D("12.39")),
    ("0000000000123}", "2", D("-12.30")),
    ("0000000000123J", "2", D("-12.31")),
    ("0000000000123R", "2", D("-12.39")),
    ("0000000000123B", "0", D("1232")),
    ("0000000000123B", "3", D("1.232")),
]


@pytest.mark.parametrize(("zone", "decimals", "amount"), SIGNS)
def test_amount_sign_letters_and_stated_decimals(zone, decimals, amount):
    operation = _record("04", op="01", decimals=decimals, amount=zone)
    (statement,) = cfonb120.read(_file(OPENING, operation, CLOSING))
    (line,) = statement.lines
    assert line.amount == amount
    assert line.amount.as_tuple().exponent == -int(decimals)


def test_counterparty_is_the_payer_of_a_credit_and_the_beneficiary_of_a_debit():
    payer = _record("05", qualifier="NPY", complement="DUPONT SARL")
    beneficiary = _record("05", qualifier="NBE", complement="MOI SAS")
    reference = _record("05", qualifier="RCN", complement="FA-2024-001".ljust(35) + "SUPP")
    label = _record("05", qualifier="LIB", complement="FACTURE FA-2024-001")
    debit = _record("04", op="02", label="PRLV EDF", amount="0000000000100}")
    closing = _record("07", date="020424", amount="0000000001150{")
    data = _file(
        OPENING, CREDIT, payer, beneficiary, reference, label, debit, payer, beneficiary, closing
    )
    credit_line, debit_line = cfonb120.read(data)[0].lines
    assert credit_line.counterparty_name == "DUPONT SARL"
    assert debit_line.counterparty_name == "MOI SAS"
    assert credit_line.structured_ref == "FA-2024-001"
    assert credit_line.remittance == "VIR SEPA ACME FA-2024-001 SUPP FACTURE FA-2024-001"
    assert credit_line.bank_code == "05"


def test_trailing_spaces_stripped_by_an_editor_are_padded_back():
    data = _file(OPENING.rstrip(), CREDIT.rstrip(), CLOSING.rstrip())
    assert cfonb120.read(data)[0].lines[0].amount == D("25.00")


def test_a_balance_mismatch_is_a_warning_not_an_error():
    closing = _record("07", date="020424", amount="0000000099999{")
    (statement,) = cfonb120.read(_file(OPENING, CREDIT, closing))
    assert "new balance is 9999.90" in statement.warnings[0]


@pytest.mark.parametrize(
    ("records", "line", "column", "reason"),
    [
        ((OPENING + " ", CREDIT, CLOSING), 1, None, "record of 121 characters"),
        ((OPENING, CREDIT), 1, None, "has no 07 (new balance)"),
        ((OPENING, "99" + CREDIT[2:], CLOSING), 2, "code", "'99' is not 01, 04, 05 or 07"),
        ((OPENING, CREDIT[:103] + "X" + CREDIT[104:], CLOSING), 2, "amount", "is not an amount"),
        ((OPENING, CREDIT[:90] + "00000A0000250{" + CREDIT[104:], CLOSING), 2, "amount", "amount"),
        ((OPENING, CREDIT[:19] + "X" + CREDIT[20:], CLOSING), 2, "decimals", "decimals"),
        ((OPENING, CREDIT[:16] + "EUX" + CREDIT[19:], CLOSING), 2, "currency", "Unknown currency"),
        ((OPENING, _record("04", date="320124"), CLOSING), 2, "date comptable", "not a date"),
        ((OPENING, _record("04", value="011324"), CLOSING), 2, "date de valeur", "not a date"),
        ((OPENING, _record("04", date="320124")), 2, "date comptable", "not a date"),  # first fault
        ((_record("01", date="310224"), CLOSING), 1, "date", "not a date"),
        ((CLOSING,), 1, None, "a 07 (new balance) without its 01"),
        (("",), None, None, "holds no CFONB 120 statement"),
        (("x" * 240,), 1, None, "CFONB 240"),
    ],
)
def test_malformed_records_are_refused_naming_line_and_field(records, line, column, reason):
    with pytest.raises(InputError) as caught:
        cfonb120.read(_file(*records), file="releve.txt")
    assert (caught.value.line, caught.value.column) == (line, column)
    assert reason in caught.value.reason


def test_one_line_file_names_the_record():
    data = _file(OPENING, CREDIT, _record("04", date="320124"), CLOSING, separator="")
    with pytest.raises(InputError) as caught:
        cfonb120.read(data)
    assert caught.value.line == 1
    assert caught.value.reason.startswith("record 3:")


def test_oversized_files_are_refused(monkeypatch):
    monkeypatch.setattr(cfonb120, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match="refused"):
        cfonb120.read(_file(OPENING, CLOSING))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (_file(OPENING, CREDIT, CLOSING), True),
        (_file(OPENING, CREDIT, CLOSING, separator=""), True),
        (_file(OPENING.rstrip(), CLOSING.rstrip()), True),
        (b":20:REF\n:25:NL91ABNA0417164300\n", False),
        (b"Date;Libelle;Montant\n01/01/2024;X;1,00\n", False),
        (b"", False),
    ],
)
def test_sniff(head, expected):
    assert cfonb120.sniff(head) is expected


# -- fuzzing -------------------------------------------------------------------------------------

FUZZ_SOURCES = ["pennylane/example.txt", "silarhi/complex-test.txt", "akretion/bank_statement.cfo"]


@st.composite
def _mutated(draw):
    return mutate(draw, _sample(draw(st.sampled_from(FUZZ_SOURCES))))


@needs_samples
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutated_files_give_statements_or_an_input_error(data):
    try:
        statements = cfonb120.read(data, file="fuzz.txt")
    except InputError:
        return
    assert all(isinstance(line.amount, Decimal) for s in statements for line in s.lines)
