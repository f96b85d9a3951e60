"""The floors of docs/architecture.md: each package imports only the floors below it, and no
module imports itself back through others (an import circle inside an app).

Every import counts, at module level or inside a function: moving an import into a function
hides a circle, it does not remove it. Tests, shared test helpers (core/testing) and migrations
are not part of the floors.
"""

import ast
from pathlib import Path

import kindred

ROOT = Path(kindred.__file__).resolve().parent
FLOORS = {"lib": set(), "audit": {"lib"}, "accounts": {"lib", "audit"}}
FLOORS["programs"] = FLOORS["accounts"] | {"accounts"}
FLOORS["families"] = FLOORS["programs"] | {"programs"}
# Personal API tokens stand on programs; only the API (kindred/api.py, on top) reads them.
FLOORS["apitokens"] = FLOORS["programs"] | {"programs"}
# Domain apps side by side: families and the floors below, never one another.
for _app in ("referrals", "directory", "mentors"):
    FLOORS[_app] = FLOORS["families"] | {"families"}
# Matching sits above families, referrals, directory and mentors; none of them imports it.
FLOORS["matching"] = FLOORS["families"] | {"families", "referrals", "directory", "mentors"}
# Support groups stand on families, mentors and the directory; none of them imports groups.
FLOORS["groups"] = FLOORS["families"] | {"families", "mentors", "directory"}
# Encounters stand on families, referrals, directory, mentors, matching and groups (a group
# session's note is an encounter); none imports them.
FLOORS["encounters"] = FLOORS["families"] | {
    "families",
    "referrals",
    "directory",
    "mentors",
    "matching",
    "groups",
}
# Evaluation reads every domain app's rows (the program report, exports); none imports it.
FLOORS["evaluation"] = FLOORS["encounters"] | {"encounters", "matching", "groups"}
# Surveys stand on matching and groups (and what they stand on); none of them imports surveys.
FLOORS["surveys"] = FLOORS["matching"] | FLOORS["groups"] | {"matching", "groups"}
# Interoperability sits above the domain apps it speaks for; none of them imports it.
FLOORS["fhir"] = FLOORS["families"] | {"families", "referrals", "directory"}
# Planning (the plan, its objectives, readiness) stands beside the domain apps, on programs: it
# reads their figures only through the measures extension point (kindred.lib.measures).
FLOORS["planning"] = FLOORS["programs"] | {"programs"}
# The home page, health check and demo loader find the domain apps through extension points.
FLOORS["core"] = FLOORS["families"]


def is_counted(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not ({"tests", "migrations"} & set(parts) or parts[:2] == ("core", "testing"))


def imported_names(path: Path) -> set[str]:
    """Dotted names a module imports (for `from a import b`: both `a` and `a.b`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def kindred_imports(path: Path) -> set[str]:
    found = set()
    for name in imported_names(path):
        parts = name.split(".")
        if parts[0] == "kindred" and len(parts) > 1 and (ROOT / parts[1]).is_dir():
            found.add(parts[1])
    return found


def module_name(path: Path) -> str:
    parts = ("kindred", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_it_knows_every_package_of_kindred() -> None:
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(FLOORS)


def test_each_package_imports_only_the_floors_below_it() -> None:
    wrong = []
    for package, allowed in FLOORS.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            if not is_counted(path):
                continue
            for imported in sorted(kindred_imports(path) - allowed - {package}):
                wrong.append(f"{path.relative_to(ROOT)} imports kindred.{imported}")
    assert not wrong, "imports against the floors (docs/architecture.md):\n" + "\n".join(wrong)


def test_no_module_imports_itself_back() -> None:
    modules = {module_name(p): p for p in ROOT.rglob("*.py") if is_counted(p)}
    graph = {
        name: {other for other in imported_names(path) if other in modules and other != name}
        for name, path in modules.items()
    }
    circles = []

    def visit(name: str, trail: list[str]) -> None:
        for other in sorted(graph[name]):
            if other in trail:
                circles.append(" -> ".join([*trail[trail.index(other) :], other]))
            elif other not in done:
                visit(other, [*trail, other])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert not circles, "import circles:\n" + "\n".join(circles)
