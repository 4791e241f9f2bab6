from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "solde.reminders"
    label = "reminders"

    def ready(self) -> None:
        from solde.reminders import documents

        documents.register()
