from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "solde.mail"
    label = "mail"
