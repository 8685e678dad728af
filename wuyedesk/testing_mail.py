"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): the `smtp` fixture in conftest.py.

Every mail the product sends in a test goes through Django's SMTP backend to this server;
`inbox.messages` holds what arrived, as `email.message.Message` objects.
"""

import socket

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in (m["To"] or "")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(settings):
    """Start a sink and point Django's mail settings at it; returns (inbox, controller)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return inbox, controller
