from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "solde.reports"
    label = "reports"
