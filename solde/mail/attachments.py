"""Attachments drawn at delivery: a run that queues thousands of reminders cannot draw
thousands of PDFs inside its transactions, so it stores a `source` ("<kind>:<id>") and the
app that owns the document registers how to draw it (in its AppConfig.ready). The bytes
are drawn from data frozen at queue time (a reminder's lines, an issued invoice's PDF), then
stored in the attachment row before the message leaves, so the outbox keeps what was sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from solde.mail.models import OutboundAttachment, OutboundEmail

Drawer = Callable[[str], bytes]
_DRAWERS: dict[str, Drawer] = {}


def register(kind: str, drawer: Drawer) -> None:
    """Say how to draw the attachments whose source is "<kind>:<id>"."""
    _DRAWERS[kind] = drawer


def draw_pending(email: OutboundEmail) -> None:
    """Draw and store every attachment of `email` still waiting for its bytes. Raises
    (and the delivery is retried) if a drawer is missing or fails."""
    for attachment in email.attachments.filter(sha256=""):
        kind, _, ref = attachment.source.partition(":")
        if kind not in _DRAWERS:
            raise LookupError(f"No way to draw the attachment {attachment.source!r}.")
        content = _DRAWERS[kind](ref)
        OutboundAttachment.objects.filter(pk=attachment.pk).update(
            content=content, sha256=hashlib.sha256(content).hexdigest()
        )
