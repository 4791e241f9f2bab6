from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "solde.banking"
    label = "banking"
