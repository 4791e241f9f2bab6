from django.urls import path

from solde.mail import views

urlpatterns = [
    path("emails/", views.email_list_page, name="email_list"),
    path("emails/<uuid:ref>/eml", views.email_eml, name="email_eml"),
    path("emails/<uuid:ref>/retry", views.email_retry, name="email_retry"),
    path("invoices/<uuid:ref>/email", views.invoice_email, name="invoice_email"),
    path("quotes/<uuid:ref>/email", views.quote_email, name="quote_email"),
    path("customers/<uuid:ref>/statement-email", views.statement_email, name="customer_email"),
]
