"""The customer statement (relevé de compte): opening balance, the period's movements
with a running balance, open items, and a closing balance that is the as-of balance."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from solde.cli import main
from solde.core import clock
from solde.core.errors import NotFound, ValidationError
from solde.customers.statement import customer_statement
from solde.customers.statement_pdf import statement_pdf
from solde.invoicing.models import Invoice
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.models import Allocation, Payment
from solde.payments.queries import customer_balance
from solde.payments.services import (
    allocation_undo,
    invoice_write_off,
    payment_cancel,
    payment_record,
)
from tests.builders import line, make_company, make_customer, make_invoice

pytestmark = pytest.mark.django_db
D = Decimal
ZERO = D("0")


def _on(day: date, action, **kwargs):
    """Run a service as if `day` were today, as a user working that day would."""
    with clock.frozen(day):
        return action(**kwargs)


def _invoice(company, customer, day: date, price: str, **fields):
    with clock.frozen(day):
        return make_invoice(company, customer, lines=[line(price)], issue_date=day, **fields)


def _pay(company, customer, day: date, amount: str, invoices=(), **fields):
    return _on(
        day,
        payment_record,
        company=company,
        customer=customer,
        amount=amount,
        date=day,
        invoices=list(invoices),
        **fields,
    )


@pytest.fixture
def story(company, customer):
    """A year of one customer's account, with every kind of movement."""
    old = _invoice(company, customer, date(2025, 12, 10), "100")  # 120.00
    first = _invoice(company, customer, date(2026, 1, 15), "200")  # 240.00
    _pay(company, customer, date(2026, 2, 1), "120", [old], reference="VIR-OLD")
    _pay(company, customer, date(2026, 3, 1), "300", [first], reference="VIR-300")  # 60 excess
    second = _invoice(company, customer, date(2026, 4, 10), "500")  # 600.00
    note = credit_note_create(invoice=second, lines=[line("50")], reason="Remise")
    _on(date(2026, 4, 20), invoice_issue, invoice=note, issue_date=date(2026, 4, 20))  # 60.00
    bounced = _pay(company, customer, date(2026, 5, 5), "100", method="cheque")
    _on(date(2026, 5, 20), payment_cancel, payment=bounced, reason="Chèque impayé")
    _pay(
        company,
        customer,
        date(2026, 6, 1),
        "539.50",
        [second],
        reference="VIR-539",
        write_off_difference=True,
    )
    gap = Allocation.objects.get(kind=Allocation.WRITE_OFF)
    _on(date(2026, 7, 1), allocation_undo, allocation=gap, reason="Écart réclamé")
    _invoice(company, customer, date(2026, 9, 1), "1000")  # 1200.00, due 01/10
    _invoice(company, customer, date(2026, 10, 15), "250", kind="deposit")  # 300.00
    return customer


def _rows(section):
    return [
        (
            line.date,
            line.source.kind,
            line.source.reference,
            line.reversal,
            line.debit,
            line.credit,
            line.balance,
        )
        for line in section.lines
    ]


def test_the_year_so_far_by_default(company, story):
    statement = customer_statement(company=company, customer=story)
    assert (statement.start, statement.end) == (date(2026, 1, 1), date(2026, 11, 20))
    assert statement.currencies == ["EUR"]
    section = statement.section("EUR")
    assert section.opening == D("120.00")
    assert _rows(section) == [
        (date(2026, 1, 15), "invoice", "FA-2026-00001", False, D("240.00"), ZERO, D("360.00")),
        (date(2026, 2, 1), "payment", "VIR-OLD", False, ZERO, D("120.00"), D("240.00")),
        (date(2026, 3, 1), "payment", "VIR-300", False, ZERO, D("300.00"), D("-60.00")),
        (date(2026, 4, 10), "invoice", "FA-2026-00002", False, D("600.00"), ZERO, D("540.00")),
        (date(2026, 4, 20), "credit_note", "AV-2026-00001", False, ZERO, D("60.00"), D("480.00")),
        (date(2026, 5, 5), "payment", "", False, ZERO, D("100.00"), D("380.00")),
        (date(2026, 5, 20), "payment", "", True, D("100.00"), ZERO, D("480.00")),
        (date(2026, 6, 1), "payment", "VIR-539", False, ZERO, D("539.50"), D("-59.50")),
        (date(2026, 6, 1), "write_off", "FA-2026-00002", False, ZERO, D("0.50"), D("-60.00")),
        (date(2026, 7, 1), "write_off", "FA-2026-00002", True, D("0.50"), ZERO, D("-59.50")),
        (date(2026, 9, 1), "invoice", "FA-2026-00003", False, D("1200.00"), ZERO, D("1140.50")),
        (date(2026, 10, 15), "deposit", "FA-2026-00004", False, D("300.00"), ZERO, D("1440.50")),
    ]
    assert section.closing == D("1440.50")
    assert section.closing == customer_balance(company, story.pk, statement.end)["EUR"].balance


def test_lines_say_what_they_settle_and_why_they_were_undone(company, story):
    lines = customer_statement(company=company, customer=story).section("EUR").lines
    by_ref = {(line.source.reference, line.reversal): line.source for line in lines}
    excess = by_ref[("VIR-300", False)]
    assert (excess.invoices, excess.unallocated) == (("FA-2026-00001",), D("60.00"))
    assert by_ref[("AV-2026-00001", False)].invoices == ("FA-2026-00002",)
    assert by_ref[("FA-2026-00001", False)].due_date == date(2026, 2, 14)
    cancelled = by_ref[("", True)]
    assert (cancelled.method, cancelled.undo_reason, cancelled.unallocated) == (
        "cheque",
        "Chèque impayé",
        None,
    )
    assert by_ref[("FA-2026-00002", True)].undo_reason == "Écart réclamé"


def test_open_items_at_the_end(company, story):
    section = customer_statement(company=company, customer=story).section("EUR")
    assert [
        (i.number, i.kind, i.issue_date, i.due_date, i.days_overdue, i.total, i.balance)
        for i in section.open_items
    ] == [
        (
            "FA-2026-00002",
            "invoice",
            date(2026, 4, 10),
            date(2026, 5, 10),
            194,
            D("600.00"),
            D("0.50"),
        ),
        (
            "FA-2026-00003",
            "invoice",
            date(2026, 9, 1),
            date(2026, 10, 1),
            50,
            D("1200.00"),
            D("1200.00"),
        ),
        (
            "FA-2026-00004",
            "deposit",
            date(2026, 10, 15),
            date(2026, 11, 14),
            6,
            D("300.00"),
            D("300.00"),
        ),
    ]
    balance = customer_balance(company, story.pk, date(2026, 11, 20))["EUR"]
    assert section.open_total == balance.receivable == D("1500.50")
    assert section.available_credit == balance.credit == D("60.00")


@pytest.mark.parametrize(
    ("start", "end", "opening", "closing", "count"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), "0", "120.00", 1),
        (date(2026, 5, 10), date(2026, 6, 30), "380.00", "-60.00", 3),  # a reversal of May 5
        (date(2026, 6, 2), date(2026, 6, 30), "-60.00", "-60.00", 0),
        (date(2026, 5, 5), date(2026, 5, 5), "480.00", "380.00", 1),
        (date(2026, 5, 20), date(2026, 5, 20), "380.00", "480.00", 1),
        (date(2025, 6, 1), date(2026, 11, 20), "0", "1440.50", 13),
    ],
)
def test_every_period_starts_and_ends_on_the_as_of_balances(
    company, story, start, end, opening, closing, count
):
    section = customer_statement(company=company, customer=story, start=start, end=end).section(
        "EUR"
    )
    assert (section.opening, section.closing, len(section.lines)) == (D(opening), D(closing), count)
    before = customer_balance(company, story.pk, start - timedelta(days=1))
    assert section.opening == (before["EUR"].balance if before else ZERO)
    assert section.closing == customer_balance(company, story.pk, end)["EUR"].balance


def test_open_items_are_as_of_the_end_not_as_of_today(company, story):
    section = customer_statement(
        company=company, customer=story, start=date(2026, 1, 1), end=date(2026, 5, 31)
    ).section("EUR")
    assert [(i.number, i.balance, i.days_overdue) for i in section.open_items] == [
        ("FA-2026-00002", D("540.00"), 21),
    ]
    assert section.available_credit == D("60.00")  # the excess of VIR-300


def test_undoing_a_payments_allocation_moves_no_balance_but_reopens_the_invoice(company, customer):
    invoice = _invoice(company, customer, date(2026, 3, 2), "100")
    payment = _pay(company, customer, date(2026, 3, 10), "120", [invoice])
    _on(date(2026, 4, 1), allocation_undo, allocation=payment.allocations.get(), reason="Erreur")
    section = customer_statement(company=company, customer=customer).section("EUR")
    assert [(line.source.kind, line.balance) for line in section.lines] == [
        ("invoice", D("120.00")),
        ("payment", ZERO),
    ]
    assert section.lines[1].source.unallocated == D("120.00")
    assert [(i.number, i.balance) for i in section.open_items] == [("FA-2026-00001", D("120.00"))]
    assert section.available_credit == D("120.00")


def test_a_bad_debt_written_off_is_a_credit(company, customer):
    invoice = _invoice(company, customer, date(2026, 3, 2), "100")
    _on(
        date(2026, 6, 1),
        invoice_write_off,
        invoice=invoice,
        reason="Liquidation judiciaire",
        bad_debt=True,
    )
    section = customer_statement(company=company, customer=customer).section("EUR")
    assert [(line.source.kind, line.credit, line.balance) for line in section.lines] == [
        ("invoice", ZERO, D("120.00")),
        ("write_off", D("120.00"), ZERO),
    ]
    assert section.lines[1].source.bad_debt
    assert section.open_items == ()


def test_one_section_per_currency(company, customer):
    _invoice(company, customer, date(2026, 2, 1), "100")
    _invoice(company, customer, date(2026, 2, 3), "50", currency="USD")
    _pay(company, customer, date(2026, 2, 10), "20", currency="USD")
    statement = customer_statement(company=company, customer=customer)
    assert statement.currencies == ["EUR", "USD"]
    assert statement.section("EUR").closing == D("120.00")
    assert statement.section("USD").closing == D("40.00")


def test_a_currency_settled_before_the_period_is_left_out(company, customer):
    usd = _invoice(company, customer, date(2025, 3, 1), "50", currency="USD")
    _pay(company, customer, date(2025, 3, 5), "60", [usd], currency="USD")
    _invoice(company, customer, date(2026, 2, 1), "100")
    assert customer_statement(company=company, customer=customer).currencies == ["EUR"]


def test_a_customer_without_history_has_an_empty_statement(company, customer):
    statement = customer_statement(company=company, customer=customer)
    (section,) = statement.sections
    assert (section.currency, section.opening, section.lines, section.closing) == (
        "EUR",
        ZERO,
        (),
        ZERO,
    )


def test_other_customers_and_companies_stay_out(company, other_company, customer):
    _invoice(company, make_customer(company), date(2026, 2, 1), "100")
    _invoice(company, customer, date(2026, 2, 1), "10")
    section = customer_statement(company=company, customer=customer).section("EUR")
    assert [line.debit for line in section.lines] == [D("12.00")]
    with pytest.raises(NotFound):
        customer_statement(company=other_company, customer=customer)


def test_a_period_must_not_end_before_it_starts(company, customer):
    with pytest.raises(ValidationError) as caught:
        customer_statement(
            company=company, customer=customer, start=date(2026, 3, 1), end=date(2026, 2, 1)
        )
    assert caught.value.field == "start"


# -- the PDF --------------------------------------------------------------------------------


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_the_pdf_holds_the_statements_figures(company, story):
    pdf = statement_pdf(customer_statement(company=company, customer=story))
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    expected = [
        "Relevé de compte",
        "du 01/01/2026 au 20/11/2026",
        "ACME SAS",
        "SIREN 732829320",
        "Dupont SARL",
        "Code client DUPONT",
        "Solde au 31/12/2025",
        "120,00 €",
        "Facture FA-2026-00001",
        "14/02/2026",
        "360,00 €",
        "Règlement par virement, réf. VIR-300",
        "affecté à FA-2026-00001",
        "60,00 € non affecté",
        "-60,00 €",
        "Avoir AV-2026-00001 sur FA-2026-00002",
        "Règlement par chèque",
        "Annulation : règlement par chèque du 05/05/2026",
        "Chèque impayé",
        "Écart de règlement sur FA-2026-00002",
        "Facture d'acompte FA-2026-00004",
        "1 440,50 €",
        "Total des mouvements",
        "Pièces non soldées au 20/11/2026",
        "Jours de retard",
        "194",
        "1 200,00 €",
        "1 500,50 €",
        "Crédit disponible",
        "Solde dû au 20/11/2026 : 1 440,50 €",
        "Sauf erreur ou omission",
    ]
    missing = [m for m in expected if m not in text]
    assert not missing, f"missing: {missing}"


def test_the_pdf_is_pdf_a_3b_and_names_each_currency(company, customer):
    _invoice(company, customer, date(2026, 2, 1), "100")
    _invoice(company, customer, date(2026, 2, 3), "50", currency="USD")
    _pay(company, customer, date(2026, 2, 10), "80", currency="USD")
    pdf = statement_pdf(customer_statement(company=company, customer=customer))
    xmp = PdfReader(io.BytesIO(pdf)).xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    text = _text(pdf)
    for mention in ("Compte en EUR", "Compte en USD", "60,00 USD", "Solde en votre faveur"):
        assert mention in text, mention


def test_the_cli_writes_the_pdf(company, story, tmp_path, capsys):
    out = tmp_path / "releve.pdf"
    code = main(
        [
            "customer",
            "statement",
            "DUPONT",
            "--company",
            "acme",
            "--from",
            "2026-05-10",
            "--to",
            "2026-06-30",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "Solde au 30/06/2026" in _text(out.read_bytes())
    assert "-60.00 EUR" in capsys.readouterr().out


def test_the_cli_refuses_an_unknown_customer(company, tmp_path, capsys):
    code = main(
        ["customer", "statement", "NOPE", "--company", "acme", "--out", str(tmp_path / "x")]
    )
    assert code == 1
    assert "NOPE" in capsys.readouterr().err


# -- property: any sequence of operations ----------------------------------------------------

_slugs = itertools.count(1)
START = date(2025, 11, 3)
prices = st.decimals(min_value=D("1"), max_value=D("500"), places=2).map(str)
operations = st.lists(
    st.tuples(
        st.integers(0, 25),  # days since the previous operation
        st.sampled_from(
            [
                "invoice",
                "invoice",
                "deposit",
                "pay",
                "pay_all",
                "credit",
                "bad_debt",
                "undo",
                "cancel",
            ]
        ),
        prices,
    ),
    min_size=1,
    max_size=12,
)


def _open(customer):
    return list(
        Invoice.objects.filter(customer=customer, balance__gt=0)
        .exclude(kind=Invoice.CREDIT_NOTE)
        .exclude(state=Invoice.DRAFT)
        .order_by("pk")
    )


def _play(company, customer, day: date, op: str, price: str) -> None:
    """One user action on `day`; actions with nothing to act on do nothing."""
    open_ = _open(customer)
    if op in {"invoice", "deposit"}:
        _invoice(company, customer, day, price, kind=op)
    elif op == "pay":  # possibly more than owed: the rest is customer credit
        _pay(company, customer, day, price, open_[:1])
    elif op == "pay_all":
        _pay(company, customer, day, price, open_)
    elif op == "credit" and open_:
        _credit(open_[0], day, D(price))
    elif op == "bad_debt" and open_:
        _on(day, invoice_write_off, invoice=open_[-1], reason="Perdu", bad_debt=True)
    elif op == "undo":
        allocation = Allocation.objects.filter(customer=customer, undone_on=None).last()
        if allocation:
            _on(day, allocation_undo, allocation=allocation, reason="Erreur")
    elif op == "cancel":
        payment = Payment.objects.filter(customer=customer, cancelled_on=None).first()
        if payment:
            _on(day, payment_cancel, payment=payment, reason="Rejet")


def _credit(invoice, day: date, price: Decimal) -> None:
    """A partial credit note (net at 20 % VAT) within what is left to credit and to pay:
    an undone application reopens the balance but not what may still be credited."""
    credited = sum((n.total for n in invoice.credit_notes.filter(state=Invoice.ISSUED)), ZERO)
    room = min(invoice.balance, invoice.total - credited)
    net = min(price, room / D("1.2")).quantize(D("0.01"), rounding=ROUND_DOWN)
    if net > 0:
        with clock.frozen(day):
            invoice_issue(invoice=credit_note_create(invoice=invoice, lines=[line(str(net))]))


def _check_period(company, customer, start: date, end: date) -> None:
    section = customer_statement(company=company, customer=customer, start=start, end=end).section(
        "EUR"
    )
    before = customer_balance(company, customer.pk, start - timedelta(days=1))
    after = customer_balance(company, customer.pk, end)
    assert section.opening == (before["EUR"].balance if before else ZERO)
    assert section.closing == (after["EUR"].balance if after else ZERO)
    assert section.open_total == (after["EUR"].receivable if after else ZERO)
    balance = section.opening
    for row in section.lines:
        balance += row.debit - row.credit
        assert row.balance == balance and start <= row.date <= end


def test_any_history_any_period_closes_on_the_as_of_balance(db):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(ops=operations, cuts=st.lists(st.integers(0, 300), min_size=2, max_size=2))
    def check(ops, cuts):
        company = make_company(f"stmt{next(_slugs)}")
        customer = make_customer(company)
        noise = make_customer(company)
        _invoice(company, noise, START, "75")
        day = START
        for gap, op, price in ops:
            day += timedelta(days=gap)
            _play(company, customer, day, op, price)
        start, end = (START + timedelta(days=n) for n in sorted(cuts))
        _check_period(company, customer, start, end)
        _check_period(company, customer, START, day)

    check()
