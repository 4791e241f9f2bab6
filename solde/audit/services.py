"""Writing audit events, inside the transaction of the change they record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from solde.audit.models import AuditEvent
from solde.core import clock


def _plain(value: Any) -> Any:
    """JSON-safe values: Decimals and dates as strings, so nothing is rounded."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal | date | datetime | UUID):
        return str(value)
    return value


def actor_parts(actor: Any) -> tuple[Any, str]:
    """A user, or a label such as "cli" or "import", or None (the system)."""
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor, getattr(actor, "email", "") or str(actor)


def audit_record(
    *,
    company,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    user, label = actor_parts(actor)
    return AuditEvent.objects.create(
        company=company,
        at=clock.now(),
        actor=user,
        actor_label=label,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.public_id,
        before=_plain(before),
        after=_plain(after),
    )
