from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "solde.invoicing"
    label = "invoicing"
