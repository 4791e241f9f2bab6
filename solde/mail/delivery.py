"""Handing one outbox row to the world: SMTP when SOLDE_EMAIL_URL is set, otherwise an
.eml file in DATA_DIR/outbox. No database writes here (services.outbox_deliver does them).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from solde.mail.models import OutboundEmail


def build_message(email: OutboundEmail) -> EmailMessage:
    """The message exactly as stored, with its stable Message-ID on every attempt."""
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=list(email.to),
        reply_to=list(email.reply_to),
        headers={"Message-ID": email.message_id},
    )
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mime_type)
    return message


def outbox_dir() -> Path:
    return Path(settings.DATA_DIR) / "outbox"


def _write_eml(message: EmailMessage, email: OutboundEmail) -> str:
    """Write `<public_id>.eml` through a temporary file, so a crash never leaves half a
    message; a second delivery rewrites the same file."""
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{email.public_id}.eml"
    partial = path.with_suffix(".eml.partial")
    partial.write_bytes(message.message().as_bytes())
    os.replace(partial, path)
    return str(path)


def _send_smtp(message: EmailMessage) -> None:
    """Through Django's SMTP backend, named explicitly: the test runner replaces the
    default backend (EMAIL_BACKEND) with an in-memory one."""
    backend = EmailBackend(
        host=settings.EMAIL_HOST,
        port=settings.EMAIL_PORT,
        username=settings.EMAIL_HOST_USER,
        password=settings.EMAIL_HOST_PASSWORD,
        use_tls=settings.EMAIL_USE_TLS,
        use_ssl=settings.EMAIL_USE_SSL,
        timeout=settings.EMAIL_TIMEOUT,
        fail_silently=False,
    )
    if backend.send_messages([message]) != 1:
        raise RuntimeError("The SMTP backend did not send the message.")


def deliver(email: OutboundEmail) -> str:
    """Send or write the message; returns the .eml path, or "" when sent by SMTP.
    Raises whatever the transport raises."""
    message = build_message(email)
    if settings.EMAIL_DELIVERY == "smtp":
        _send_smtp(message)
        return ""
    return _write_eml(message, email)
