"""Browser-test helpers: Debian Chromium through Playwright, axe-core on every page reached."""

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings

AXE_PATH = Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

# Runs in every page after it loads and reports the result to Python through a binding.
AXE_INIT = """
window.addEventListener("load", () => {
  if (!window.axe || window.top !== window) { return; }
  window.axe.run(document, {resultTypes: ["violations"]}).then((r) => {
    window.__kindredAxeDone = true;
    window.__kindredReportAxe(JSON.stringify({url: location.href, violations: r.violations}))
      .then(() => document.documentElement.setAttribute("data-kindred-axe", "done"));
  });
});
"""


class AxeRecorder:
    def __init__(self) -> None:
        self.checked: dict[str, list[dict[str, Any]]] = {}

    def report(self, source: Any, payload: str) -> None:
        data = json.loads(payload)
        self.checked[data["url"]] = data["violations"]

    def blocking(self) -> list[str]:
        found = []
        for url, violations in self.checked.items():
            for violation in violations:
                if violation.get("impact") in BLOCKING_IMPACTS:
                    targets = [n.get("target") for n in violation.get("nodes", [])][:3]
                    found.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
        return found


def install_axe(context: Any) -> AxeRecorder:
    recorder = AxeRecorder()
    context.expose_binding("__kindredReportAxe", recorder.report)
    context.add_init_script(path=str(AXE_PATH))
    context.add_init_script(script=AXE_INIT)
    return recorder


def settle_axe(page: Any) -> None:
    """Wait until axe has checked the page now shown (call before leaving a page you must check)."""
    # A page without axe (a PDF, a download) has nothing to wait for. (A locator, not
    # wait_for_function: the pages' Content-Security-Policy forbids the eval that needs.)
    with contextlib.suppress(Exception):
        page.locator("html[data-kindred-axe=done]").wait_for(state="attached", timeout=10_000)


def sign_in(page: Any, live_server: Any, email: str, password: str | None = None) -> None:
    """Sign in through the pages, as a person does: e-mail and password, then — for a role that
    requires it — the code from their authenticator app (one is given to them first if they
    have none, as if they had enrolled earlier; enrolment itself is tested in
    kindred/accounts/tests/test_browser.py)."""
    from kindred.accounts import second_factor
    from kindred.accounts.models import User
    from kindred.core.testing.personas import PASSWORD
    from kindred.core.testing.two_factor import authenticator, next_code

    user = User.objects.get(email__iexact=email)
    device = authenticator(user) if second_factor.required(user) else None
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password or PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    if device is not None:
        page.wait_for_url("**/accounts/two-step/**")
        page.locator("input[name=code]").fill(next_code(device))
        page.locator("form[action$='/accounts/two-step/'] button[type=submit]").click()


# Screenshots a reviewer looks at after a run: var/artifacts/screenshots/ (git-ignored), or the
# folder KINDRED_ARTIFACTS names (CI keeps it as the run's artifact).
ARTIFACTS = Path(os.environ.get("KINDRED_ARTIFACTS", Path(settings.BASE_DIR) / "var" / "artifacts"))


def keep_screenshot(page: Any, *parts: str) -> Path:
    """Save a full-page screenshot of the page now shown as screenshots/<parts…>.png."""
    safe = [re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-") or "page" for part in parts]
    path = ARTIFACTS.joinpath("screenshots", *safe[:-1], safe[-1] + ".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def open_menu(page: Any) -> None:
    """Open the header's menu and its account group (program switch, language, sign out), as a
    person does: the Menu button on a phone; on a wide screen the menu is a bar already."""
    menu = page.locator("#site-menu")
    if menu.get_attribute("open") is None:
        page.locator("#site-menu > summary").click()
        # On a phone kindred.js opens every group when the menu's `toggle` event fires, which
        # comes a moment after the click: wait for it rather than race it (a click on the
        # account group after that event would close the group again).
        if page.evaluate("window.matchMedia('(max-width: 63.99rem)').matches"):
            page.locator("#site-menu .menu-account[open]").wait_for(
                state="attached", timeout=10_000
            )
    account = page.locator("#site-menu .menu-account")
    if account.get_attribute("open") is None:
        page.locator("#site-menu .menu-account > summary").click()
    page.locator("#site-menu .menu-account .menu-tools").wait_for(state="visible")
