"""The permission walk: every URL of the project, requested as every persona.

Each Kindred app lists its URLs in `<app>/tests/walk.py`:

    ROUTES = [Route("families:list", allowed={"coordinator", "supervisor"}), ...]
    def setup(world): world.objects["family"] = ...   # optional: objects in program A

`allowed` personas must get an answer that is not a refusal; every other persona (the outsider
from program B always among them) must be refused: anonymous is sent to sign in (or gets 401/403/
404); a signed-in person gets exactly 404 if listed in `not_found` (the page's object is out of
their reach, its existence not revealed) and exactly 403 otherwise (they may not do this). A URL
that no walk lists fails the walk. Pages of "the current program" (lists, settings) are allowed to the outsider, who sees
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
    query: str | Callable[[World], str] = ""
    # "application/json": `data` is sent as a JSON body (the JSON API), not as a form.
    content_type: str = ""
    ok_status: frozenset[int] = field(default_factory=lambda: frozenset({200}))
    not_found: frozenset[str] | set[str] = frozenset()

    def query_for(self, world: World) -> str:
        return self.query(world) if callable(self.query) else self.query

    def refusal(self, persona: str) -> int:
        """The status a signed-in persona outside `allowed` gets."""
        return 404 if persona in self.not_found else 403

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
