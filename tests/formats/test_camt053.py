"""Reading CAMT.053 statements: real samples, genkgo's parse results, the rules, the refusals."""

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError
from solde.core.money import currency_decimals
from solde.formats import camt053
from solde.formats.bankstatement import MAX_FILE_BYTES, Statement
from tests.formats.mutations import XML_ELEMENT, mutate

D = Decimal
CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
CAMT = CONFORMANCE / "camt053"
MISSING = f"conformance samples not found at {CAMT}"
REFUSED = {"genkgo/camt053.v2.wrong.xml", "ofxstatement-iso20022/unsupported.xml"}
STATEMENT_FOLDERS = ("genkgo", "oca", "swiss-dvbern", "ofxstatement-iso20022")


def _names(pattern: str) -> list:
    names = sorted(str(p.relative_to(CAMT)) for p in CAMT.glob(pattern)) if CAMT.is_dir() else []
    return names or [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]


def _bytes(name: str) -> bytes:
    path = CAMT / name
    if not path.is_file():
        pytest.skip(MISSING)
    return path.read_bytes()


def _read(name: str) -> list[Statement]:
    return camt053.read(_bytes(name), file=name)


STATEMENT_SAMPLES = [
    name
    for folder in STATEMENT_FOLDERS
    for name in _names(f"{folder}/*.xml")
    if not isinstance(name, str) or name not in REFUSED
]


# -- every sample ------------------------------------------------------------------------------


def _lines_by_regex(text: str) -> int:
    """Lines a file should give, counted without the parser: one per TxDtls, or per Ntry."""
    entries = re.findall(r"<Ntry>(.*?)</Ntry>", text, flags=re.S)
    return sum(max(1, entry.count("<TxDtls>")) for entry in entries)


@pytest.mark.parametrize("name", STATEMENT_SAMPLES)
def test_every_statement_sample_parses_with_one_line_per_detail(name):
    statements = _read(name)
    text = _bytes(name).decode("utf-8")
    assert len(statements) == text.count("<Stmt>")
    assert sum(len(s.lines) for s in statements) == _lines_by_regex(text)
    for statement in statements:
        assert statement.format == "camt053"
        assert statement.account and re.fullmatch(r"[A-Z]{3}", statement.currency)
        for line in statement.lines:
            assert isinstance(line.amount, Decimal) and isinstance(line.booking_date, date)
            assert line.source.startswith("Stmt ")


@pytest.mark.parametrize("name", STATEMENT_SAMPLES)
def test_sniff_recognises_every_statement_sample(name):
    assert camt053.sniff(_bytes(name)[:4096])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("genkgo/camt053.v2.wrong.xml", "no Stmt in BkToCstmrStmt"),
        ("ofxstatement-iso20022/unsupported.xml", "found namespace 'urn:weird-namespace'"),
    ],
)
def test_broken_samples_are_refused(name, message):
    with pytest.raises(InputError) as caught:
        _read(name)
    assert message in str(caught.value)
    assert str(caught.value).startswith(name)


@pytest.mark.parametrize("name", _names("related-camt052-054/*/*.xml"))
def test_camt052_and_camt054_are_refused_as_not_a_statement(name):
    data = _bytes(name)
    assert not camt053.sniff(data[:4096])
    with pytest.raises(InputError) as caught:
        camt053.read(data, file=name)
    message = str(caught.value)
    kind = re.search(rb"camt\.05([24])\.001", data[:600])
    if kind:
        assert f"(camt.05{kind[1].decode()}), not a statement" in message
    else:  # the empty <Document/>
        assert "found no namespace" in message
    assert "accepted: urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN" in message


# -- genkgo's own parse results as expected values ---------------------------------------------


def _genkgo_cases() -> list:
    folder = CAMT / "genkgo"
    names = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    return [n for n in names if n != "camt53.only-Dt-with-DtTm.json"] or _names("nothing")


def _money(value: dict) -> tuple[Decimal, str]:
    currency = value["getCurrency"]["getCode"]
    return D(value["getAmount"]).scaleb(-currency_decimals(currency)), currency


def _day(value: dict | None) -> date | None:
    return date.fromisoformat(value["0"][:10]) if value else None


def _expected_party(detail: dict, credit: bool) -> str:
    """Debtor of a credit (else the ultimate debtor), creditor of a debit."""
    kinds = ("Debtor", "UltimateDebtor") if credit else ("Creditor", "UltimateCreditor")
    parties = {
        p["getRelatedPartyType"]["__CLASS__"].rsplit("\\", 1)[1]: p["getRelatedPartyType"]
        for p in detail["getRelatedParties"]
        if isinstance(p, dict)
    }
    return next((parties[k]["getName"] for k in kinds if k in parties), "")


def _expected_bank_code(code: dict) -> str:
    if code.get("getDomain"):
        family = code["getDomain"]["getFamily"]
        return "-".join(
            [code["getDomain"]["getCode"], family["getCode"], family["getSubFamilyCode"]]
        )
    return code["getProprietary"]["getCode"] if code.get("getProprietary") else ""


@pytest.mark.parametrize("json_name", _genkgo_cases())
def test_genkgo_results_are_ours(json_name):
    expected = json.loads((CAMT / "genkgo" / json_name).read_text())
    statements = {s.statement_id: s for s in _read(f"genkgo/{json_name[:-5]}.xml")}
    assert len(statements) == len(expected["getRecords"])
    for entry in expected["getEntries"]:
        record = entry["getRecord"]
        statement = statements[record["getId"]]
        assert statement.account == record["getAccount"]["getIdentification"]
        assert len(statement.lines) == len(record["getEntries"])
        balances = [
            (b["getType"], *_money(b["getAmount"]), _day(b["getDate"]))
            for b in record["getBalances"]
        ]
        same = [b for b in balances if b[2] == statement.currency]
        opening = next((b for b in same if b[0] == "opening"), (None,) * 4)
        closing = next((b for b in same if b[0] == "closing"), (None,) * 4)
        assert (statement.opening_balance, statement.opening_date) == (opening[1], opening[3])
        assert (statement.closing_balance, statement.closing_date) == (closing[1], closing[3])

        line = statement.lines[entry["getIndex"]]
        amount, currency = _money(entry["getAmount"])
        assert (line.amount, line.currency) == (amount, currency)
        assert line.booking_date == _day(entry["getBookingDate"])
        assert line.value_date == _day(entry["getValueDate"])
        assert line.bank_code == _expected_bank_code(entry["getBankTransactionCode"])
        detail = entry["getTransactionDetail"]
        refs = detail["getReference"] or {}
        assert line.bank_ref == (
            refs.get("getAccountServicerReference") or entry["getAccountServicerReference"] or ""
        )
        assert line.end_to_end_id == (refs.get("getEndToEndId") or "")
        remittance = detail["getRemittanceInformation"] or {}
        unstructured = remittance.get("getUnstructuredBlocks") and remittance["getMessage"]
        assert line.remittance == (unstructured or "")
        creditor_ref = remittance.get("getCreditorReferenceInformation") or {}
        assert line.structured_ref == (creditor_ref.get("getRef") or "")
        assert line.counterparty_name == _expected_party(detail, amount > 0)


def test_a_balance_dated_with_nanoseconds_and_no_entry():
    (statement,) = _read("genkgo/camt53.only-Dt-with-DtTm.xml")
    assert (statement.account, statement.currency) == ("GB33BUKB20201555555555", "RON")
    assert statement.opening_balance == D("5442.09")
    assert str(statement.opening_balance) == "5442.09"  # 5442.09000 quantized without loss
    assert statement.opening_date == date(2025, 7, 23)
    assert statement.lines == ()


def test_a_closing_balance_in_another_currency_is_ignored_with_a_warning():
    (statement,) = _read("genkgo/camt053.v2.minimal.xml")
    assert statement.closing_balance is None
    assert any("CLBD balance is in SEK, the account in EUR" in w for w in statement.warnings)


# -- explicit expectations for the other samples -----------------------------------------------

POSTFINANCE = "swiss-dvbern/camt.053_P_CH0309000000250090342_380000000_0_2016053100163801.xml"


def test_postfinance_batches_give_one_line_per_transaction_detail():
    (statement,) = _read(POSTFINANCE)
    assert (statement.account, statement.currency) == ("CH0309000000250090342", "CHF")
    assert len({line.source.rsplit(" / TxDtls", 1)[0] for line in statement.lines}) == 13
    assert len(statement.lines) == 32
    assert (statement.opening_balance, statement.opening_date) == (
        D("322152.16"),
        date(2016, 4, 29),
    )
    assert (statement.closing_balance, statement.closing_date) == (
        D("322689.77"),
        date(2016, 4, 30),
    )
    assert sum(line.amount for line in statement.lines) == D("537.61")
    assert sum(line.amount for line in statement.lines if line.amount < 0) == D("-1272.95")
    batch = [line for line in statement.lines if line.source.startswith("Stmt 1 / Ntry 7 /")]
    assert len(batch) == 10 and sum(line.amount for line in batch) == D("1000.00")
    assert batch[0].structured_ref == "000000000002015110002913192"
    assert batch[0].bank_ref == "160527CH00T3L0GE"  # the detail's own AcctSvcrRef
    by_source = {line.source: line for line in statement.lines}
    debit = by_source["Stmt 1 / Ntry 10 / TxDtls 1"]
    assert (debit.amount, debit.bank_ref) == (D("15.00"), "TST_201-2091644-9")
    assert debit.end_to_end_id == "EndToEnd-CRDBRActSame-1B9C-CHDDBB2"
    assert (debit.counterparty_name, debit.counterparty_iban) == (
        "Rutschmann Pia",
        "CH4409000000495962779",
    )
    assert debit.remittance == "Mitteilung 132"
    assert debit.bank_code == "PMNT-RDDT-PMDD"
    fee = by_source["Stmt 1 / Ntry 1 / TxDtls 1"]
    assert fee.amount == D("-24.00")
    assert fee.remittance == "UEBRIGE: 25-9034-2 FÜR KONTOAUSZUG PAPIER TÄGLICH"


def test_oca_direct_debits_and_a_returned_batch():
    (statement,) = _read("oca/test-camt053.xml")
    assert statement.account == "NL77ABNA0574908765"
    assert (statement.opening_balance, statement.closing_balance) == (D("15568.27"), D("15121.12"))
    got = [(x.amount, x.end_to_end_id, x.counterparty_iban) for x in statement.lines]
    assert got == [
        (D("-754.25"), "435005714488-ABNO33052620", "NL46ABNA0499998748"),
        (D("-564.05"), "TESTBANK/NL/20141229/01206408", "NL46ABNA0499998748"),
        (D("-100.00"), "TESTBANK/NL/20141229/01206407", "NL46ABNA0499998748"),
        (D("1405.31"), "115", "NL69ABNA0522123643"),
    ]
    first, _, _, last = statement.lines
    assert first.counterparty_name == "INSURANCE COMPANY TESTX"  # a debit: the creditor
    assert first.remittance == "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014"
    assert (first.bank_code, first.booking_date) == ("PMNT-RDDT-ESDD", date(2014, 1, 5))
    assert last.counterparty_name == "3rd party Media"  # a credit: the debtor
    assert last.remittance == "#RD PARTY MEDIA CUSNO 90782 4210773"  # AddtlTxInf, no Ustrd


def test_oca_batch_with_detail_references_and_entry_information():
    (statement,) = _read("oca/test-camt053-txdtls.xml")
    first, second = statement.lines
    assert (first.amount, second.amount) == (D("2187.00"), D("1296.00"))
    assert first.bank_ref == "123456CHCAFEBABE"
    assert first.structured_ref == "302388292000011111111111111"
    assert (first.counterparty_name, first.counterparty_iban) == (
        "Banque Cantonale Vaudoise",
        "CH2222000000123456789",
    )
    assert first.bank_code == "PMNT-RCDT-VCOM"  # the entry's code
    assert first.remittance.startswith("CRÉDIT GROUPÉ BVR TRAITEMENT DU 22.03.2017")
    assert second.source == "Stmt 1 / Ntry 1 / TxDtls 2"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("oca/test-camt053-bookgdt-dttm.xml", [(D("-754.25"), date(2014, 1, 4), date(2014, 1, 5))]),
        ("oca/test-camt053-no-ntry.xml", []),
        ("oca/sftp-camt053.xml", [(D("-1200.00"), date(2024, 3, 2), date(2024, 3, 2))]),
        (
            "swiss-dvbern/Business_Sample_camt.053.001.04.xml",
            [
                (D("105678.50"), date(2010, 10, 18), date(2010, 10, 18)),
                (D("-200000.00"), date(2010, 10, 18), date(2010, 10, 18)),
                (D("30000.00"), date(2010, 10, 18), date(2010, 10, 18)),
            ],
        ),
        (
            "ofxstatement-iso20022/camt053.xml",
            [(D("1284.30"), date(2023, 1, 25), date(2023, 1, 25))],
        ),
    ],
)
def test_amounts_and_dates(name, expected):
    (statement,) = _read(name)
    assert [(x.amount, x.booking_date, x.value_date) for x in statement.lines] == expected


def test_version_08_parties_and_references():
    (statement,) = _read("ofxstatement-iso20022/camt053.xml")
    (line,) = statement.lines
    assert (statement.account, statement.currency) == ("0035-2915203-10-000", "CHF")
    assert line.bank_ref == "A032-J30K20-03-JF021"  # the detail's, not the entry's
    assert (line.end_to_end_id, line.counterparty_name) == ("9502830971", "PAYEE")
    assert (line.remittance, line.bank_code) == ("PAYMENT INFO", "PMNT-RCDT-DMCT")


def test_entries_without_details_take_the_entry_information():
    (statement,) = _read("ofxstatement-iso20022/davider80.xml")
    assert len(statement.lines) == 16
    first, second = statement.lines[:2]
    assert (first.amount, first.booking_date, first.value_date) == (
        D("-905.30"),
        date(2017, 4, 1),
        date(2017, 4, 3),
    )
    assert first.bank_ref == "210564431020000000024556150000"
    assert first.remittance == "Sistema di addebitamento diretto xxxxxxxxxxxxxxxxxxxxxx AG"
    assert (
        second.remittance
        == "Acquisto MIGROS M ARBEDO-CAST 31.03.2017/13:30 / N. carta Maestro xxxxxxxx"
    )
    assert first.source == "Stmt 1 / Ntry 1"


def test_notprovided_end_to_end_id_is_empty_and_texts_keep_their_accents():
    (statement,) = _read("ofxstatement-iso20022/simple.xml")
    first = statement.lines[0]
    assert first.end_to_end_id == ""
    assert (first.counterparty_name, first.remittance) == (
        "AB DNB Bankas",
        "Sąskaitos aptarnavimo mokestis",
    )


def test_multi_statement_file_gives_one_statement_each():
    first, second = _read("genkgo/camt053.v2.multi.statement.xml")
    assert (first.statement_id, second.statement_id) == (
        "253EURNL26VAYB8060476890",
        "254EURNL26VAYB8060476890",
    )
    assert [x.amount for x in first.lines + second.lines] == [D("8.85"), D("-7.00")]


# -- sum of the lines against the balances -----------------------------------------------------

# Files stating both balances whose lines do NOT add up to closing − opening, and why.
UNBALANCED = {
    "genkgo/camt053.v2.all-balance-types.xml": "synthetic balances 1.01 … 10.10 (one per type)",
    "genkgo/camt053.v2.five.decimals.xml": "synthetic: 18.150 + 8.850 is not 27.050",
    "oca/test-camt053.xml": "OCA test excerpt: entries left out of the file",
    "oca/test-camt053-bookgdt-dttm.xml": "OCA test excerpt: one entry of the statement only",
    "ofxstatement-iso20022/gcamp6.xml": "anonymised (currency XXX): amounts no longer add up",
}


@pytest.mark.parametrize("name", STATEMENT_SAMPLES + _names("oca/*.zip"))
def test_lines_add_up_to_the_balance_movement_where_the_file_is_complete(name):
    data = _bytes(name)
    for statement in camt053.read(data, file=name):
        if statement.opening_balance is None or statement.closing_balance is None:
            continue  # nothing to check against
        moved = statement.closing_balance - statement.opening_balance
        balanced = sum(line.amount for line in statement.lines) == moved
        incomplete = name in UNBALANCED or name.endswith(".zip")  # the zip holds OCA excerpts
        assert balanced is not incomplete, UNBALANCED.get(name, name)


# -- zip archives ------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_the_oca_zip_holds_two_statements():
    data = _bytes("oca/test-camt053.zip")
    assert camt053.sniff(data[:4096])
    first, second = camt053.read(data, file="test-camt053.zip")
    assert (first.statement_id, second.statement_id) == ("1234Test/2", "1234Test/3")
    assert first.lines[0].source == "test-camt053_02.xml: Stmt 1 / Ntry 1 / TxDtls 1"
    assert first.lines[0].booking_date == date(2014, 2, 5)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({}, "the ZIP archive holds no file"),
        ({f"s{n}.xml": b"<x/>" for n in range(51)}, "holds 51 files, more than the 50 accepted"),
        ({"readme.txt": b"hello"}, "readme.txt"),
        ({"bomb.xml": b" " * (MAX_FILE_BYTES + 1)}, "bomb.xml (uncompressed) is"),
    ],
)
def test_zip_archives_are_refused_when_empty_too_big_or_not_camt(members, message):
    with pytest.raises(InputError) as caught:
        camt053.read(_zip(members), file="a.zip")
    assert message in str(caught.value) and str(caught.value).startswith("a.zip")


def test_a_camt054_inside_a_zip_is_refused_naming_the_member():
    inner = _bytes("related-camt052-054/oca/test-camt054.xml")
    with pytest.raises(InputError) as caught:
        camt053.read(_zip({"notif.xml": inner}), file="a.zip")
    assert str(caught.value).startswith("a.zip/notif.xml") and "camt.054" in str(caught.value)


def test_a_truncated_zip_is_refused():
    data = _bytes("oca/test-camt053.zip")
    with pytest.raises(InputError, match="ZIP"):
        camt053.read(data[: len(data) // 2], file="a.zip")


# -- the rules, on small documents ------------------------------------------------------------


def _doc(entries: str, *, version: str = "02", balances: str | None = None) -> bytes:
    if balances is None:
        balances = _bal("OPBD", "100.00") + _bal("CLBD", "150.00")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-03-02T08:00:00</CreDtTm>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
{balances}
{entries}
</Stmt></BkToCstmrStmt></Document>
""".encode()


def _bal(code: str, amount: str, ind: str = "CRDT") -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{amount}</Amt>"
        f"<CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>"
    )


def _ntry(amount="50.00", ind="CRDT", details="", status="BOOK", ccy="EUR", day="2026-03-01"):
    return (
        f"<Ntry><Amt Ccy='{ccy}'>{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>{status}</Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>"
        f"<AcctSvcrRef>E1</AcctSvcrRef><NtryDtls>{details}</NtryDtls>"
        f"<AddtlNtryInf>Entry text</AddtlNtryInf></Ntry>"
    )


def _tx(amount=None, ind=None, extra=""):
    amt = f"<Amt Ccy='EUR'>{amount}</Amt>" if amount else ""
    cdt = f"<CdtDbtInd>{ind}</CdtDbtInd>" if ind else ""
    return f"<TxDtls>{amt}{cdt}{extra}</TxDtls>"


def _one(data: bytes) -> Statement:
    (statement,) = camt053.read(data, file="s.xml")
    return statement


def test_a_detail_debit_inside_a_credit_batch_is_negative():
    statement = _one(
        _doc(_ntry("50.00", details=_tx("70.00") + _tx("20.00", "DBIT")), version="04")
    )
    assert [x.amount for x in statement.lines] == [D("70.00"), D("-20.00")]
    assert statement.warnings == ()


def test_a_batch_that_does_not_add_up_is_kept_with_a_warning():
    statement = _one(_doc(_ntry("50.00", details=_tx("30.00") + _tx("30.00")), version="04"))
    assert [x.amount for x in statement.lines] == [D("30.00"), D("30.00")]
    assert "the TxDtls add up to 60.00, the entry 50.00" in statement.warnings[0]


def test_a_batch_whose_details_have_no_amount_stays_one_line():
    statement = _one(_doc(_ntry("50.00", details=_tx() + _tx())))
    (line,) = statement.lines
    assert (line.amount, line.source, line.remittance) == (
        D("50.00"),
        "Stmt 1 / Ntry 1",
        "Entry text",
    )
    assert "Ntry 1 / TxDtls 1 has no amount: the batch is kept as one line" in statement.warnings[0]


def test_a_single_detail_keeps_the_entry_amount():
    statement = _one(_doc(_ntry("50.00", details=_tx("49.00")), version="04"))
    assert statement.lines[0].amount == D("50.00")
    assert "the entry's booked amount is kept" in statement.warnings[0]


def test_pending_entries_are_left_out_with_a_warning():
    statement = _one(_doc(_ntry("50.00") + _ntry("9.00", status="PDNG")))
    assert [x.amount for x in statement.lines] == [D("50.00")]
    assert "Ntry 2: status PDNG, not booked: left out" in statement.warnings[0]


def test_sub_cent_amounts_are_kept_as_stated_with_a_warning():
    statement = _one(_doc(_ntry("50.005")))
    assert str(statement.lines[0].amount) == "50.005"
    assert "has more decimals than the currency" in statement.warnings[0]


def test_previous_closing_balance_stands_in_for_a_missing_opening_one():
    balances = _bal("PRCD", "10.00", "DBIT") + _bal("CLBD", "40.00")
    statement = _one(_doc(_ntry("50.00"), balances=balances))
    assert (statement.opening_balance, statement.closing_balance) == (D("-10.00"), D("40.00"))


@pytest.mark.parametrize(
    ("extra", "field", "value"),
    [
        ("<RmtInf><Ustrd>INV-1</Ustrd><Ustrd>INV-2</Ustrd></RmtInf>", "remittance", "INV-1 INV-2"),
        ("<AddtlTxInf>Tx text</AddtlTxInf>", "remittance", "Tx text Entry text"),
        ("", "remittance", "Entry text"),
        ("<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>", "end_to_end_id", ""),
        ("<Refs><AcctSvcrRef>T9</AcctSvcrRef></Refs>", "bank_ref", "T9"),
        ("", "bank_ref", "E1"),
        (
            "<RltdPties><UltmtDbtr><Nm>Ultimate</Nm></UltmtDbtr></RltdPties>",
            "counterparty_name",
            "Ultimate",
        ),
        (
            "<RltdPties><Dbtr><Nm>Payer</Nm></Dbtr><Cdtr><Nm>Us</Nm></Cdtr></RltdPties>",
            "counterparty_name",
            "Payer",
        ),
        ("<BkTxCd><Prtry><Cd>X1</Cd></Prtry></BkTxCd>", "bank_code", "X1"),
    ],
)
def test_detail_fields(extra, field, value):
    statement = _one(_doc(_ntry("50.00", details=_tx(extra=extra))))
    assert getattr(statement.lines[0], field) == value


# -- refusals ---------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol3;</Document>"""
GOOD = _doc(_ntry("50.00"))


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "the file is empty", None),
        (b"%PDF-1.7 not xml", "not well-formed XML", 1),
        (GOOD[: len(GOOD) // 2], "not well-formed XML", None),
        (BILLION_LAUGHS, "document type declaration", 2),
        (
            GOOD.replace(
                b'<?xml version="1.0" encoding="UTF-8"?>',
                b'<!DOCTYPE d SYSTEM "http://x.invalid/d.dtd">',
            ),
            "document type declaration",
            1,
        ),
        (
            GOOD.replace(b"camt.053.001.02", b"camt.053.001.14"),
            "version 001.14 is not supported",
            2,
        ),
        (
            GOOD.replace(b"camt.053.001.02", b"camt.053.001.01"),
            "version 001.01 is not supported",
            2,
        ),
        (
            GOOD.replace(b"camt.053.001.02", b"pain.001.001.03"),
            "credit transfer order (pain.001)",
            2,
        ),
        (
            GOOD.replace(b"<Document ", b"<Doc ").replace(b"</Document>", b"</Doc>"),
            "expected <Document>",
            2,
        ),
        (GOOD.replace(b"<Amt Ccy='EUR'>50.00</Amt>", b""), "Stmt 1 / Ntry 1: no Amt (amount)", 7),
        (
            GOOD.replace(b">50.00<", b">50,00<"),
            "Stmt 1 / Ntry 1 / Amt: '50,00' is not an amount",
            7,
        ),
        (GOOD.replace(b">50.00<", b">-50.00<"), "'-50.00' is not an amount", 7),
        (GOOD.replace(b">50.00<", b"><"), "Stmt 1 / Ntry 1 / Amt: '' is not an amount", 7),
        (GOOD.replace(b"Ccy='EUR'>50", b"Ccy='EUX'>50"), "unknown currency code 'EUX'", 7),
        (GOOD.replace(b"Ccy='EUR'>50", b">50"), "Ntry 1 / Amt @Ccy: unknown currency code ''", 7),
        (
            GOOD.replace(b"<Ccy>EUR</Ccy>", b"<Ccy>Euro</Ccy>"),
            "Acct/Ccy: unknown currency code 'Euro'",
            5,
        ),
        (
            GOOD.replace(b"2026-03-01</Dt></BookgDt>", b"2026-02-30</Dt></BookgDt>"),
            "BookgDt/Dt: '2026-02-30' is not a date",
            7,
        ),
        (
            GOOD.replace(b"2026-03-02</Dt></ValDt>", b"02/03/2026</Dt></ValDt>"),
            "ValDt/Dt: '02/03/2026' is not a date",
            7,
        ),
        (
            GOOD.replace(b"<CdtDbtInd>CRDT</CdtDbtInd><Sts>", b"<CdtDbtInd>C</CdtDbtInd><Sts>"),
            "CdtDbtInd must be CRDT or DBIT, found 'C'",
            7,
        ),
        (GOOD.replace(b"<IBAN>FR7630006000011234567890189</IBAN>", b""), "Stmt 1: no account", 4),
        (
            GOOD.replace(b"<Dt><Dt>2026-03-01</Dt></Dt></Bal>", b"</Bal>", 1),
            "Stmt 1 / Bal 1: no Dt",
            6,
        ),
    ],
)
def test_bad_content_is_refused_naming_file_element_and_line(data, message, line):
    with pytest.raises(InputError) as caught:
        camt053.read(data, file="bad.xml")
    assert message in str(caught.value)
    assert caught.value.file == "bad.xml" and str(caught.value).startswith("bad.xml")
    if line is not None:
        assert caught.value.line == line


def test_files_over_the_limit_are_refused_before_parsing():
    with pytest.raises(InputError, match=f"more than the {MAX_FILE_BYTES} accepted"):
        camt053.read(b" " * (MAX_FILE_BYTES + 1), file="big.xml")


@pytest.mark.parametrize(
    "head", [b"", b"OFXHEADER:100", b"PK\x03\x04", b"\x00" * 40, "<x>é</x>".encode("utf-16")]
)
def test_sniff_says_no_to_other_things_without_raising(head):
    assert camt053.sniff(head) is False


# -- fuzzing: only InputError may come out -----------------------------------------------------


def _corpus() -> list[bytes]:
    names = [n for n in STATEMENT_SAMPLES if isinstance(n, str)] + ["oca/test-camt053.zip"]
    return [(CAMT / n).read_bytes() for n in names if (CAMT / n).is_file()]


@st.composite
def _mutated(draw, corpus: list[bytes]) -> bytes:
    data = draw(st.sampled_from(corpus))
    return mutate(draw, data, inserts=(b"<", b"&", b"<Ntry>", b"</Stmt>"), repeat=XML_ELEMENT)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_samples_give_statements_or_input_error_only(data):
    corpus = _corpus()
    if not corpus:
        pytest.skip(MISSING)
    mutated = data.draw(_mutated(corpus))
    try:
        statements = camt053.read(mutated, file="fuzz.xml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.xml")
    else:
        assert all(isinstance(s, Statement) for s in statements)
    camt053.sniff(mutated[:4096])
