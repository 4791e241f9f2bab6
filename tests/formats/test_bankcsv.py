"""Bank CSV statements: mappings, the French banks' presets, conventions and refusals."""

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core.errors import InputError, ValidationError
from solde.formats import bankcsv
from solde.formats.bankcsv import PRESETS, CsvMapping
from tests.formats.mutations import mutate

D = Decimal
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "csv"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"conformance samples not found at {SAMPLES}"
)


def _read(text: str, mapping: CsvMapping | None = None, encoding: str = "utf-8"):
    return bankcsv.read(text.encode(encoding), file="export.csv", mapping=mapping)


# -- the conformance samples, each with the mapping its layout needs ----------------------------

US = {"date_format": "%m/%d/%Y", "label": ("Label",), "currency": "USD"}
PAYPAL = {"label": ("Type", "Subject"), "amount": "Net", "currency_column": "Currency"}
PAYPAL |= {"counterparty_name": "Name", "reference": "Transaction ID", "balance": "Balance"}
ADYEN = {
    "date": "Creation Date",
    "label": ("Type", "Modification Reference"),
    "debit": "Net Debit (NC)",
    "credit": "Net Credit (NC)",
    "currency_column": "Net Currency",
    "reference": "Psp Reference",
    "decimal": ".",
}
SHEETS = [
    # (file, mapping, [(currency, lines, sum)], balances as (opening, closing) or None)
    (
        "oca-sheet/sample_statement_en.csv",
        dict(US, date="Date", amount="Amount"),
        [("USD", 2, "1491.50")],
        None,
    ),
    (
        "oca-sheet/balance.csv",
        dict(US, date="Date", amount="Amount", balance="Balance"),
        [("USD", 2, "1500.00")],
        ("10.00", "1510.00"),
    ),
    (
        "oca-sheet/debit_credit.csv",
        dict(US, date="Date", amount="Amount", direction="D/C", balance="Balance"),
        [("USD", 2, "1500.00")],
        ("10.00", "1510.00"),
    ),
    # Its balance column does not follow its rows: read without it.
    (
        "oca-sheet/debit_credit_amount.csv",
        dict(US, date="Date", debit="Debit", credit="Credit"),
        [("USD", 4, "-1500.00")],
        None,
    ),
    (
        "oca-sheet/empty_statement_en.csv",
        dict(US, date="Date", amount="Amount"),
        [("USD", 0, "0")],
        None,
    ),
    (
        "oca-sheet/meta_data_separated_credit_debit.csv",
        {
            "date": "Date",
            "date_format": "%d/%m/%y",
            "label": ("Label", "Detail"),
            "reference": "Operation Number",
            "debit": "Debit",
            "credit": "Credit",
            "skip_rows": 4,
            "skip_footer": 1,
            "decimal": ",",
        },
        [("EUR", 4, "1069.32")],
        None,
    ),
    (
        "oca-sheet/multi_currency.csv",
        {
            "date": "Date",
            "date_format": "%m/%d/%Y",
            "label": ("Label",),
            "amount": "Amount",
            "currency_column": "Currency",
        },
        [("USD", 1, "-33.50"), ("EUR", 1, "1525.00")],
        None,
    ),
    (
        "oca-sheet/original_currency.csv",
        dict(US, date="Date", amount="Amount"),
        [("USD", 1, "1525.00")],
        None,
    ),
    (
        "oca-sheet/original_currency_empty.csv",
        dict(US, date="Date", amount="Amount"),
        [("USD", 1, "1525.00")],
        None,
    ),
    (
        "oca-sheet/original_currency_no_header.csv",
        {
            "has_header": False,
            "date": 0,
            "date_format": "%m/%d/%Y",
            "label": (1, 7),
            "amount": 3,
            "counterparty_name": 5,
            "currency": "USD",
        },
        [("USD", 1, "1525.00")],
        None,
    ),
    (
        "oca-sheet/sample_statement_credit_card_inverse_sign_en.csv",
        dict(US, date="Date", amount="Amount", invert_sign=True),
        [("USD", 2, "1491.50")],
        None,
    ),
    # PayPal and Adyen are payment processors' reports, but they read naturally as the
    # statements of a PayPal balance and of an Adyen settlement batch.
    (
        "oca-paypal/activity_en.csv",
        dict(PAYPAL, date="Date", decimal="."),
        [("USD", 45, "1.90"), ("EUR", 29, "43.34"), ("AUD", 2, "0.00")],
        "continuous",
    ),
    (
        "oca-paypal/empty_activity.csv",
        dict(PAYPAL, date="Date", decimal="."),
        [("EUR", 0, "0")],
        None,
    ),
    (
        "oca-paypal/statement_en.csv",
        dict(PAYPAL, date="Date", date_format="%m/%d/%Y", label=("Description",), decimal="."),
        [("EUR", 8, "0.00"), ("USD", 11, "280.30")],
        "continuous",
    ),
    (
        "oca-paypal/statement_es.csv",
        {
            "date": "Fecha",
            "label": ("Descripción",),
            "amount": "Neto",
            "currency_column": "Divisa",
            "counterparty_name": "Nombre",
            "reference": "Id. de transacción",
            "balance": "Saldo",
            "decimal": ",",
        },
        [("EUR", 4, "131.08")],
        ("4579.22", "4710.30"),
    ),
    ("oca-adyen/settlement_detail_report_batch_238.csv", ADYEN, [("USD", 3, "0.00")], None),
    ("oca-adyen/settlement_detail_report_batch_380.csv", ADYEN, [("USD", 228, "0.00")], None),
]


MAPPINGS = {name: mapping for name, mapping, *_ in SHEETS}
META = "oca-sheet/meta_data_separated_credit_debit.csv"


@needs_samples
def test_every_sample_is_listed():
    on_disk = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.csv"))
    assert sorted(name for name, *_ in SHEETS) == on_disk


@needs_samples
@pytest.mark.parametrize(("name", "mapping", "expected", "balances"), SHEETS)
def test_samples_read_with_their_mapping(name, mapping, expected, balances):
    statements = bankcsv.read(
        (SAMPLES / name).read_bytes(), file=name, mapping=CsvMapping(**mapping)
    )
    found = [(s.currency, len(s.lines), sum((x.amount for x in s.lines), D(0))) for s in statements]
    assert found == [(currency, n, D(total)) for currency, n, total in expected]
    for statement in statements:
        assert statement.format == "csv"
        assert not statement.warnings
        if balances == "continuous":
            moved = sum((line.amount for line in statement.lines), D(0))
            assert statement.opening_balance + moved == statement.closing_balance
        elif balances:
            assert (statement.opening_balance, statement.closing_balance) == tuple(map(D, balances))


@needs_samples
def test_sums_agree_with_a_plain_csv_reading():
    # A different method for the same figures: the csv module and Decimal, nothing else.
    rows = list(
        csv.DictReader(
            (SAMPLES / "oca-adyen/settlement_detail_report_batch_380.csv").read_text().splitlines()
        )
    )
    credits = sum(D(r["Net Credit (NC)"]) for r in rows if r["Net Credit (NC)"])
    debits = sum(D(r["Net Debit (NC)"]) for r in rows if r["Net Debit (NC)"])
    (statement,) = bankcsv.read(
        (SAMPLES / "oca-adyen/settlement_detail_report_batch_380.csv").read_bytes(),
        mapping=CsvMapping(**ADYEN),
    )
    assert sum(line.amount for line in statement.lines if line.amount > 0) == credits
    assert -sum(line.amount for line in statement.lines if line.amount < 0) == debits


@needs_samples
def test_oca_expectations_for_signs():
    # What OCA's own tests assert for these two files.
    inverse = dict(US, date="Date", amount="Amount", invert_sign=True)
    data = (SAMPLES / "oca-sheet/sample_statement_credit_card_inverse_sign_en.csv").read_bytes()
    first, second = bankcsv.read(data, mapping=CsvMapping(**inverse))[0].lines
    assert (first.remittance, first.amount) == ("LABEL 1", D("-33.50"))
    assert (second.remittance, second.amount) == ("LABEL 2", D("1525.00"))
    data = (SAMPLES / "oca-sheet/original_currency_no_header.csv").read_bytes()
    mapping = CsvMapping(**MAPPINGS["oca-sheet/original_currency_no_header.csv"])
    (line,) = bankcsv.read(data, mapping=mapping)[0].lines
    assert (line.remittance, line.counterparty_name) == ("Your payment INV0001", "Azure Interior")
    assert line.booking_date == date(2018, 12, 15)


@needs_samples
def test_debit_column_is_money_out_whatever_its_sign():
    data = (SAMPLES / META).read_bytes()
    lines = bankcsv.read(data, mapping=CsvMapping(**MAPPINGS[META]))[0].lines
    assert [line.amount for line in lines] == [D("-50.00"), D("-100.00"), D("-80.68"), D("1300.00")]
    assert lines[0].bank_ref == "UNIQUE OP 1"
    assert lines[0].source == "line 6"


@needs_samples
def test_payment_reports_are_not_taken_for_bank_statements_without_a_mapping():
    for name in ("oca-paypal/activity_en.csv", "oca-adyen/settlement_detail_report_batch_238.csv"):
        data = (SAMPLES / name).read_bytes()
        assert bankcsv.sniff(data[:4096]) is False
        with pytest.raises(InputError, match="a column mapping is needed"):
            bankcsv.read(data, file=name)


# -- presets: a small export in each bank's layout -----------------------------------------------

PRESET_FILES = {
    "bnp_paribas": (
        "Compte de chèques ****1234;Solde au 05/03/2026;1 234,56\n\n"
        "Date operation;Libelle court;Type operation;Libelle operation;Montant operation en euro\n"
        "04/03/2026;CB CARREFOUR;CARTE;FACTURE CARTE DU 03/03/26 CARREFOUR;-54,20\n"
        "03/03/2026;VIR ACME;VIREMENT;VIR SEPA RECU /DE ACME SARL /MOTIF FA-2026-001;1 480,00\n",
        "utf-8",
    ),
    "societe_generale": (
        '="0001234567";01/03/2026;05/03/2026;2;05/03/2026;1000,00 EUR\n\n'
        "Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise\n"
        "04/03/2026;CARTE X1306;CARTE X1306 03/03 CARREFOUR;-54,20;EUR\n"
        "03/03/2026;VIR RECU;VIR RECU DE: ACME SARL MOTIF: FA-2026-001;1480,00;EUR\n",
        "cp1252",
    ),
    "credit_agricole": (
        "Téléchargement du 05/03/2026\n\nCompte de Dépôt carte n° 123;\n"
        "Solde au 05/03/2026 1 234,56 €\n\n"
        "Liste des opérations du compte entre le 01/03/2026 et le 05/03/2026;\n\n"
        "Date;Libellé;Débit euros;Crédit euros;\n"
        '04/03/2026;"CARTE X1234 03/03 CARREFOUR\n  PARIS";54,20;;\n'
        '03/03/2026;"VIREMENT EN VOTRE FAVEUR\n ACME SARL FA-2026-001";;1 480,00;\n',
        "cp1252",
    ),
    "caisse_epargne_banque_populaire": (
        "Date de comptabilisation;Libelle simplifie;Libelle operation;Reference;"
        "Informations complementaires;Type operation;Categorie;Sous categorie;Debit;Credit;"
        "Date operation;Date de valeur;Pointage operation\n"
        "04/03/2026;CARREFOUR;CB CARREFOUR;REF1;PARIS;Carte bancaire;Achats;Divers;-54,20;;"
        "03/03/2026;04/03/2026;0\n"
        "03/03/2026;ACME SARL;VIR SEPA ACME SARL;REF2;FA-2026-001;Virement;Revenus;Clients;;"
        "1 480,00;03/03/2026;03/03/2026;0\n",
        "utf-8",
    ),
    "la_banque_postale": (
        "Numéro Compte ;0123456X020\nType ;CCP\nCompte tenu en ;euros\nDate ;05/03/2026\n"
        "Solde (EUROS) ;+1234,56\n\n"
        "Date;Libellé;Montant(EUROS)\n"
        '04/03/2026;"ACHAT CB CARREFOUR 03.03.26";-54,20\n'
        '03/03/2026;"VIREMENT DE ACME SARL FA-2026-001";+1480,00\n',
        "cp1252",
    ),
    "credit_mutuel_cic": (
        "Date;Date de valeur;Débit;Crédit;Libellé;Solde\n"
        "04/03/2026;04/03/2026;-54,20;;CARTE 03/03 CARREFOUR;1425,80\n"
        "03/03/2026;03/03/2026;;1480,00;VIR ACME SARL FA-2026-001;1480,00\n",
        "cp1252",
    ),
    "credit_mutuel_cic_montant": (
        "Date;Date de valeur;Montant;Libellé;Solde\n"
        "04/03/2026;04/03/2026;-54,20;CARTE 03/03 CARREFOUR;1425,80\n"
        "03/03/2026;03/03/2026;1480,00;VIR ACME SARL FA-2026-001;1480,00\n",
        "cp1252",
    ),
    "boursorama": (
        "dateOp;dateVal;label;category;categoryParent;supplierFound;amount;comment;accountNum;"
        "accountLabel;accountbalance\n"
        '2026-03-04;2026-03-04;"CARTE 03/03/26 CARREFOUR CB*1234";"Alimentation";'
        '"Vie quotidienne";"carrefour";-54,20;;00040211293;BoursoBank;1425.80\n'
        '2026-03-03;2026-03-03;"VIR SEPA ACME SARL FA-2026-001";"Virements reçus";'
        '"Virements reçus";"acme sarl";1 480,00;;00040211293;BoursoBank;1425.80\n',
        "utf-8-sig",
    ),
    "qonto": (
        "Status,Settlement date (UTC),Operation date (UTC),Total amount (incl. VAT),Currency,"
        "Counterparty name,Payment method,Transaction ID,IBAN,Reference,Category,Note\n"
        "settled,2026-03-04 10:12:00,2026-03-03 18:00:00,-54.20,EUR,CARREFOUR,card,tx-1,"
        "FR7616958000011234567890112,,food,\n"
        "declined,2026-03-04 11:00:00,2026-03-04 11:00:00,-999.00,EUR,SHOP,card,tx-2,"
        "FR7616958000011234567890112,,,\n"
        "settled,2026-03-03 09:00:00,2026-03-03 09:00:00,1480.00,EUR,ACME SARL,transfer,tx-3,"
        "FR7616958000011234567890112,FA-2026-001,,\n",
        "utf-8",
    ),
    "shine": (
        "Transaction ID;Date de la valeur;Date d'opération;IBAN;Type de transaction;"
        "Transaction personnelle;Category;Débit;Crédit;Solde mouvement;Solde bancaire;Libellé;"
        "Nom de la contrepartie;Montant HT;Montant de TVA total;Pièces;Date d'ajout pièces;"
        "Commentaire\n"
        "tx-1;04/03/2026;03/03/2026;FR76;Carte;Non;Achats;54,20;;;;CB CARREFOUR;CARREFOUR;;;;;\n"
        "tx-3;03/03/2026;03/03/2026;FR76;Virement;Non;Ventes;;1 480,00;;;VIR FA-2026-001;"
        "ACME SARL;;;;;\n",
        "cp1252",
    ),
    "revolut_business": (
        "Date started (UTC),Date completed (UTC),ID,Type,State,Description,Reference,Payer,"
        "Card number,Orig currency,Orig amount,Payment currency,Amount,Total amount,"
        "Exchange rate,Fee,Fee currency,Balance,Account,Beneficiary account number,"
        "Beneficiary sort code or routing number,Beneficiary IBAN,Beneficiary BIC\n"
        "2026-03-03,2026-03-04,tx-1,CARD_PAYMENT,COMPLETED,Carrefour,,,4242,EUR,-54.20,EUR,"
        "-54.20,-54.20,,0.00,EUR,1425.80,Main,,,,\n"
        "2026-03-04,,tx-2,TRANSFER,PENDING,To Shop,,,,EUR,-999.00,EUR,-999.00,-999.00,,0.00,EUR,"
        ",Main,,,FR7630006000011234567890189,\n"
        "2026-03-03,2026-03-03,tx-3,TRANSFER,COMPLETED,Payment from ACME SARL,FA-2026-001,"
        "ACME SARL,,EUR,1480.00,EUR,1480.00,1480.00,,0.00,EUR,1480.00,Main,,,,\n",
        "utf-8",
    ),
    "n26": (
        "Booking Date,Value Date,Partner Name,Partner Iban,Type,Payment Reference,Account Name,"
        "Amount (EUR),Original Amount,Original Currency,Exchange Rate\n"
        "2026-03-04,2026-03-04,CARREFOUR,,Presentment,CB CARREFOUR,Main,-54.20,,,\n"
        "2026-03-03,2026-03-03,ACME SARL,FR76 3000 6000 0112 3456 7890 189,Credit Transfer,"
        "FA-2026-001,Main,1480.00,,,\n",
        "utf-8",
    ),
}


@pytest.mark.parametrize("name", sorted(PRESET_FILES))
def test_each_preset_reads_its_bank_layout_and_is_recognised(name):
    text, encoding = PRESET_FILES[name]
    recognised = _read(text, encoding=encoding)
    (statement,) = _read(text, PRESETS[name], encoding)
    assert recognised == [statement]
    card, transfer = sorted(statement.lines, key=lambda line: line.amount)
    assert (card.amount, transfer.amount) == (D("-54.20"), D("1480.00"))
    assert card.booking_date in (date(2026, 3, 3), date(2026, 3, 4))
    assert transfer.booking_date == date(2026, 3, 3)
    assert "CARREFOUR" in card.remittance.upper()
    assert "FA-2026-001" in transfer.remittance or transfer.counterparty_name == "ACME SARL"
    assert statement.currency == "EUR"


def test_preset_details():
    qonto = _read(PRESET_FILES["qonto"][0])[0]
    assert [line.bank_ref for line in qonto.lines] == ["tx-1", "tx-3"]  # the declined one left
    assert qonto.lines[1].counterparty_name == "ACME SARL"
    revolut = _read(PRESET_FILES["revolut_business"][0])[0]
    assert [line.bank_ref for line in revolut.lines] == ["tx-1", "tx-3"]  # the pending one left
    n26 = _read(PRESET_FILES["n26"][0])[0]
    assert n26.lines[1].counterparty_iban == "FR7630006000011234567890189"
    text, encoding = PRESET_FILES["credit_agricole"]
    agricole = _read(text, encoding=encoding)[0]
    assert agricole.lines[0].remittance == "CARTE X1234 03/03 CARREFOUR PARIS"  # over two lines
    assert agricole.lines[0].source == "line 9"
    text, encoding = PRESET_FILES["caisse_epargne_banque_populaire"]
    bpce = _read(text, encoding=encoding)[0]
    assert (bpce.lines[0].value_date, bpce.lines[0].bank_ref) == (date(2026, 3, 4), "REF1")
    text, encoding = PRESET_FILES["credit_mutuel_cic"]
    mutuel = _read(text, encoding=encoding)[0]  # newest first: balances put back in order
    assert (mutuel.opening_balance, mutuel.closing_balance) == (D("0.00"), D("1425.80"))
    assert (mutuel.opening_date, mutuel.closing_date) == (date(2026, 3, 3), date(2026, 3, 4))


def test_lcl_has_no_header_and_needs_its_preset():
    text = "04/03/2026;-54,20;Carte;;CB CARREFOUR 03/03;\n03/03/2026;1480,00;Virement;;VIR ACME;\n"
    (statement,) = _read(text, PRESETS["lcl"])
    assert [line.amount for line in statement.lines] == [D("-54.20"), D("1480.00")]
    assert statement.lines[0].remittance == "Carte CB CARREFOUR 03/03"
    with pytest.raises(InputError, match="a column mapping is needed"):
        _read(text)


def test_old_n26_layout_is_recognised_too():
    text = (
        '"Date","Payee","Account number","Transaction type","Payment reference",'
        '"Amount (EUR)","Amount (Foreign Currency)","Type Foreign Currency","Exchange Rate"\n'
        '"2026-03-03","ACME SARL","FR7630006000011234567890189","Income","FA-2026-001",'
        '"1480.0","","",""\n'
    )
    (line,) = _read(text)[0].lines
    assert (line.counterparty_name, line.amount) == ("ACME SARL", D("1480.00"))


# -- generic layouts and French conventions ------------------------------------------------------


def test_generic_french_headers_without_a_mapping():
    text = (
        "Date opération;Date valeur;Libellé;Débit;Crédit;Référence;Devise\n"
        "04/03/2026;05/03/2026;CB CARREFOUR;54,20;;R1;EUR\n"
        "03/03/2026;03/03/2026;VIR ACME;;1 480,00;R2;EUR\n"
    )
    first, second = _read(text)[0].lines
    assert (first.amount, first.value_date, first.bank_ref) == (D("-54.20"), date(2026, 3, 5), "R1")
    assert (second.amount, second.remittance) == (D("1480.00"), "VIR ACME")


AMOUNTS = [
    ("1 234,56 €", D("1234.56")),
    ("1\u00a0234,56", D("1234.56")),
    ("1\u202f234,56", D("1234.56")),
    ("1.234,56", D("1234.56")),
    ("-12,5", D("-12.50")),
    ("(12,50)", D("-12.50")),
    ("+7", D("7.00")),
    ("EUR 7,10", D("7.10")),
]


@pytest.mark.parametrize(("cell", "amount"), AMOUNTS)
def test_french_amounts(cell, amount):
    text = f'Date;Libellé;Montant\n03/03/2026;X;"{cell}"\n'
    assert _read(text)[0].lines[0].amount == amount


def test_decimal_point_is_sniffed_from_the_amounts():
    text = 'Date,Label,Amount\n2026-03-03,A,"1,480.00"\n2026-03-04,B,-54.2\n'
    assert [line.amount for line in _read(text)[0].lines] == [D("1480.00"), D("-54.20")]


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [("sep=;\n", "utf-8"), ("", "utf-8-sig"), ("", "cp1252"), ("sep=;\r\n", "utf-16")],
)
def test_encodings_and_excel_separator_line(prefix, encoding):
    text = prefix + "Date;Libellé;Montant\n03/03/2026;Réglé;12,00\n"
    (line,) = _read(text, encoding=encoding)[0].lines
    assert (line.remittance, line.amount) == ("Réglé", D("12.00"))
    assert line.source == f"line {2 + bool(prefix)}"


def test_date_format_of_a_mapping():
    mapping = CsvMapping(date="Date", amount="Montant", date_format="%d.%m.%y")
    (line,) = _read("Date;Montant\n03.03.26;1,00\n", mapping)[0].lines
    assert line.booking_date == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"),
    [
        ("Date;Libellé;Montant\n03/03/2026;X;12,3x\n", 2, "Montant", "is not an amount"),
        ("Date;Libellé;Montant\n31/02/2026;X;12,30\n", 2, "Date", "not a date that exists"),
        ("Date;Libellé;Montant\n03/03/26;X;12,30\n", 2, "Date", "two-digit year"),
        ("Date;Libellé;Montant\n;X;12,30\n", 2, "Date", "no date"),
        ("Date;Libellé;Montant\n03/03/2026;X;\n", 2, "Montant", "no amount"),
        ("Date;Libellé;Montant\n03/03/2026;X;12,301\n", 2, "Montant", "more decimals than EUR"),
        ("Date;Débit;Crédit\n03/03/2026;;\n", 2, None, "neither debit nor credit"),
        ("Date;Montant;Devise\n03/03/2026;1,00;EUX\n", 2, "Devise", "Unknown currency"),
        ("Date;Montant\n03/03/2026;99999999999999999\n", 2, "Montant", "too large"),
    ],
)
def test_bad_cells_are_refused_with_line_and_column(text, line, column, reason):
    with pytest.raises(InputError) as caught:
        _read(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert reason in caught.value.reason
    assert str(caught.value).startswith("export.csv")


def test_unknown_layout_names_the_columns_found():
    with pytest.raises(InputError) as caught:
        _read("Quand;Quoi;Combien\n03/03/2026;X;1,00\n")
    assert "'Quand', 'Quoi', 'Combien'" in caught.value.reason
    assert "a column mapping is needed" in caught.value.reason


def test_a_mapping_whose_columns_are_missing_is_refused():
    with pytest.raises(InputError, match=r"'Montant'\) are not all in one header row .*'Amount'"):
        _read("Date;Amount\n03/03/2026;1,00\n", CsvMapping(date="Date", amount="Montant"))


@pytest.mark.parametrize(
    "text", ["", "\n\n", "Date;Libellé;Montant\n", "Date;Libellé;Montant\n;;\n"]
)
def test_empty_file_or_header_only_is_an_empty_statement(text):
    mapping = CsvMapping(date="Date", amount="Montant", account="FR7630006000011234567890189")
    (statement,) = _read(text, mapping)
    assert (statement.lines, statement.account, statement.currency) == (
        (),
        "FR7630006000011234567890189",
        "EUR",
    )


def test_balance_mismatch_is_a_warning():
    text = "Date;Montant;Solde\n03/03/2026;10,00;110,00\n04/03/2026;5,00;120,00\n"
    (statement,) = _read(text, CsvMapping(date="Date", amount="Montant", balance="Solde"))
    assert statement.warnings == ("the balance of line 3 is 120.00, not 115.00.",)


def test_oversized_files_are_refused(monkeypatch):
    monkeypatch.setattr(bankcsv, "MAX_FILE_BYTES", 10)
    with pytest.raises(InputError, match="refused"):
        _read("Date;Montant\n03/03/2026;1,00\n")


# -- mappings as JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_round_trip_through_json(name):
    saved = json.dumps(PRESETS[name].to_dict())
    assert CsvMapping.from_dict(json.loads(saved)) == PRESETS[name]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"date": "Date"}, "either an amount column or debit/credit"),
        ({"date": "Date", "amount": "M", "debit": "D"}, "either an amount column"),
        ({"date": "Date", "debit": "D", "direction": "S"}, "direction column needs"),
        ({"date": "Date", "amount": "M", "decimal": ";"}, "decimal must be"),
        ({"date": "Date", "amount": "M", "delimiter": ";;"}, "one character"),
        ({"date": "Date", "amount": "M", "skip_rows": -1}, "negative"),
        ({"date": "Date", "amount": 1, "has_header": False}, "by position"),
        ({"date": "Date", "amount": "M", "encoding": "klingon"}, "unknown encoding"),
        ({"date": "Date", "amount": "M", "currency": "EUX"}, "Unknown currency"),
        ({"date": "Date", "amount": "M", "colour": "red"}, "unknown mapping keys: colour"),
        ({"amount": "M"}, "invalid mapping"),
        ({"date": "Date", "amount": "M", "skip_rows": "two"}, "invalid mapping"),
    ],
)
def test_invalid_mappings_are_refused(values, reason):
    with pytest.raises(ValidationError, match=reason):
        CsvMapping.from_dict(values)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"Date;Libell\xe9;Montant\n03/03/2026;X;1,00\n", True),
        (b"\xef\xbb\xbfsep=;\nDate op\xc3\xa9ration;D\xc3\xa9bit;Cr\xc3\xa9dit\n", True),
        (PRESET_FILES["boursorama"][0].encode(), True),
        (PRESET_FILES["qonto"][0].encode(), True),
        (b":20:REF\n:25:NL91ABNA0417164300\n:28C:1/1\n", False),
        (b"0130002    00447     0000888899H  160911", False),
        (b"<?xml version='1.0'?><Document/>", False),
        (b"\x00\xff" * 100, False),
    ],
)
def test_sniff(head, expected):
    assert bankcsv.sniff(head) is expected


# -- fuzzing -------------------------------------------------------------------------------------

FUZZ_MAPPINGS = {
    META: CsvMapping(**MAPPINGS[META]),
    "oca-sheet/balance.csv": CsvMapping(**MAPPINGS["oca-sheet/balance.csv"]),
    "oca-paypal/statement_es.csv": CsvMapping(**MAPPINGS["oca-paypal/statement_es.csv"]),
}


@st.composite
def _mutated(draw):
    if draw(st.booleans()) and SAMPLES.is_dir():
        name = draw(st.sampled_from(sorted(FUZZ_MAPPINGS)))
        data, mapping = bytearray((SAMPLES / name).read_bytes()), FUZZ_MAPPINGS[name]
    else:
        text, encoding = PRESET_FILES[draw(st.sampled_from(sorted(PRESET_FILES)))]
        data, mapping = bytearray(text.encode(encoding)), None
    inserts = (b'"', b";", b",", b"\n", b"\x00", b"\xe9", b"-")
    return mutate(draw, bytes(data), inserts=inserts), mapping


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutated_files_give_statements_or_an_input_error(case):
    data, mapping = case
    try:
        statements = bankcsv.read(data, file="fuzz.csv", mapping=mapping)
    except InputError:
        return
    assert all(isinstance(line.amount, Decimal) for s in statements for line in s.lines)
