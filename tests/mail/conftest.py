"""A real SMTP server (aiosmtpd) on a free local port, and an outbox folder per test."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server accepted: envelope recipients and the parsed message."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_DELIVERY = "smtp"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture(autouse=True)
def outbox_folder(settings, tmp_path):
    """No SOLDE_EMAIL_URL: messages become .eml files, here in the test's own folder."""
    settings.DATA_DIR = tmp_path
    settings.EMAIL_DELIVERY = "file"
    settings.DEFAULT_FROM_EMAIL = "Solde <noreply@solde.test>"
    return tmp_path / "outbox"


@pytest.fixture
def start_smtp(settings):
    """start_smtp(port=None) starts a server (on a free port by default) and points the
    SMTP settings at it; every server stops at the end of the test."""
    controllers = []

    def start(port: int | None = None) -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        controllers.append(controller)
        use_smtp(settings, controller.port)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp):
    return start_smtp()


@pytest.fixture
def smtp_down(settings):
    """SMTP configured on a port where nothing listens: every connection is refused."""
    port = free_port()
    use_smtp(settings, port)
    return port
