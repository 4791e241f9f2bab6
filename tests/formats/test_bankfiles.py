"""The one door for statement files: the format is recognised, and whatever comes in,
only statements or a clean InputError come out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError
from solde.formats import bankfiles
from solde.formats.bankstatement import MAX_FILE_BYTES
from tests.formats.mutations import mutate

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
needs_samples = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason=f"conformance samples absent: {CONFORMANCE}"
)

# One real file per format (and a camt.053 inside a zip), with the format it must be read as.
SAMPLES = {
    "camt053/genkgo/camt053.v2.minimal.xml": "camt053",
    "camt053/ofxstatement-iso20022/camt053.xml": "camt053",
    "camt053/oca/test-camt053.zip": "camt053",
    "mt940/oca/test-ing.940": "mt940",
    "mt940/php-mt940/Rabo/sample.sta": "mt940",
    "ofx/fr-banquepopulaire/BPACA_OP_20220802.ofx": "ofx",
    "ofx/ofxtools/stmtrs.ofx": "ofx",
    "cfonb120/akretion/bank_statement.cfo": "cfonb120",
    "cfonb120/pennylane/example.txt": "cfonb120",
}


def _existing(names):
    return [name for name in names if (CONFORMANCE / name).exists()]


@needs_samples
@pytest.mark.parametrize("name", _existing(SAMPLES))
def test_each_format_is_recognised_and_read(name):
    read = bankfiles.read_one(CONFORMANCE / name)
    assert read.format == SAMPLES[name]
    assert read.statements and all(s.account for s in read.statements)


def test_a_french_bank_csv_is_recognised(tmp_path):
    path = tmp_path / "releve.csv"
    path.write_text(
        "Date;Libellé;Débit;Crédit\n18/11/2026;VIR SEPA DUPONT FACT FA-2026-00012;;1 200,00\n"
        "19/11/2026;PRLV EDF;84,12;\n",
        encoding="cp1252",
    )
    read = bankfiles.read_one(path)
    (statement,) = read.statements
    assert read.format == "csv"
    assert [line.amount for line in statement.lines] == [Decimal("1200.00"), Decimal("-84.12")]


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    with pytest.raises(InputError, match=r"huge\.xml: is 200 MB; statements over 50 MB"):
        bankfiles.read_one(path)
    with pytest.raises(InputError, match="over 50 MB"):
        bankfiles.read_data(b" " * (MAX_FILE_BYTES + 1), file="big.csv")


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02binary\xff", b"hello world\n", b"%PDF-1.7\n", b"<html><body/></html>"],
)
def test_what_is_no_statement_is_refused_naming_the_file(data):
    with pytest.raises(InputError) as error:
        bankfiles.read_data(data, file="mystery.bin")
    assert "mystery.bin" in str(error.value)


def test_an_unknown_format_name_is_refused():
    with pytest.raises(InputError, match="unknown format 'qif'"):
        bankfiles.read_data(b"x", file="a.qif", format="qif")


def test_a_missing_file_is_refused_cleanly(tmp_path):
    with pytest.raises(InputError, match="nope.sta: cannot be read"):
        bankfiles.read_one(tmp_path / "nope.sta")


@st.composite
def _mutated(draw):
    return mutate(draw, (CONFORMANCE / draw(st.sampled_from(sorted(SAMPLES)))).read_bytes())


@needs_samples
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutated_files_of_any_format_give_statements_or_an_input_error(data):
    try:
        _, statements = bankfiles.read_data(data, file="fuzz")
    except InputError:
        return
    assert all(isinstance(line.amount, Decimal) for s in statements for line in s.lines)


def test_several_files_are_read_in_order_and_a_broken_one_raises_in_its_turn(tmp_path):
    good = tmp_path / "a.csv"
    good.write_text("Date;Libellé;Montant\n18/11/2026;VIR DUPONT;120,00\n", encoding="utf-8")
    broken = tmp_path / "b.xml"
    broken.write_bytes(b"<Document><BkToCstmrStmt>")
    later = tmp_path / "c.csv"
    later.write_text("Date;Libellé;Montant\n19/11/2026;VIR MARTIN;80,00\n", encoding="utf-8")
    read = bankfiles.read_files([good, broken, later])
    first = next(read)
    assert (first.name, first.format, len(first.statements[0].lines)) == ("a.csv", "csv", 1)
    assert len(first.sha256) == 64
    with pytest.raises(InputError) as error:
        next(read)
    assert error.value.file == "b.xml" and str(error.value).startswith("b.xml")


def test_an_input_error_keeps_its_parts_across_processes():
    import pickle

    error = InputError("not a date", file="r.csv", line=3, column="Date")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.line, copy.column, str(copy)) == ("r.csv", 3, "Date", str(error))
