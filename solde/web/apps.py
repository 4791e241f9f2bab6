from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "solde.web"
    label = "web"
