"""Reading OFX statements: every real sample parses or is refused, counted by another method."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError
from solde.formats import ofx
from solde.formats.bankstatement import MAX_FILE_BYTES, Statement
from tests.formats.mutations import SGML_ELEMENT, mutate

D = Decimal
CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
OFX = CONFORMANCE / "ofx"
MISSING = f"conformance samples not found at {OFX}"
BP = "fr-banquepopulaire"

PARSED = [
    f"{BP}/BPACA_OP_20220717-2.ofx",
    f"{BP}/BPACA_OP_20220717.ofx",
    f"{BP}/BPACA_OP_20220802.ofx",
    f"{BP}/BPACA_OP_20220828.ofx",
    "oca/test_ofx.ofx",
    "oca/test_ofx_iban.ofx",
    "ofxparse/anzcc.ofx",
    "ofxparse/bank_medium.ofx",
    "ofxparse/checking.ofx",
    "ofxparse/multiple_accounts.ofx",
    "ofxparse/multiple_accounts2.ofx",
    "ofxparse/ofx-v102-empty-tags.ofx",  # empty CURDEF and BALAMT: warnings
    "ofxparse/suncorp.ofx",
    "ofxparse/fail_nice/empty_balance.ofx",  # no header, blank BALAMT: every amount is sound
    "ofxtools/br_nubank_cc.ofx",  # BANKTRANLIST never closed: a warning
    "ofxtools/stmtrs.ofx",
    "ofxtools/stmtrs_euro.ofx",  # decimal commas
]
NO_STATEMENT = "no bank statement in this OFX file"
INVESTMENT = f"{NO_STATEMENT} (it holds an investment statement, INVSTMTRS"
REFUSED = {
    # The empty savings account: no account number, so no one can tell whose it is.
    f"{BP}/46297554894_02092025_04102025.ofx": "BANKACCTFROM/ACCTID is empty",
    "oca/test_ofx_wrong.ofx": "STMTRS 1: no BANKACCTFROM (the account)",
    "ofxparse/account_listing_aggregation.ofx": NO_STATEMENT,
    "ofxparse/bank_small.ofx": NO_STATEMENT,
    "ofxparse/error_message.ofx": "bank sent an error instead of a statement: General Server Error",
    "ofxparse/fail_nice/date_missing.ofx": "STMTRS 1 / STMTTRN 1: no DTPOSTED (the booking date)",
    "ofxparse/fail_nice/decimal_error.ofx": "DTPOSTED: '201120000000' is not a date",
    "ofxparse/fidelity-savings.ofx": INVESTMENT,
    "ofxparse/fidelity.ofx": INVESTMENT,
    "ofxparse/investment_401k.ofx": INVESTMENT,
    "ofxparse/investment_medium.ofx": INVESTMENT,
    "ofxparse/signon_fail.ofx": "the bank refused the sign-on: Your request could not be processed",
    "ofxparse/signon_success.ofx": NO_STATEMENT,
    "ofxparse/signon_success_no_message.ofx": NO_STATEMENT,
    "ofxparse/td_ameritrade.ofx": INVESTMENT,
    "ofxparse/tiaacref.ofx": INVESTMENT,
    "ofxparse/vanguard.ofx": INVESTMENT,
    "ofxparse/vanguard401k.ofx": INVESTMENT,
    "ofxtools/invstmtrs.ofx": INVESTMENT,
    "ofxtools/profrs.ofx": f"{NO_STATEMENT} (it holds a profile response, PROFRS",
}


def _bytes(name: str) -> bytes:
    path = OFX / name
    if not path.is_file():
        pytest.skip(MISSING)
    return path.read_bytes()


def _read(name: str, data: bytes | None = None) -> list[Statement]:
    return ofx.read(_bytes(name) if data is None else data, file=name)


def test_every_sample_is_either_parsed_or_refused():
    if not OFX.is_dir():
        pytest.skip(MISSING)
    found = {str(p.relative_to(OFX)) for p in OFX.rglob("*.ofx")}
    assert found == set(PARSED) | set(REFUSED)


# -- counts and sums, checked by a regex over the file -----------------------------------------


def _expected(text: str) -> list[tuple[int, Decimal, Decimal | None]]:
    """Per statement: STMTTRN count, TRNAMT sum and LEDGERBAL, read with regexes."""
    result = []
    for block in re.findall(r"<(?:CC)?STMTRS>(.*?)</(?:CC)?STMTRS>", text, flags=re.S):
        amounts = re.findall(r"<TRNAMT>\s*([^<\s]+)", block)
        balance = re.search(r"<LEDGERBAL>\s*<BALAMT>\s*([^<\s]*)", block)
        closing = D(balance[1].replace(",", ".")) if balance and balance[1] else None
        total = sum((D(a.replace(",", ".")) for a in amounts), D(0))
        result.append((block.count("<STMTTRN>"), total, closing))
    return result


@pytest.mark.parametrize("name", PARSED)
def test_bank_and_card_samples_parse_with_their_counts_and_sums(name):
    data = _bytes(name)
    statements = _read(name)
    got = [
        (len(s.lines), sum((x.amount for x in s.lines), D(0)), s.closing_balance)
        for s in statements
    ]
    assert got == _expected(data.decode("latin-1"))
    for statement in statements:
        assert statement.format == "ofx" and statement.account
        assert statement.statement_id == "" and statement.opening_balance is None
        for line in statement.lines:
            assert isinstance(line.amount, Decimal) and isinstance(line.booking_date, date)
            assert line.end_to_end_id == ""
    assert ofx.sniff(data[:4096])


@pytest.mark.parametrize(("name", "message"), sorted(REFUSED.items()))
def test_other_samples_are_refused_cleanly(name, message):
    with pytest.raises(InputError) as caught:
        _read(name)
    assert message in str(caught.value)
    assert str(caught.value).startswith(name)


def test_a_bad_amount_in_a_headerless_file_is_refused_with_its_line():
    data = _bytes("ofxparse/fail_nice/decimal_error.ofx").replace(b"201120000000", b"20111120")
    with pytest.raises(InputError) as caught:
        _read("decimal_error.ofx", data)
    assert "STMTRS 1 / STMTTRN 1 / TRNAMT: '$120' is not an amount" in str(caught.value)
    assert caught.value.line == 37


# -- fields ------------------------------------------------------------------------------------


def test_banque_populaire_french_labels_go_into_the_remittance():
    checking, savings = _read(f"{BP}/BPACA_OP_20220717-2.ofx")
    assert (checking.account, checking.currency) == ("99999999999", "EUR")
    assert (checking.closing_balance, checking.closing_date) == (D("139.44"), date(2022, 7, 17))
    card = checking.lines[0]
    assert (card.booking_date, card.amount, card.bank_ref, card.bank_code) == (
        date(2022, 7, 15),
        D("-75.00"),
        "202200700005BD27",
        "DEBIT",
    )
    assert card.counterparty_name == "130722 CB****9630"
    assert (
        card.remittance == "130722 CB****9630 SUMUP *LE BOUDFR BORDEAUX 75,00EUR 1 EURO = 1,000000"
    )
    assert checking.lines[1].remittance == "VIR pole emploi 6269525B remboursement trop percu"
    (credit,) = savings.lines
    assert (credit.amount, credit.remittance) == (D("200.00"), "VIR MME SEVERINE PUILLET epargne")
    assert savings.closing_balance == D("1760.00")


def test_windows_1252_accents_are_read_right():
    data = _bytes(f"{BP}/BPACA_OP_20220717-2.ofx")
    data = data.replace(b"VIR pole emploi", "VIR pôle emploi".encode("cp1252"))
    data = data.replace(b"trop percu", "trop perçu — €".encode("cp1252"))
    line = _read("bp.ofx", data)[0].lines[1]
    assert line.counterparty_name == "VIR pôle emploi"
    assert line.remittance == "VIR pôle emploi 6269525B remboursement trop perçu — €"


def test_utf8_declared_in_the_header_wins_over_the_charset():
    data = _bytes(f"{BP}/BPACA_OP_20220717-2.ofx")
    data = data.replace(b"ENCODING:USASCII", b"ENCODING:UTF-8").replace(
        b"CHARSET:1252", b"CHARSET:NONE"
    )
    data = data.replace(b"trop percu", "trop perçu".encode())
    assert _read("bp.ofx", data)[0].lines[1].remittance.endswith("trop perçu")


def test_english_name_is_the_counterparty_and_memo_the_remittance():
    (statement,) = _read("ofxparse/checking.ofx")
    first = statement.lines[0]
    assert first.counterparty_name == "DIVIDEND EARNED FOR PERIOD OF 03"
    assert first.remittance.startswith("DIVIDEND EARNED FOR PERIOD OF 03/01/2011 THROUGH")
    assert (first.booking_date, first.amount, first.bank_code) == (
        date(2011, 3, 31),
        D("0.01"),
        "CREDIT",
    )


def test_xml_ofx_fields_and_decimal_commas():
    for name in ("ofxtools/stmtrs.ofx", "ofxtools/stmtrs_euro.ofx"):
        (statement,) = _read(name)
        got = [(x.booking_date, x.amount, x.bank_ref, x.bank_code) for x in statement.lines]
        assert got == [
            (date(2005, 10, 4), D("-200.00"), "00002", "CHECK"),
            (date(2005, 10, 20), D("-300.00"), "00003", "ATM"),
        ]
        assert (statement.account, statement.currency) == ("999988", "USD")
        assert (statement.closing_balance, statement.closing_date) == (
            D("200.29"),
            date(2005, 10, 29),
        )


def test_value_date_and_payee_name():
    data = _bytes("ofxtools/stmtrs.ofx").replace(
        b"<FITID>00002</FITID>",
        b"<FITID>00002</FITID><DTAVAIL>20051006</DTAVAIL>"
        b"<PAYEE><NAME>Acme &amp; Co</NAME><ADDR1>1 Main St</ADDR1><CITY>Town</CITY>"
        b"<STATE>CA</STATE><POSTALCODE>90000</POSTALCODE></PAYEE><MEMO>Invoice 42</MEMO>",
    )
    line = _read("stmtrs.ofx", data)[0].lines[0]
    assert (line.value_date, line.counterparty_name, line.remittance) == (
        date(2005, 10, 6),
        "Acme & Co",
        "Invoice 42",
    )


def test_several_accounts_give_several_statements():
    bank, card = _read("oca/test_ofx.ofx")
    assert (bank.account, card.account) == ("123456", "123412341234")
    assert [x.counterparty_name for x in bank.lines] == [
        "Agrolait",
        "China Export",
        "Axelor Scuba",
        "China Scuba",
    ]  # four BANKTRANLIST in one statement
    assert (card.lines, card.closing_balance) == ((), D("-562.00"))
    assert bank.lines[0].booking_date == date(2013, 8, 24)


def test_credit_card_statement():
    (statement,) = _read("ofxtools/br_nubank_cc.ofx")
    assert (statement.currency, len(statement.lines)) == ("BRL", 6)
    assert statement.lines[0].booking_date == date(2024, 3, 23)  # 20240323000000[-3:GMT]
    assert (statement.closing_balance, statement.closing_date) == (D("-1280.91"), date(2024, 3, 25))
    assert "<BANKTRANLIST> of line 37 has no end tag" in statement.warnings[0]


def test_empty_tags_file_takes_the_transaction_currency():
    (statement,) = _read("ofxparse/ofx-v102-empty-tags.ofx")
    assert (statement.account, statement.currency, statement.closing_balance) == (
        "12345678",
        "AUD",
        None,
    )
    (line,) = statement.lines
    assert (line.amount, line.bank_ref, line.remittance, line.bank_code) == (
        D("12.34"),
        "",
        "CBA:Transfer",
        "CREDIT",
    )
    assert len(statement.warnings) == 2


def test_the_empty_savings_account_file_is_refused_naming_the_field():
    with pytest.raises(InputError) as caught:
        _read(f"{BP}/46297554894_02092025_04102025.ofx")
    assert caught.value.line == 30
    assert "the file does not say whose account" in str(caught.value)


# -- refusals on derived files -----------------------------------------------------------------


def _stmtrs() -> bytes:
    return _bytes("ofxtools/stmtrs.ofx")


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        ((b"-200.00", b"-2.000.00"), "STMTTRN 1 / TRNAMT: '-2.000.00' is not an amount", 41),
        ((b"-200.00", b"1e5"), "'1e5' is not an amount", 41),
        ((b"-200.00", b""), "STMTRS 1 / STMTTRN 1: no TRNAMT (the amount)", 41),
        ((b"<DTPOSTED>20051004", b"<DTPOSTED>20051304"), "'20051304' is not a date", 40),
        ((b"<DTPOSTED>20051004", b"<DTPOSTED>2005-10-04"), "'2005-10-04' is not a date", 40),
        ((b"<CURDEF>USD", b"<CURDEF>XYZ"), "CURDEF: unknown currency code 'XYZ'", 29),
        (
            (b"<BALAMT>200.29</BALAMT>\n", b"<BALAMT>n/a</BALAMT>\n"),
            "BALAMT: 'n/a' is not an amount",
            54,
        ),
        ((b"</STMTTRN>", b"</STMTTRN></FOO>"), "</FOO> closes nothing", 44),
        ((b"<BANKTRANLIST>", b"<BANKTRANLIST>junk"), "<BANKTRANLIST> holds text", 35),
        ((b"<STMTRS>", b"<STMTRS><!DOCTYPE x>"), "unexpected markup '<!DOCTYPE x>", 28),
        ((b'VERSION="200"', b'VERSION="999"'), "malformed OFX header", None),
        ((b'encoding="UTF-8"', b'encoding="bogus"'), "unknown encoding 'bogus'", None),
        ((b"</OFX>", b"</OFX><OFX>"), "unexpected <OFX> after </OFX>", 64),
        ((b"<OFX>", b"hello <OFX>"), "unexpected text 'hello'", 4),
    ],
)
def test_bad_content_is_refused_naming_file_field_and_line(change, message, line):
    data = _stmtrs().replace(*change, 1)
    with pytest.raises(InputError) as caught:
        ofx.read(data, file="bad.ofx")
    assert message in str(caught.value) and str(caught.value).startswith("bad.ofx")
    assert caught.value.line == line


def test_a_truncated_file_is_refused():
    data = _stmtrs()
    with pytest.raises(InputError, match=r"the file ends before </[A-Z]+> .*truncated"):
        ofx.read(data[: len(data) // 2], file="cut.ofx")


def test_a_byte_that_is_not_windows_1252_is_refused_with_its_line():
    data = _bytes(f"{BP}/BPACA_OP_20220717-2.ofx").replace(b"trop percu", b"trop perc\x81")
    with pytest.raises(InputError) as caught:
        ofx.read(data, file="bp.ofx")
    assert "byte 0x81 is not valid cp1252" in str(caught.value) and caught.value.line == 57


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not an OFX file"),
        (b"Date;Amount\n2024-01-01;12,50\n", "not an OFX file"),
        (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:abc\n<OFX></OFX>", "malformed OFX header"),
        (b"OFXHEADER:100\nDATA:OFXSGML\n", "no <OFX> after the OFX header"),
        (b"<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>", NO_STATEMENT),
    ],
)
def test_things_that_are_not_statements_are_refused(data, message):
    with pytest.raises(InputError, match=re.escape(message)):
        ofx.read(data, file="x.ofx")


def test_files_over_the_limit_are_refused_before_parsing():
    with pytest.raises(InputError, match=f"more than the {MAX_FILE_BYTES} accepted"):
        ofx.read(b" " * (MAX_FILE_BYTES + 1), file="big.ofx")


@pytest.mark.parametrize(
    "head", [b"", b"<?xml version='1.0'?><Document/>", b"PK\x03\x04", b"\xff" * 9]
)
def test_sniff_says_no_to_other_formats(head):
    assert ofx.sniff(head) is False


def test_sniff_says_no_to_camt053_samples():
    folder = CONFORMANCE / "camt053" / "genkgo"
    if not folder.is_dir():
        pytest.skip(MISSING)
    assert not any(ofx.sniff(p.read_bytes()[:4096]) for p in folder.glob("*.xml"))


# -- fuzzing: only InputError may come out -----------------------------------------------------


def _corpus() -> list[bytes]:
    return [(OFX / n).read_bytes() for n in PARSED + sorted(REFUSED) if (OFX / n).is_file()]


@st.composite
def _mutated(draw, corpus: list[bytes]) -> bytes:
    data = draw(st.sampled_from(corpus))
    return mutate(
        draw,
        data,
        inserts=(b"<", b"</", b"&#0;", b"<STMTTRN>", b"</BANKTRANLIST>"),
        repeat=SGML_ELEMENT,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_samples_give_statements_or_input_error_only(data):
    corpus = _corpus()
    if not corpus:
        pytest.skip(MISSING)
    mutated = data.draw(_mutated(corpus))
    try:
        statements = ofx.read(mutated, file="fuzz.ofx")
    except InputError as exc:
        assert str(exc).startswith("fuzz.ofx")
    else:
        assert all(isinstance(s, Statement) for s in statements)
    ofx.sniff(mutated[:4096])
