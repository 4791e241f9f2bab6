from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "solde.companies"
    label = "companies"
