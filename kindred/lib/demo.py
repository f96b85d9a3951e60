"""What each app's `demo.py: load(ctx)` receives from `manage.py load_demo` (kindred.core.demo).

The demo program is a living, clearly fictional program a newcomer can explore. Each app's
loader must be idempotent: running the command again must not duplicate anything.
"""

from dataclasses import dataclass, field
from typing import Any, TextIO

# Every demo person's e-mail address ends with this (a reserved .test domain: mail goes nowhere).
DEMO_DOMAIN = "demo.kindred.test"


@dataclass
class DemoContext:
    # The rows are models of the apps above lib (programs.Organization, programs.Program,
    # accounts.User), which lib does not import: hence `Any`.
    organization: Any
    program: Any
    users: dict[str, Any]
    password: str
    stdout: TextIO | None = None
    other_organization: Any = None
    other_program: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")
