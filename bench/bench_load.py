"""Load and soak with Locust: the issue's mix against gunicorn on PostgreSQL, loopback only.

gunicorn (2 sync workers, production-like settings, the demo world of `load_demo`) serves
simulated coordinators from `bench/locust_kindred.py` (70% page reads, 25% writes, 5% exports,
1-3 s think time), run headless by Locust in a subprocess for a bounded time. Printed: p95,
p99 and errors against the issue's limits, worker memory growth, the database connections of
the benchmark database (sampled every 2 s), and the user count at which p95 first passes 1 s.
Quick: 45 s ramping to 20 users. Full: 5 min at 50 users, then a ramp to 150 users; the
20-minute soak at 20 users only with BENCH_SOAK=1 (it alone exceeds make bench's 15 minutes).
BENCH_LOAD_PORT fixes gunicorn's port (default: a free one).
"""

import csv
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

try:
    from bench_platform import (
        create_coordinator,
        environment,
        free_port,
        sign_in,
        start_gunicorn,
        stop_gunicorn,
        wait_until_ready,
        worker_rss_mib,
    )
    from common import BenchContext, BenchResult
except ModuleNotFoundError:  # imported as bench.bench_load
    from bench.bench_platform import (
        create_coordinator,
        environment,
        free_port,
        sign_in,
        start_gunicorn,
        stop_gunicorn,
        wait_until_ready,
        worker_rss_mib,
    )
    from bench.common import BenchContext, BenchResult

P95_LIMIT_MS = 500.0
P99_LIMIT_MS = 1000.0


@dataclass
class Stage:
    name: str
    users: int
    spawn_rate: float
    seconds: int


def stages(quick: bool) -> list[Stage]:
    if quick:
        return [Stage("load", 20, 1, 45)]
    plan = [Stage("load", 50, 1, 300), Stage("ramp", 150, 0.5, 300)]
    if os.environ.get("BENCH_SOAK") == "1":
        plan.append(Stage("soak", 20, 2, 1200))
    return plan


class Connections(threading.Thread):
    """Counts the benchmark database's connections every 2 s while the load runs."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.is_set():
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                ).fetchone()
                self.samples.append(int(row[0]) if row else 0)
                self.done.wait(2)


def locust(ctx: BenchContext, env: dict[str, str], port: int, stage: Stage, folder: str):
    prefix = str(Path(folder) / stage.name)
    command = [
        ctx.python,
        "-m",
        "locust",
        "-f",
        str(Path(ctx.root) / "bench" / "locust_kindred.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(stage.users),
        "--spawn-rate",
        str(stage.spawn_rate),
        "--run-time",
        f"{stage.seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        prefix,
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=stage.seconds + 120, check=False
    )
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics: {done.stderr[-600:]}")
    with open(f"{prefix}_stats.csv", newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    with open(f"{prefix}_stats_history.csv", newline="") as handle:
        history = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    return total, history, failures


def crossing(history: list[dict[str, str]]) -> int | None:
    """The user count when the (10 s window) p95 first passes 1 s, or None."""
    for row in history:
        p95 = row.get("95%", "N/A")
        if p95 not in ("N/A", "") and float(p95) > 1000:
            return int(row["User Count"])
    return None


def run(ctx: BenchContext) -> list[BenchResult]:
    results: list[BenchResult] = []
    with tempfile.TemporaryDirectory(prefix="kindred-bench-load-") as folder:
        env = environment(ctx, folder)
        built = create_coordinator(ctx, env)
        port = int(os.environ.get("BENCH_LOAD_PORT", "0")) or free_port()
        log_path = Path(folder) / "gunicorn.log"
        server = start_gunicorn(ctx, env, port, log_path)
        try:
            wait_until_ready(server, port, log_path)
            # The demo coordinator can sign in (fail early with a clear message); the browser
            # it asked Kindred to remember after the second step is the simulated users' too.
            remembered = sign_in(port).get("kindred_2fa_remember", "")
            env = {**env, "KINDRED_BENCH_REMEMBER": remembered}
            for stage in stages(ctx.quick):
                rss_before = max(worker_rss_mib(server.pid), default=0.0)
                watcher = Connections(ctx.database_url)
                watcher.start()
                begin = time.perf_counter()
                total, history, failures = locust(ctx, env, port, stage, folder)
                watcher.done.set()
                watcher.join(timeout=5)
                rss_after = max(worker_rss_mib(server.pid), default=0.0)
                requests = int(total["Request Count"])
                errors = int(total["Failure Count"])
                p95, p99 = float(total["95%"]), float(total["99%"])
                half = len(watcher.samples) // 2
                first = max(watcher.samples[:half] or [0])
                second = max(watcher.samples[half:] or [0])
                passed = crossing(history)
                print(
                    f"  load {stage.name}: {stage.users} users (+{stage.spawn_rate}/s), "
                    f"{time.perf_counter() - begin:.0f} s, {requests} requests "
                    f"({float(total['Requests/s']):.1f}/s), p50 {total['50%']} ms, "
                    f"p95 {p95:.0f} ms, p99 {p99:.0f} ms, {errors} errors; worker RSS "
                    f"{rss_before:.0f} -> {rss_after:.0f} MiB; DB connections {watcher.samples}; "
                    f"p95 passed 1 s at "
                    f"{passed if passed is not None else f'no count up to {stage.users}'} users; "
                    f"data {built}, load average {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
                for failure in failures[:5]:
                    print(
                        f"  load {stage.name}: {failure['Occurrences']}x {failure['Method']} "
                        f"{failure['Name']}: {failure['Error'][:160]}",
                        flush=True,
                    )
                name = f"load.{stage.name}_{stage.users}u"
                results += [
                    BenchResult(
                        f"{name}_p95", p95, "the issue's limit", P95_LIMIT_MS, "ms", target=1
                    ),
                    BenchResult(
                        f"{name}_p99", p99, "the issue's limit", P99_LIMIT_MS, "ms", target=1
                    ),
                    BenchResult(f"{name}_errors", errors, "requests", requests, "", target=0),
                    BenchResult(
                        f"{name}_worker_rss_after",
                        rss_after,
                        "before",
                        rss_before,
                        "MiB",
                        target=1.1,
                    ),
                    BenchResult(
                        f"{name}_db_connections_second_half",
                        second,
                        "first half",
                        max(first, 1),
                        "",
                        target=1,
                    ),
                    BenchResult(
                        f"{name}_users_at_p95_1s (the stage's users if never passed)",
                        passed if passed is not None else stage.users,
                        "stage users",
                        stage.users,
                        "users",
                        higher_is_better=True,
                    ),
                ]
        finally:
            stop_gunicorn(server)
    return results
