from django.contrib.auth import views as auth_views
from django.urls import include, path

from solde.reports.views import dashboard
from solde.web import views

company_pages = [
    path("", dashboard, name="home"),  # the company's home page is its receivables dashboard
    path("customers/", include("solde.customers.urls")),
    path("", include("solde.invoicing.urls")),
    path("payments/", include("solde.payments.urls")),
    path("bank/", include("solde.banking.urls")),
    path("recurring/", include("solde.recurring.urls")),
    path("reminders/", include("solde.reminders.urls")),
    path("reports/", include("solde.reports.urls")),
    path("", include("solde.mail.urls")),
    path("settings/", include("solde.companies.urls")),
]

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("c/<slug:company>/", include(company_pages)),
]
