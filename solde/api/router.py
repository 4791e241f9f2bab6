"""Every viewset of API v1, registered once."""

from rest_framework.routers import DefaultRouter

from solde.banking.api import BankAccountViewSet, BankLineViewSet, BankStatementViewSet
from solde.customers.api import CustomerViewSet
from solde.invoicing.api import CreditNoteViewSet, InvoiceViewSet
from solde.invoicing.api_quotes import QuoteViewSet
from solde.payments.api import AllocationViewSet, BalanceViewSet, PaymentViewSet
from solde.recurring.api import RecurringInvoiceViewSet
from solde.reminders.api import CustomerRemindersViewSet, ReminderViewSet
from solde.reminders.api_holds import DisputeViewSet, PaymentPlanViewSet, PromiseViewSet
from solde.reminders.api_plans import ReminderPlanViewSet, ReminderStepViewSet
from solde.reports.api import ReportViewSet

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
router.register("recurring-invoices", RecurringInvoiceViewSet, basename="recurring-invoice")
router.register("reminder-plans", ReminderPlanViewSet, basename="reminder-plan")
router.register("reminder-steps", ReminderStepViewSet, basename="reminder-step")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("promises", PromiseViewSet, basename="promise")
router.register("payment-plans", PaymentPlanViewSet, basename="payment-plan")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("reports", ReportViewSet, basename="report")
# /customers/{id}/reminders/: one customer's settings, the customer addressed by its UUID
# like /customers/{id}/ (a prefix with the id, so CustomerViewSet stays the API root's entry).
router.register(
    r"customers/(?P<id>[^/.]+)", CustomerRemindersViewSet, basename="customer-reminders"
)
