"""The permission walk: every URL of the project, requested as every persona.

Each Kindred app lists its URLs in `<app>/tests/walk.py`:

    ROUTES = [Route("families:list", allowed={"coordinator", "supervisor"}), ...]
    def setup(world): world.objects["family"] = ...   # optional: objects in program A

`allowed` personas must get an answer that is not a refusal; every other persona (the outsider
from program B always among them) must be refused: anonymous is sent to sign in (or gets 401/403/
404), signed-in people get 403 or 404 (or are sent to sign in). A URL that no walk lists fails
the walk. Pages of "the current program" (lists, settings) are allowed to the outsider, who sees
their own program B there: the walk checks that no answer to the outsider contains program A's
name or any string a walk's setup puts in `world.objects["canaries"]`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

World = Any


@dataclass(frozen=True)
class Route:
    name: str
    allowed: frozenset[str] | set[str]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] | None = None
    query: str = ""
    ok_status: frozenset[int] = field(default_factory=lambda: frozenset({200}))

    def __repr__(self) -> str:
        return f"{self.method} {self.name}"


PUBLIC = frozenset(
    {
        "anonymous",
        "coordinator",
        "supervisor",
        "mentor",
        "referrer",
        "evaluator",
        "admin",
        "curator",
        "outsider",
    }
)
SIGNED_IN = PUBLIC - {"anonymous"}
