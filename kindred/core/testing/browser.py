"""Browser-test helpers: Debian Chromium through Playwright, axe-core on every page reached."""

import contextlib
import json
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
    window.__kindredReportAxe(JSON.stringify({url: location.href, violations: r.violations}));
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
    # A page without axe (a PDF, a download) has nothing to wait for.
    with contextlib.suppress(Exception):
        page.wait_for_function("window.__kindredAxeDone === true", timeout=10_000)
