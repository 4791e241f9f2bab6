from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "solde.customers"
    label = "customers"
