from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "solde.api"
    label = "api"
