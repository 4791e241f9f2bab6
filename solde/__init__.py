"""Solde: invoices, always-true balances, bank reconciliation and reminders."""

__version__ = "0.1.0"
