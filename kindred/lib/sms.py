"""Text messages for every app: queued through the Tasks API, sent only after the transaction
commits, through the provider named by the `SMS_BACKEND` setting.

Like e-mail, a text carries a link back into Kindred and never any health information. No
provider is configured by default (and none in the demo): `sms_available()` is then False and
the pages that offer a text say why it is not possible.

Backends (`SMS_BACKEND`, a dotted path or one of the short names):
- `""` (default): texting is off.
- `console`: prints the message (development).
- `locmem`: keeps messages in `kindred.lib.sms.outbox` (tests).
- `http`: POSTs JSON `{"to": "+1…", "body": "…"}` to `SMS_HTTP_URL` with
  `Authorization: Bearer SMS_HTTP_TOKEN` — the shape of most providers' relay endpoints; a
  small relay maps it onto a provider that wants another shape.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

SHORT_NAMES = {
    "console": "kindred.lib.sms.ConsoleBackend",
    "locmem": "kindred.lib.sms.LocmemBackend",
    "http": "kindred.lib.sms.HttpBackend",
}
MAX_LENGTH = 480  # three SMS segments


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, message: TextMessage) -> None: ...


outbox: list[TextMessage] = []


class LocmemBackend:
    def send(self, message: TextMessage) -> None:
        outbox.append(message)


class ConsoleBackend:
    def send(self, message: TextMessage) -> None:
        sys.stdout.write(f"SMS to {message.to}:\n{message.body}\n")


class HttpBackend:
    def send(self, message: TextMessage) -> None:
        url = getattr(settings, "SMS_HTTP_URL", "")
        if not url.startswith(("https://", "http://")):
            raise RuntimeError("SMS_BACKEND is http but SMS_HTTP_URL is not an http(s) URL.")
        request = urllib.request.Request(  # noqa: S310 (the configured https URL)
            url,
            data=json.dumps({"to": message.to, "body": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {getattr(settings, 'SMS_HTTP_TOKEN', '')}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"SMS provider answered {response.status}")


def backend_path() -> str:
    name = getattr(settings, "SMS_BACKEND", "") or ""
    return SHORT_NAMES.get(name, name)


def sms_available() -> bool:
    """A provider is configured (a program must also turn texting on)."""
    return bool(backend_path())


def e164(phone: str, *, default_country: str = "1") -> str:
    """The number in E.164 (`+15551234567`), or "" when it cannot be one (too short, letters).

    Ten digits are taken as a North American number; a leading `+` keeps its country code."""
    raw = (phone or "").strip()
    if re.search(r"[A-Za-z]", raw):  # a note ("call the aunt") or an extension: not textable
        return ""
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        return f"+{digits}" if 8 <= len(digits) <= 15 else ""
    if len(digits) == 10:
        return f"+{default_country}{digits}"
    if len(digits) == 11 and digits.startswith(default_country):
        return f"+{digits}"
    return ""


@task()
def send_sms(*, to: str, body: str) -> None:
    path = backend_path()
    if not path:
        return
    backend: SmsBackend = import_string(path)()
    backend.send(TextMessage(to=to, body=body[:MAX_LENGTH]))


def send_sms_after_commit(*, to: str, body: str) -> None:
    transaction.on_commit(lambda: send_sms.enqueue(to=to, body=body))
