"""Every viewset of API v1, registered once."""

from rest_framework.routers import DefaultRouter

from solde.banking.api import BankAccountViewSet, BankLineViewSet, BankStatementViewSet
from solde.customers.api import CustomerViewSet
from solde.invoicing.api import CreditNoteViewSet, InvoiceViewSet
from solde.invoicing.api_quotes import QuoteViewSet
from solde.payments.api import AllocationViewSet, BalanceViewSet, PaymentViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("payments", PaymentViewSet, basename="payment")
router.register("allocations", AllocationViewSet, basename="allocation")
router.register("balances", BalanceViewSet, basename="balance")
router.register("bank-accounts", BankAccountViewSet, basename="bank-account")
router.register("bank-statements", BankStatementViewSet, basename="bank-statement")
router.register("bank-lines", BankLineViewSet, basename="bank-line")
