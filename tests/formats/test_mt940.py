"""MT940/MT942 statements: real banks' files, the dialects of :86:, and what is refused."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError
from solde.formats import mt940
from tests.formats.mutations import mutate

D = Decimal
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "mt940"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"conformance samples not found at {SAMPLES}"
)

# Every real statement file of the conformance set (ASN, Zetb, OCA's ING and SNS included,
# which mt-940's default settings refuse).
PARSED = [
    "oca/test-ing-old.940",
    "oca/test-ing.940",
    "oca/test-rabo.swi",
    "oca/test-sns.940",
    "php-mt940/Abn/issue48.sta",
    "php-mt940/Abn/sample.sta",
    "php-mt940/Abn/sample2.sta",
    "php-mt940/Asn/sample.sta",
    "php-mt940/Bunq/sample.sta",
    "php-mt940/Hsbc/sample.sta",
    "php-mt940/Ing/sample.sta",
    "php-mt940/Kbs/sample.sta",
    "php-mt940/Kbs/sample2.sta",
    "php-mt940/Knab/sample.sta",
    "php-mt940/Knab/sample2.sta",
    "php-mt940/Knab/sample3.sta",
    "php-mt940/Kontist/sample.sta",
    "php-mt940/Penta/sample.sta",
    "php-mt940/Rabo/sample.sta",
    "php-mt940/Rabo/sample3.sta",
    "php-mt940/Rabo/sample4.sta",
    "php-mt940/Spk/sample.sta",
    "php-mt940/Triodos/sample.sta",
    "php-mt940/Zetb/sample.sta",
    "wolph-mt940/ASNB/mt940.txt",
    "wolph-mt940/ASNB/mt940_with_spaces_for_entry_date.txt",
    "wolph-mt940/betterplace/sepa_mt9401.sta",
    "wolph-mt940/betterplace/sepa_snippet.sta",
    "wolph-mt940/betterplace/with_binary_character.sta",
    "wolph-mt940/citi/mt940.txt",
    "wolph-mt940/cmxl/mt940.sta",
    "wolph-mt940/jejik/abnamro.sta",
    "wolph-mt940/jejik/generic.sta",
    "wolph-mt940/jejik/ing.sta",
    "wolph-mt940/jejik/knab.sta",
    "wolph-mt940/jejik/postfinance.sta",
    "wolph-mt940/jejik/rabobank-iban.sta",
    "wolph-mt940/jejik/rabobank.sta",
    "wolph-mt940/jejik/sns.sta",
    "wolph-mt940/jejik/triodos.sta",
    "wolph-mt940/mBank/mt940.sta",
    "wolph-mt940/mBank/mt942.sta",
    "wolph-mt940/mBank/with_newline_in_tnr.sta",
    "wolph-mt940/sberbank/171011_01234945.sta",
    "wolph-mt940/self-provided/details_60-63.sta",
    "wolph-mt940/self-provided/february_30.sta",
    "wolph-mt940/self-provided/long_statement_number.sta",
    "wolph-mt940/self-provided/malformed_details.sta",
    "wolph-mt940/self-provided/mt942.sta",
    "wolph-mt940/self-provided/overly_long_details.sta",
    "wolph-mt940/self-provided/raiffeisen-cmi.sta",
    "wolph-mt940/self-provided/raphaelm.sta",
    "wolph-mt940/self-provided/transaction_details_wrapped.sta",
    "wolph-mt940/self-provided/whitespace.sta",
    "wolph-mt940/self-provided/wrapped_timestamp.sta",
]

# Files that are not a whole statement, each refused for its own reason.
REFUSED = [
    # single-field fixtures of the library's own tests: no statement starts
    ("wolph-mt940/betterplace/amount_formats.sta", 1, ":60F: comes before any :20:"),
    ("wolph-mt940/betterplace/currency_in_25.sta", 1, ":25: comes before any :20:"),
    ("wolph-mt940/betterplace/empty_86.sta", 1, ":86: comes before any :20:"),
    ("wolph-mt940/betterplace/empty_entry_date.sta", 1, ":61: comes before any :20:"),
    ("wolph-mt940/betterplace/missing_crlf_at_end.sta", 1, ":62F: comes before any :20:"),
    ("wolph-mt940/cmxl/account_balance_credit.sta", 1, ":60F: comes before any :20:"),
    ("wolph-mt940/cmxl/account_balance_debit.sta", 1, ":60F: comes before any :20:"),
    ("wolph-mt940/cmxl/account_identification_iban.sta", 1, ":25: comes before any :20:"),
    ("wolph-mt940/cmxl/account_identification_legacy.sta", 1, ":25: comes before any :20:"),
    ("wolph-mt940/cmxl/available_balance.sta", 1, ":64: comes before any :20:"),
    ("wolph-mt940/cmxl/closing_balance.sta", 1, ":62F: comes before any :20:"),
    ("wolph-mt940/cmxl/statement_details.sta", 1, ":61: comes before any :20:"),
    ("wolph-mt940/cmxl/statement_line.sta", 1, ":61: comes before any :20:"),
    ("wolph-mt940/cmxl/statement_number.sta", 1, ":28C: comes before any :20:"),
    ("wolph-mt940/self-provided/empty_non_swift.sta", 1, ":NS: comes before any :20:"),
    ("wolph-mt940/self-provided/sparkassen.sta", 1, ":61: comes before any :20:"),
    # a :20: and nothing that makes a statement
    ("wolph-mt940/betterplace/empty_line.sta", 2, "has no :25: account"),
    ("wolph-mt940/cmxl/reference.sta", 1, "has no :25: account"),
    ("php-mt940/Rabo/sample2.sta", 7, "has no :25: account"),  # the file stops after :20:
    ("wolph-mt940/self-provided/account_identification.sta", 1, "no :60F: opening balance"),
    ("wolph-mt940/self-provided/gv_codes.sta", 1, "no :62F: closing balance"),
    # broken files
    ("wolph-mt940/self-provided/invalid_statement.sta", 1, "not an MT940 file"),
    ("oca/test-wrong-file.940", 1, "not an MT940 file"),  # ":9401:" header
    ("wolph-mt940/betterplace/sepa_snippet_broken.sta", 6, "a second account"),  # :86: as :25:
    ("wolph-mt940/self-provided/multiline.sta", 38, "after the closing balance"),
]

# The test's own reading of :61: (a different method from the reader's): mark and amount.
_LINE = re.compile(r"(?m)^:61:\d{6}(?:\d{4}|\s{4})?(R?[CD])[A-Z]?(\d+(?:[,.]\d*)?)")


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _counted(text: str) -> tuple[int, int, Decimal]:
    statements = len(re.findall(r"(?m)^:20:", text))
    total = Decimal(0)
    lines = _LINE.findall(text)
    for mark, amount in lines:
        value = Decimal(amount.replace(",", ".").rstrip(".") or "0")
        total += value if mark in ("C", "RD") else -value
    return statements, len(lines), total


@needs_samples
def test_every_sample_is_listed_once():
    listed = PARSED + [name for name, _, _ in REFUSED]
    on_disk = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file())
    assert sorted(listed) == on_disk


@needs_samples
@pytest.mark.parametrize("name", PARSED)
def test_real_files_give_their_statements_lines_and_sums(name):
    data = _sample(name)
    statements = mt940.read(data, file=name)
    n_statements, n_lines, total = _counted(data.decode("latin-1"))
    assert len(statements) == n_statements
    assert sum(len(s.lines) for s in statements) == n_lines
    assert sum((line.amount for s in statements for line in s.lines), D(0)) == total
    for statement in statements:
        assert statement.format == "mt940"
        assert statement.account
        for line in statement.lines:
            assert line.currency == statement.currency
            assert line.amount == line.amount.quantize(D("0.01"))
            assert line.source.startswith("line ")
        if statement.opening_balance is not None and statement.closing_balance is not None:
            moved = sum((line.amount for line in statement.lines), D(0))
            continuous = statement.opening_balance + moved == statement.closing_balance
            assert continuous == (not statement.warnings), statement.warnings


@needs_samples
@pytest.mark.parametrize(("name", "line", "reason"), REFUSED)
def test_broken_or_partial_files_are_refused_with_the_line(name, line, reason):
    with pytest.raises(InputError) as caught:
        mt940.read(_sample(name), file=name)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(name)


@needs_samples
def test_ing_slash_keywords_wrapped_lines_and_references():
    first, *_, structured, _ = mt940.read(_sample("oca/test-ing.940"))[0].lines
    assert first.bank_ref == "00000000001005"  # the reference wrapped over two lines
    assert first.bank_code == "NTRF"
    assert first.end_to_end_id == "EV12341REP1231456T1234"
    assert first.counterparty_iban == "NL32INGB0000012345"
    assert first.counterparty_name == "ING BANK NV INZAKE WEB"
    assert first.remittance == "EV10001REP1000000T1000"
    assert structured.structured_ref == "9001123412341234"
    assert structured.amount == D("32.00")


@needs_samples
def test_ing_account_drops_the_currency_suffix():
    statement = mt940.read(_sample("oca/test-ing.940"))[0]
    assert (statement.account, statement.currency) == ("NL77INGB0574908765", "EUR")
    assert statement.statement_id == "00000"  # ":28C:0000" wrapped onto "0"
    assert (statement.opening_balance, statement.opening_date) == (D("662.23"), date(2014, 2, 19))


@needs_samples
def test_german_gvc_subfields_with_sepa_keywords():
    line = mt940.read(_sample("wolph-mt940/betterplace/sepa_snippet.sta"))[0].lines[0]
    assert line.bank_code == "NTRF/166"
    assert line.counterparty_name == "KARL KAUFMANN"
    assert line.counterparty_iban == "DE14508800500194785000"
    assert line.end_to_end_id == "EndToEndId TFNR 22 004 00001"
    assert line.remittance == "Verw CTSc-01 BC-PPP TFNr 22 004"
    assert (line.value_date, line.booking_date) == (date(2007, 9, 7), date(2007, 9, 4))
    assert line.bank_ref == "0724710333343453"


@needs_samples
def test_reversal_of_a_credit_is_money_out():
    lines = [
        line
        for s in mt940.read(_sample("wolph-mt940/betterplace/sepa_mt9401.sta"))
        for line in s.lines
    ]
    reversal = [line for line in lines if line.bank_code == "NRTI/079"]
    assert [line.amount for line in reversal] == [D("-204.88")]  # ":61:…RCR204,88NRTI"


@needs_samples
def test_abn_amro_slash_keywords_and_notprovided():
    first, second = mt940.read(_sample("php-mt940/Abn/issue48.sta"))[0].lines
    assert first.end_to_end_id == ""  # /EREF/NOTPROVIDED
    assert first.counterparty_name == "HR K XXXXXXX EN/OF MW H XXXXXXX"
    assert first.remittance == "RES.NR 00042"
    assert second.end_to_end_id == "012345678912361000"
    assert second.counterparty_iban == "NL37DEUT0123456789"


@needs_samples
def test_entry_date_turns_the_year():
    lines = mt940.read(_sample("php-mt940/Abn/sample2.sta"))[0].lines
    assert [(line.value_date, line.booking_date) for line in lines] == [
        (date(2009, 1, 1), date(2009, 1, 1)),
        (date(2009, 1, 1), date(2009, 1, 2)),
        (date(2009, 1, 1), date(2009, 2, 1)),
        (date(2009, 12, 31), date(2010, 1, 1)),  # ":61:0912310101"
    ]


@needs_samples
def test_thirtieth_of_february_is_the_last_day_of_february():
    (line,) = mt940.read(_sample("wolph-mt940/self-provided/february_30.sta"))[0].lines
    assert (line.value_date, line.booking_date) == (date(2016, 2, 29), date(2016, 3, 1))
    assert line.amount == D("-6.00")


@needs_samples
def test_binary_characters_in_a_reference_are_read_as_text():
    statements = mt940.read(_sample("wolph-mt940/betterplace/with_binary_character.sta"))
    assert [s.statement_id for s in statements] == ["00027/00001", "00053/00001"]
    assert statements[1].lines[0].remittance.startswith("Belegloser Zahlungsauftrag")


@needs_samples
def test_encodings_utf8_and_central_european():
    kontist = mt940.read(_sample("php-mt940/Kontist/sample.sta"))[0].lines[1]
    assert kontist.counterparty_name == "Lucien Schünke"
    hungarian = mt940.read(_sample("wolph-mt940/self-provided/raiffeisen-cmi.sta"))[0]
    assert "összevont" in hungarian.lines[0].remittance
    assert hungarian.account == "123456789150ABCDEF002"  # "UBRTHUHB/…/HUF"
    assert hungarian.currency == "HUF"


@needs_samples
def test_mt942_interim_reports_have_no_balances():
    (report,) = mt940.read(_sample("wolph-mt940/mBank/mt942.sta"))
    assert report.opening_balance is None and report.closing_balance is None
    assert report.currency == "PLN"  # from :34F:
    assert [line.amount for line in report.lines] == [D("0.01")] * 3
    assert any("interim report (MT942)" in w for w in report.warnings)


@needs_samples
def test_a_terminated_statement_without_closing_balance_is_kept_with_a_warning():
    *_, last = mt940.read(_sample("oca/test-sns.940"))
    assert last.closing_balance is None
    assert len(last.lines) == 2
    assert any("no closing balance" in w for w in last.warnings)


@needs_samples
def test_balance_without_currency_takes_the_opening_one():
    first = mt940.read(_sample("wolph-mt940/self-provided/raphaelm.sta"))[0]
    assert (first.currency, first.closing_balance) == ("DEM", D("105000.00"))
    assert not first.warnings


# -- synthetic statements: one rule each ------------------------------------------------------


def _statement(
    line61: str = "",
    details: str | None = None,
    account: str = "NL91ABNA0417164300",
    opening: str = "C240101EUR100,00",
    closing: str | None = None,
) -> bytes:
    text = f":20:TEST\n:25:{account}\n:28C:1/1\n:60F:{opening}\n"
    if line61:
        text += f":61:{line61}\n"
    if details is not None:
        text += f":86:{details}\n"
    text += f":62F:{closing or opening}\n-\n"
    return text.encode()


ACCOUNTS = [
    ("NL91ABNA0417164300", "NL91ABNA0417164300", "EUR"),
    ("NL91ABNA0417164300EUR", "NL91ABNA0417164300", "EUR"),
    ("NL91ABNA0417164300 EUR", "NL91ABNA0417164300", "EUR"),
    ("ABNANL2A/NL91ABNA0417164300", "NL91ABNA0417164300", "EUR"),
    ("51210600/9223382012EUR", "51210600/9223382012", "EUR"),
    ("1291.99.348EUR", "1291.99.348", "EUR"),
    ("BPHKPLPK/320000546101", "320000546101", "EUR"),
    ("TRIODOSBANK/0390123456", "0390123456", "EUR"),
    ("0123456789", "0123456789", "EUR"),
]


@pytest.mark.parametrize(("field", "account", "currency"), ACCOUNTS)
def test_account_from_field_25(field, account, currency):
    (statement,) = mt940.read(_statement(account=field))
    assert (statement.account, statement.currency) == (account, currency)


AMOUNTS = [
    ("C380115,12", D("380115.12")),
    ("C380115,1", D("380115.10")),
    ("C380115,", D("380115.00")),
    ("C0,12", D("0.12")),
    ("D00,12", D("-0.12")),
    ("RC5,00", D("-5.00")),  # reversal of a credit
    ("RD5,00", D("5.00")),  # reversal of a debit
    ("CR7,50", D("7.50")),  # credit, funds code R
]


@pytest.mark.parametrize(("text", "amount"), AMOUNTS)
def test_amounts_are_read_from_the_text(text, amount):
    (statement,) = mt940.read(_statement(f"2401020102{text}NTRFNONREF"))
    assert statement.lines[0].amount == amount


@pytest.mark.parametrize(
    ("line61", "reason"),
    [
        ("2401020102C1,234NTRF", "more decimals than EUR"),
        ("2401020102C1,2,3NTRF", "is not an amount"),
        ("2413020102C1,00NTRF", "is not a date"),
        ("2401021332C1,00NTRF", "entry date"),
        ("24010201X1,00NTRF", "is not a statement line"),
    ],
)
def test_bad_statement_lines_are_refused_with_line_and_field(line61, reason):
    with pytest.raises(InputError) as caught:
        mt940.read(_statement(line61), file="bad.sta")
    assert (caught.value.line, caught.value.column) == (5, ":61:")
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("opening", "reason"),
    [
        ("C240101XYZ100,00", "Unknown currency"),
        ("C241301EUR100,00", "is not a date"),
        ("X240101EUR100,00", "is not a balance"),
        ("C240101EUR1,001", "more decimals"),
    ],
)
def test_bad_balances_are_refused(opening, reason):
    with pytest.raises(InputError) as caught:
        mt940.read(_statement(opening=opening))
    assert (caught.value.line, caught.value.column) == (4, ":60F:")
    assert reason in caught.value.reason


def test_a_mismatch_of_balances_is_a_warning():
    data = _statement("2401020102C5,00NTRF", opening="C240101EUR100,00", closing="C240102EUR99,00")
    (statement,) = mt940.read(data)
    assert statement.closing_balance == D("99.00")
    assert "105.00" in statement.warnings[0]


FIELDS = ("counterparty_name", "counterparty_iban", "remittance", "end_to_end_id", "structured_ref")
DETAILS = [
    (
        "166?00GUTSCHRIFT?20EREF+E2E-1?21SVWZ+Facture FA-2024-001?32DUPONT SARL"
        "?31FR7630006000011234567890189",
        {
            "counterparty_name": "DUPONT SARL",
            "counterparty_iban": "FR7630006000011234567890189",
            "remittance": "Facture FA-2024-001",
            "end_to_end_id": "E2E-1",
            "bank_code": "NTRF/166",
        },
    ),
    (
        "051?00GUTSCHRIFT?3050010517?31DE89370400440532013000?32MUSTERMANN",
        {
            "counterparty_name": "MUSTERMANN",
            "counterparty_iban": "DE89370400440532013000",
            "remittance": "GUTSCHRIFT",  # no ?20-?29: the posting text
            "bank_code": "NTRF/051",
        },
    ),
    (
        "EREF+E2E-2 MREF+M1 SVWZ+Facture 42",
        {"remittance": "Facture 42", "end_to_end_id": "E2E-2"},
    ),
    (
        "/EREF/E2E-3//CNTP/FR7630006000011234567890189/AGRIFRPP/ACME SA/PARIS"
        "///REMI/USTD//FACTURE 7/",
        {
            "counterparty_name": "ACME SA",
            "counterparty_iban": "FR7630006000011234567890189",
            "remittance": "FACTURE 7",
            "end_to_end_id": "E2E-3",
        },
    ),
    (
        "/NAME/MARTIN/REMI/STRD/CUR/RF18539007547034/",
        {"counterparty_name": "MARTIN", "structured_ref": "RF18539007547034"},
    ),
    (
        "VIR SEPA DUPONT SARL\nFACTURE FA-2024-001",
        {"remittance": "VIR SEPA DUPONT SARL FACTURE FA-2024-001"},
    ),
    ("", {}),
]


@pytest.mark.parametrize(("details", "expected"), DETAILS)
def test_details_dialects(details, expected):
    data = _statement("2401020102C5,00NTRFNONREF//BANKREF1", details, closing="C240102EUR105,00")
    (line,) = mt940.read(data)[0].lines
    wanted = {name: "" for name in FIELDS} | {"bank_code": "NTRF"} | expected
    assert {name: getattr(line, name) for name in wanted} == wanted
    assert line.bank_ref == "BANKREF1"


def test_without_86_the_supplementary_details_are_the_remittance():
    data = _statement("2401020102C5,00NTRFNONREF\nVIREMENT RECU", closing="C240102EUR105,00")
    assert mt940.read(data)[0].lines[0].remittance == "VIREMENT RECU"


def test_swift_envelope_and_several_messages():
    one = _statement().decode()
    data = f"{{1:F01BANKFRPPAXXX0000000000}}{{2:O940BANKFRPPXXXXN}}{{4:\n{one}-}}\n" * 2
    assert len(mt940.read(data.encode())) == 2


def test_empty_and_oversized_files_are_refused(monkeypatch):
    with pytest.raises(InputError, match="no MT940 statement"):
        mt940.read(b"", file="empty.sta")
    monkeypatch.setattr(mt940, "MAX_FILE_BYTES", 10)
    with pytest.raises(InputError, match="refused"):
        mt940.read(_statement(), file="big.sta")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (_statement(), True),
        (b"{1:F01X}{2:O940X}{4:\r\n:20:REF\r\n:25:123\r\n", True),
        (b":60F:C100318EUR380115,12\n:60F:C100318EUR380115,1\n", True),  # refused by read
        (b":86:091\n-", False),
        (b"Date;Libelle;Montant\n01/01/2024;X;1,00\n", False),
        (b"0130002    00447     0000888899H  160911", False),
        (b"\xff\xfe\x00garbage", False),
    ],
)
def test_sniff(head, expected):
    assert mt940.sniff(head) is expected


# -- fuzzing: mutated real files give statements or an InputError, nothing else ------------------

FUZZ_SOURCES = [
    "oca/test-ing.940",
    "php-mt940/Abn/issue48.sta",
    "wolph-mt940/betterplace/sepa_snippet.sta",
    "wolph-mt940/mBank/mt942.sta",
    "php-mt940/Kontist/sample.sta",
    "wolph-mt940/self-provided/raiffeisen-cmi.sta",
]


@st.composite
def _mutated(draw):
    return mutate(draw, _sample(draw(st.sampled_from(FUZZ_SOURCES))))


@needs_samples
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutated_files_give_statements_or_an_input_error(data):
    try:
        statements = mt940.read(data, file="fuzz.sta")
    except InputError:
        return
    assert all(isinstance(line.amount, Decimal) for s in statements for line in s.lines)
