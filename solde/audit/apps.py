from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "solde.audit"
    label = "audit"
