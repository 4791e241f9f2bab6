from django.urls import path

from solde.customers import views

urlpatterns = [
    path("", views.customer_list_page, name="customer_list"),
    path("new", views.customer_new, name="customer_new"),
    path("<uuid:ref>/", views.customer_detail, name="customer_detail"),
    path("<uuid:ref>/edit", views.customer_edit, name="customer_edit"),
    path("<uuid:ref>/contacts", views.customer_contact_add, name="customer_contact_add"),
    path("<uuid:ref>/statement.pdf", views.customer_statement_pdf, name="customer_statement"),
    path(
        "<uuid:ref>/statement.csv",
        views.customer_statement_sheet,
        {"extension": "csv"},
        name="customer_statement_csv",
    ),
    path(
        "<uuid:ref>/statement.xlsx",
        views.customer_statement_sheet,
        {"extension": "xlsx"},
        name="customer_statement_xlsx",
    ),
]
