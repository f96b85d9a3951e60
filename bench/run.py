"""`make bench`: build a fresh PostgreSQL database, then run every `bench/bench_*.py`.

Each benchmark module exposes `run(ctx: BenchContext) -> list[BenchResult]` (the Protocol
`kindred.lib.extensions.BenchModule`); every result is printed on one line as a ratio against a
baseline measured in the same run (bench/common.py).
A module that raises is reported as `<module>: FAILED <error>`, the others still run, and the
runner then exits non-zero.

Environment:
  BENCH_DATABASE_URL  PostgreSQL server, optionally with the database name
                      (default postgres://postgres@127.0.0.1:5432/, database kindred_bench).
                      The database is DROPPED and recreated: its name must contain "bench".
  BENCH_QUICK=1       smaller sizes, for a smoke run.
  BENCH_ONLY=a,b      only the modules whose name contains one of these words.
"""

import os
import platform
import secrets
import subprocess
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "kindred_bench"

# `from common import ...` and `from bench.common import ...` both work in a benchmark module.
for _path in (str(ROOT), str(BENCH_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from common import BenchContext  # noqa: E402


class BenchSetupError(Exception):
    """The run cannot start (PostgreSQL unreachable, migrations failing...)."""


def bench_database_url() -> str:
    """The benchmark database's URL: BENCH_DATABASE_URL, with kindred_bench as default name."""
    raw = os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_SERVER
    parts = urlsplit(raw)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchSetupError(
            f"BENCH_DATABASE_URL must be a postgres:// URL (got scheme {parts.scheme!r}): "
            "the benchmarks measure Kindred on PostgreSQL."
        )
    name = parts.path.lstrip("/") or DEFAULT_DATABASE
    if "bench" not in name:
        raise BenchSetupError(
            f"Refusing to use the database {name!r}: `make bench` drops and recreates its "
            "database, so its name must contain 'bench' (e.g. kindred_bench)."
        )
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def redacted(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in credentials else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


RUN_CACHE_PREFIX = f"kindred-bench-{secrets.token_hex(6)}"


def production_environment(database_url: str) -> dict[str, str]:
    """The variables of a production-like Kindred process against the benchmark database."""
    return {
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "immediate",
        # The shared cache (Redis, as production) under a prefix of this run only: the database
        # is recreated with the same ids, so a previous run's records must never be read.
        "CACHE_KEY_PREFIX": RUN_CACHE_PREFIX,
    }


def recreate_database(database_url: str) -> str:
    """Drop and create the benchmark database; return the server's version."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    maintenance = make_conninfo(database_url, dbname="postgres", connect_timeout=5)
    try:
        connection = psycopg.connect(maintenance, autocommit=True)
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise BenchSetupError(
            f"PostgreSQL is not reachable at {server} ({first_line}).\n"
            "`make bench` measures Kindred on PostgreSQL: start the server, or point "
            "BENCH_DATABASE_URL at one (postgres://user:password@host:5432/kindred_bench)."
        ) from error
    with connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return str(version)


def migrate(database_url: str) -> float:
    start = time.perf_counter()
    env = {**os.environ, **production_environment(database_url)}
    env.pop("KINDRED_FAST_PASSWORD_HASHER", None)
    completed = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-25:])
        raise BenchSetupError(f"`manage.py migrate` failed on the benchmark database:\n{tail}")
    return time.perf_counter() - start


def discover(only: str) -> list[str]:
    words = [word.strip() for word in only.split(",") if word.strip()]
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    if words:
        names = [name for name in names if any(word in name for word in words)]
    return names


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def print_header(database_url: str, pg_version: str, quick: bool, modules: list[str]) -> None:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("Kindred benchmarks")
    print(f"  machine    {platform.machine()} {platform.system()} {platform.release()}")
    print(f"  cores      {os.cpu_count()} (usable by this process: {usable})")
    if hasattr(os, "getloadavg"):
        load = " ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"  load       {load} (1, 5, 15 min: other work on the machine skews timings)")
    print(f"  python     {platform.python_version()} ({platform.python_implementation()})")
    print(f"  django     {version_of('django')}")
    print(f"  gunicorn   {version_of('gunicorn')}")
    print(f"  postgresql {pg_version} ({redacted(database_url)})")
    print(f"  mode       {'quick (BENCH_QUICK=1)' if quick else 'full'}")
    print(f"  modules    {', '.join(modules) if modules else '(none)'}")
    print(flush=True)


def run_module(name: str, ctx: BenchContext) -> bool:
    """Run one benchmark module and print its lines; False when it failed."""
    start = time.perf_counter()
    try:
        # Imported late: kindred.lib pulls in lazy translations, which need the settings the
        # runner exported above (DJANGO_SETTINGS_MODULE, SECRET_KEY...).
        import django

        django.setup()
        from kindred.lib.extensions import bench_module

        module = bench_module(name)
        results = list(module.run(ctx))
        lines = [result.line() for result in results]
    except Exception as error:  # noqa: BLE001 - one failing benchmark must not stop the others
        traceback.print_exc(file=sys.stderr)
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"{name}: FAILED {type(error).__name__}: {message}", flush=True)
        return False
    if not lines:
        print(f"{name}: FAILED the module returned no result", flush=True)
        return False
    for line in lines:
        print(line)
    print(f"  ({name}: {time.perf_counter() - start:.1f} s)", flush=True)
    return True


def main() -> int:
    if "--quick" in sys.argv[1:]:
        os.environ["BENCH_QUICK"] = "1"
    quick = os.environ.get("BENCH_QUICK") == "1"
    modules = discover(os.environ.get("BENCH_ONLY", ""))
    if not modules:
        print(
            f"make bench: no bench/bench_*.py matches BENCH_ONLY={os.environ.get('BENCH_ONLY')!r}."
        )
        return 1
    try:
        database_url = bench_database_url()
        pg_version = recreate_database(database_url)
        print_header(database_url, pg_version, quick, modules)
        print(f"Migrating {redacted(database_url)} ...", flush=True)
        print(f"  migrated in {migrate(database_url):.1f} s", flush=True)
        print(flush=True)
    except BenchSetupError as error:
        print(f"make bench: {error}", file=sys.stderr)
        return 2

    # A module that sets Django up in this process talks to the benchmark database as production.
    os.environ.update(production_environment(database_url))
    os.environ.pop("KINDRED_FAST_PASSWORD_HASHER", None)
    ctx = BenchContext(
        database_url=database_url, python=sys.executable, root=str(ROOT), quick=quick
    )

    start = time.perf_counter()
    failed = [name for name in modules if not run_module(name, ctx)]
    print()
    elapsed = time.perf_counter() - start
    if failed:
        print(
            f"{len(failed)} of {len(modules)} benchmark modules FAILED: {', '.join(failed)} "
            f"({elapsed:.1f} s)"
        )
        return 1
    print(f"{len(modules)} benchmark modules ran in {elapsed:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
