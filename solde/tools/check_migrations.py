"""Fail when a model change has no migration (run by scripts/test)."""

from __future__ import annotations

import os
import sys
import tempfile


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solde.config.settings")
    os.environ["SOLDE_DATA_DIR"] = tempfile.mkdtemp(prefix="solde-migrations-")
    os.environ.pop("SOLDE_DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exc:
        print(
            "Models changed without a migration: run `solde manage makemigrations`.",
            file=sys.stderr,
        )
        return int(exc.code or 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
