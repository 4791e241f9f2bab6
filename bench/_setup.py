"""Shared start of every benchmark: a fresh data directory (SQLite) unless SOLDE_DATABASE_URL."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def django_ready() -> str:
    """Configure Django on a throwaway data directory, migrate; return the database vendor."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("SOLDE_DATA_DIR", tempfile.mkdtemp(prefix="solde-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solde.config.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return connection.vendor
