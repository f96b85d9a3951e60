import os

import pytest

from kindred.core.testing.personas import World, build_world

# Django's live server runs beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> None:
    """Django empties a test database with TRUNCATE after each transactional test, which the audit
    table refuses on PostgreSQL (audit migration 0003): test databases switch that trigger off.
    A test that checks the refusal switches it on inside its own transaction."""
    from kindred.audit.testing import allow_truncate_in_test_database

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        allow_truncate_in_test_database()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the signed-in person's record, sessions and home
    summaries of a previous test (whose rows were rolled back, and whose ids come again on
    SQLite) must not be served to this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default() -> None:
    """Each test starts in English: a test that switched the language leaves it behind on its
    thread otherwise (Django's translation state is per thread, not per request)."""
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _starter_vocabularies(request: pytest.FixtureRequest) -> None:
    """Transactional tests (the browser tests) empty every table when they end, the rows of data
    migrations too: put the shipped starter lists (conditions, experiences) back before each."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    import_module("kindred.families.migrations.0003_starter_vocabularies").load(apps, None)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_unavailable(reason: str) -> None:
    # Under CI a skipped browser run is a failure, not a pass.
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.path.exists(CHROMIUM):
        _browser_unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def axe(context: object) -> object:
    from kindred.core.testing.browser import AXE_PATH, install_axe

    if not AXE_PATH.exists():
        _browser_unavailable(f"{AXE_PATH} is missing (npm ci)")
    return install_axe(context)


@pytest.fixture
def page(axe: object, page: object) -> object:
    """Every page a browser test reaches is checked by axe-core (serious/critical fail)."""
    from kindred.core.testing.browser import settle_axe

    yield page
    settle_axe(page)
    blocking = axe.blocking()  # type: ignore[attr-defined]
    assert axe.checked, "axe-core checked no page"  # type: ignore[attr-defined]
    assert not blocking, "accessibility violations:\n" + "\n".join(blocking)


@pytest.fixture
def smtp_server(settings: object):
    """A real SMTP server on loopback (aiosmtpd); Django's SMTP backend talks to it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list = []

        def handle_message(self, message: object) -> None:
            self.messages.append(message)

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
    settings.EMAIL_PORT = port  # type: ignore[attr-defined]
    settings.EMAIL_USE_TLS = False  # type: ignore[attr-defined]
    try:
        yield inbox
    finally:
        controller.stop()
