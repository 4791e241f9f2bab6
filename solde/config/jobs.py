"""The Huey instance: SQLite storage in the data directory, Redis when SOLDE_REDIS_URL is set.

Configured from settings.HUEY by huey.contrib.djhuey; tasks live in each app's tasks.py
and only call services.
"""

from huey.contrib.djhuey import HUEY as huey  # noqa: F401
