"""Customers, their contacts and the bank accounts they are known to pay from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from solde.companies.models import CompanyOwned


class Customer(CompanyOwned):
    KIND_CHOICES = [("company", "company"), ("person", "person")]

    code = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default="company")
    name = models.CharField(max_length=200)
    siren = models.CharField(max_length=9, blank=True, db_index=True)
    siret = models.CharField(max_length=14, blank=True)
    vat_number = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="FR")
    delivery_address = models.CharField(max_length=300, blank=True)
    delivery_postal_code = models.CharField(max_length=20, blank=True)
    delivery_city = models.CharField(max_length=100, blank=True)
    delivery_country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=5, default="fr")
    # None: the company's default terms.
    payment_terms_days = models.PositiveSmallIntegerField(null=True, blank=True)
    segment = models.CharField(max_length=50, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"], condition=~Q(code=""), name="customer_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["company", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    role = models.CharField(max_length=100, blank=True)
    receives_invoices = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class CustomerIban(models.Model):
    """An account the customer paid from or declared: used to recognise its transfers."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ibans")
    iban = models.CharField(max_length=34, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "iban"], name="customer_iban_unique"),
        ]

    def __str__(self) -> str:
        return self.iban
