"""Posting the same thing from several threads at once (PostgreSQL: one connection each)."""

import threading
from typing import Any

from django.db import connection
from django.test import Client


def post_at_once(url: str, data: dict[str, Any], *, times: int) -> list[int]:
    """The status codes of `times` clients posting `data` together (a barrier lines them up)."""
    barrier = threading.Barrier(times)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            statuses.append(client.post(url, data).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return statuses
