"""The encounter form and the mentor's home page under load, as ratios to the framework ceiling
(issue 11): the platform benchmark's trivial view `/healthz/live`, in the same run.

The same machinery as bench/bench_platform.py (gunicorn sync workers, DEBUG=false, PostgreSQL,
the demo loaded by `load_demo`, the raw-socket load generator, alternating rounds, the round of
the median ratio reported), imported from it rather than copied; the demo mentor signs in
through the real login form and the demo authenticator's code (`bench_platform.sign_in`).
- `/encounters/new/`: the one-screen form (GET) as the demo mentor;
- `/`: the mentor's home page (the "Log a contact" card with the follow-ups, overdue first).
"""

import os
import tempfile
import time
from pathlib import Path

try:
    from bench_platform import (
        CLIENTS,
        COORDINATOR_EMAIL,
        FULL,
        QUICK,
        WORKERS,
        Phase,
        Plan,
        create_coordinator,
        environment,
        free_port,
        load,
        manage,
        median_round,
        request,
        sign_in,
        start_gunicorn,
        stop_gunicorn,
        tail,
        wait_until_ready,
    )
    from common import BenchContext, BenchResult, percentile
except ModuleNotFoundError:  # imported as bench.bench_encounters
    from bench.bench_platform import (
        CLIENTS,
        COORDINATOR_EMAIL,
        FULL,
        QUICK,
        WORKERS,
        Phase,
        Plan,
        create_coordinator,
        environment,
        free_port,
        load,
        manage,
        median_round,
        request,
        sign_in,
        start_gunicorn,
        stop_gunicorn,
        tail,
        wait_until_ready,
    )
    from bench.common import BenchContext, BenchResult, percentile

MENTOR_EMAIL = "mentor@" + COORDINATOR_EMAIL.split("@")[1]
FORM_MARKER = b'name="support_types"'  # the form's support types: the whole form was rendered


def measure(port: int, cookies: dict[str, str], plan: Plan) -> dict[str, list[Phase]]:
    targets = {
        "trivial": ("/healthz/live", {}, plan.trivial_seconds),
        "form": ("/encounters/new/", cookies, plan.home_seconds),
        "home": ("/", cookies, plan.home_seconds),
    }
    for path, jar, _ in targets.values():  # warm-up: imports, templates, connections
        warm = load(port, path, jar, plan.warmup_per_client, 30.0)
        if warm.errors:
            raise RuntimeError(f"warm-up of {path} failed: {warm.errors[0]}")
    phases: dict[str, list[Phase]] = {name: [] for name in targets}
    for _ in range(plan.rounds):  # alternating, so a busy moment slows all alike
        for name, (path, jar, seconds) in targets.items():
            phase = load(port, path, jar, plan.max_requests_per_client, seconds)
            if phase.errors:
                raise RuntimeError(
                    f"{len(phase.errors)} of {phase.requests + len(phase.errors)} requests to "
                    f"{path} failed, first: {phase.errors[0]}"
                )
            phases[name].append(phase)
    return phases


def run(ctx: BenchContext) -> list[BenchResult]:
    plan = QUICK if ctx.quick else FULL
    with tempfile.TemporaryDirectory(prefix="kindred-bench-encounters-") as var_dir:
        env = environment(ctx, var_dir)
        built = create_coordinator(ctx, env)
        # Fresh statistics, as autovacuum keeps them in service: right after the bulk load the
        # planner would think the demo program holds one family and nest its loops over a
        # hundred (30 ms for the form's family query instead of 0.2 ms).
        analyzed = manage(
            ctx,
            env,
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('ANALYZE')",
        )
        if analyzed.returncode:
            raise RuntimeError(f"ANALYZE failed: {tail(analyzed.stderr)}")
        port = free_port()
        log_path = Path(var_dir) / "gunicorn.log"
        server = start_gunicorn(ctx, env, port, log_path)
        try:
            wait_until_ready(server, port, log_path)
            cookies = sign_in(port, MENTOR_EMAIL)
            form = request(port, "/encounters/new/", cookies=cookies)
            if form.status != 200 or FORM_MARKER not in form.body:
                raise RuntimeError(f"the mentor's encounter form answered HTTP {form.status}")
            families = form.body.count(b'name="families"')
            begin = time.perf_counter()
            phases = measure(port, cookies, plan)
            seconds = time.perf_counter() - begin
        finally:
            stop_gunicorn(server)

    for name, rounds in phases.items():
        latencies = [value for phase in rounds for value in phase.latencies_ms]
        print(
            f"  encounters: {name:<7} rounds {' '.join(f'{p.rps:.0f}' for p in rounds)} req/s; "
            f"{len(latencies)} requests, p50 {percentile(latencies, 50):.1f} ms, "
            f"p95 {percentile(latencies, 95):.1f} ms",
            flush=True,
        )
    print(
        f"  encounters: gunicorn {WORKERS} sync workers, {CLIENTS} clients, {plan.rounds} "
        f"alternating round(s), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"data: {built}; the mentor's form lists {families} families; rounds in {seconds:.1f} s",
        flush=True,
    )
    trivial = phases["trivial"]
    results = []
    for name, label in (("form", "encounter_form"), ("home", "mentor_home")):
        pages = phases[name]
        pairs = list(zip(trivial, pages, strict=True))
        rps_round = median_round([p.rps / t.rps if t.rps else 0.0 for t, p in pairs])
        p95_round = median_round([p.p95 / t.p95 if t.p95 else 0.0 for t, p in pairs])
        results += [
            BenchResult(
                f"encounters.{label}_rps",
                pages[rps_round].rps,
                "platform.trivial_rps (same run)",
                trivial[rps_round].rps,
                "req/s",
                higher_is_better=True,
                target=0.35,
            ),
            BenchResult(
                f"encounters.{label}_p95",
                pages[p95_round].p95,
                "platform.trivial_p95 (same run)",
                trivial[p95_round].p95,
                "ms",
                target=3,
            ),
        ]
    return results
