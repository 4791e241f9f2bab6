"""The reports' pages: the dashboard, its drill-downs and the exports."""

from django.urls import path

from solde.reports import views, views_exports

urlpatterns: list = [
    path("aging/", views.aging_report, name="report_aging"),
    path("invoices/", views.invoice_drilldown, name="report_invoices"),
    path("dashboard/<slug:block>/", views.dashboard_block, name="report_block"),
    path("aging.csv", views_exports.aging_download, {"extension": "csv"}, name="report_aging_csv"),
    path(
        "aging.xlsx", views_exports.aging_download, {"extension": "xlsx"}, name="report_aging_xlsx"
    ),
    path("aging.pdf", views_exports.aging_download, {"extension": "pdf"}, name="report_aging_pdf"),
]
