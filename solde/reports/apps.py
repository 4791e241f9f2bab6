from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "solde.reports"
    label = "reports"

    def ready(self) -> None:
        from solde.reports.statistics import after_migrate

        post_migrate.connect(after_migrate, sender=self)
