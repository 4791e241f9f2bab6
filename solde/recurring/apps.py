from django.apps import AppConfig


class RecurringConfig(AppConfig):
    name = "solde.recurring"
    label = "recurring"
