from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "solde.payments"
    label = "payments"
