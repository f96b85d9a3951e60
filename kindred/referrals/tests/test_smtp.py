"""E-mail through a real SMTP conversation: an aiosmtpd server on 127.0.0.1."""

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from kindred.referrals.services import referral_move
from kindred.referrals.status import Status

from .conftest import make_referral


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_it_sends_notifications_over_smtp_in_each_recipients_language(
    world, smtp_server, django_capture_on_commit_callbacks
):
    world.referrer.language = "es"
    world.referrer.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(world)
    with django_capture_on_commit_callbacks(execute=True):
        referral_move(referral=referral, to=Status.ACCEPTED, by=world.coordinator)
    by_recipient = {
        rcpt[0]: message_from_bytes(content) for _, rcpt, content in smtp_server.messages
    }
    assert set(by_recipient) == {world.coordinator.email, world.referrer.email}
    to_coordinator = by_recipient[world.coordinator.email]
    to_referrer = by_recipient[world.referrer.email]
    assert str(make_header(decode_header(to_coordinator["Subject"]))).startswith(
        "Kindred: a referral"
    )
    assert str(make_header(decode_header(to_referrer["Subject"]))).startswith(
        "Kindred: una derivaci"
    )
    body = to_referrer.get_payload(decode=True).decode()
    assert "Aceptada" in body and f"/referrals/sent/{referral.pk}/" in body
    # No health information travels by e-mail: not the family's name, nor what they look for.
    for message in (to_coordinator, to_referrer):
        text = message.get_payload(decode=True).decode()
        assert "Marisol" not in text and "Quintero" not in text and "heart" not in text
