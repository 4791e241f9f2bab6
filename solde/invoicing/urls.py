from django.urls import path

from solde.invoicing import views, views_editor, views_quotes

urlpatterns = [
    path("invoices/", views.invoice_list_page, name="invoice_list"),
    path("invoices/new", views_editor.invoice_new, name="invoice_new"),
    path("invoices/totals", views_editor.invoice_totals, name="invoice_totals"),
    path("invoices/line", views_editor.invoice_line, name="invoice_line"),
    path("invoices/<uuid:ref>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:ref>/edit", views_editor.invoice_edit, name="invoice_edit"),
    path("invoices/<uuid:ref>/pdf", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<uuid:ref>/issue", views.invoice_issue, name="invoice_issue"),
    path("invoices/<uuid:ref>/delete", views.invoice_delete, name="invoice_delete"),
    path("invoices/<uuid:ref>/duplicate", views.invoice_duplicate, name="invoice_duplicate"),
    path("invoices/<uuid:ref>/credit-note", views.invoice_credit_note, name="invoice_credit_note"),
    path("invoices/<uuid:ref>/payment", views.invoice_payment, name="invoice_payment"),
    path("invoices/<uuid:ref>/write-off", views.invoice_write_off, name="invoice_write_off"),
    path("invoices/<uuid:ref>/dispute", views.invoice_dispute, name="invoice_dispute"),
    path("quotes/", views_quotes.quote_list_page, name="quote_list"),
    path("quotes/new", views_quotes.quote_new, name="quote_new"),
    path("quotes/<uuid:ref>/", views_quotes.quote_detail, name="quote_detail"),
    path("quotes/<uuid:ref>/edit", views_quotes.quote_edit, name="quote_edit"),
    path("quotes/<uuid:ref>/pdf", views_quotes.quote_pdf, name="quote_pdf"),
    path("quotes/<uuid:ref>/<str:verb>", views_quotes.quote_act, name="quote_act"),
]
