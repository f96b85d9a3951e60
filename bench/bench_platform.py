"""The framework ceiling: the logged-in home page against a trivial view, served by gunicorn.

Kindred runs as production would (gunicorn sync workers, DEBUG=false, Argon2, PostgreSQL) on
loopback. A small load generator (threads, raw sockets, one connection per request, as the sync
worker closes it) sends a bounded number of requests in a bounded time to
- `/healthz/live`: the trivial view (no database, no session): the baseline;
- `/`: the home page of the demo coordinator, signed in once through the real login form,
  the session cookie reused (the session is read and saved on every request).
The two are measured in alternating rounds so a noisy machine slows both alike; each result
line shows the round whose home/trivial ratio is the median (docs/benchmarks.md).
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

try:
    from common import BenchContext, BenchResult, percentile
except ModuleNotFoundError:  # imported as bench.bench_platform
    from bench.common import BenchContext, BenchResult, percentile

HOST = "127.0.0.1"
COORDINATOR_EMAIL = "coordinator@demo.kindred.test"
HOME_MARKER = b"Riverbend Family Partner Program"  # the coordinator's program, on the home page
WORKERS = 2
CLIENTS = 4


@dataclass(frozen=True)
class Plan:
    rounds: int
    warmup_per_client: int
    max_requests_per_client: int  # each phase stops at this count ...
    trivial_seconds: float  # ... or after this time, whichever comes first
    home_seconds: float


FULL = Plan(
    rounds=7, warmup_per_client=10, max_requests_per_client=4000, trivial_seconds=2, home_seconds=4
)
QUICK = Plan(
    rounds=3, warmup_per_client=5, max_requests_per_client=1000, trivial_seconds=1, home_seconds=2
)


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        jar = {}
        for name, value in self.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                jar[key.strip()] = cookie.strip().strip('"')
        return jar

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Response:
    """One HTTP/1.1 request on a new loopback connection (`Connection: close`)."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "User-Agent: kindred-bench",
        "Accept: text/html",
        "Accept-Encoding: identity",
        "Connection: close",
    ]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{key}={value}" for key, value in cookies.items()))
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        lines += [
            f"Origin: http://{HOST}:{port}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
        ]
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    chunks = []
    with socket.create_connection((HOST, port), timeout=timeout) as connection:
        connection.sendall(payload)
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, separator, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = status_line.split()
    if not separator or len(status) < 2 or not status[1].isdigit():
        raise ConnectionError(f"incomplete response to {method} {path}: {raw[:200]!r}")
    headers = []
    for line in header_lines:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return Response(status=int(status[1]), headers=headers, body=content)


@dataclass
class Phase:
    """The outcome of one load phase against one path."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu_seconds: float = 0.0  # the load generator's own CPU time (all its threads)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


def load(
    port: int, path: str, cookies: dict[str, str], per_client: int, max_seconds: float
) -> Phase:
    """CLIENTS threads, each sending up to `per_client` requests until `max_seconds` pass."""
    phase = Phase()
    lock = threading.Lock()
    start_gate = threading.Barrier(CLIENTS + 1)
    deadline_box: list[float] = []

    def client() -> None:
        latencies: list[float] = []
        errors: list[str] = []
        start_gate.wait()
        deadline = deadline_box[0]
        try:
            for _ in range(per_client):
                if time.perf_counter() >= deadline:
                    break
                begin = time.perf_counter()
                try:
                    response = request(port, path, cookies=cookies)
                except OSError as error:
                    errors.append(f"{type(error).__name__}: {error}")
                    continue
                latencies.append((time.perf_counter() - begin) * 1000)
                if response.status != 200:
                    errors.append(f"HTTP {response.status} {response.header('location')}".strip())
        finally:
            with lock:
                phase.latencies_ms.extend(latencies)
                phase.errors.extend(errors)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    cpu_begin = time.process_time()
    begin = time.perf_counter()
    deadline_box.append(begin + max_seconds)
    start_gate.wait()
    for thread in threads:
        thread.join(max_seconds + 60)
    phase.seconds = time.perf_counter() - begin
    phase.client_cpu_seconds = time.process_time() - cpu_begin
    phase.requests = len(phase.latencies_ms)
    if any(thread.is_alive() for thread in threads):
        phase.errors.append("a client thread did not finish")
    return phase


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(ctx: BenchContext, var_dir: str) -> dict[str, str]:
    """Production-like settings against the benchmark database (see docs/benchmarks.md)."""
    env = dict(os.environ)
    env.pop("KINDRED_FAST_PASSWORD_HASHER", None)  # production hashes with Argon2
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DATABASE_URL": ctx.database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TASKS_BACKEND": "immediate",
            "KINDRED_VAR_DIR": var_dir,
            "KINDRED_DEMO_PASSWORD": demo_password(),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def demo_password() -> str:
    return os.environ.get("KINDRED_DEMO_PASSWORD", "kindred-demo-2026")


def manage(ctx: BenchContext, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ctx.python, "manage.py", *args],
        cwd=ctx.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def create_coordinator(ctx: BenchContext, env: dict[str, str]) -> str:
    """The demo program with its coordinator; returns how it was built."""
    loaded = manage(ctx, env, "load_demo", "--quiet-logins")
    if loaded.returncode == 0:
        return "load_demo"
    # Another app's demo loader may be broken while it is being built: the platform benchmark
    # still needs only the organization, the program and its people, so it says so and goes on.
    print(
        "  platform: `manage.py load_demo` failed; measuring with the base demo (organization, "
        "program, people) only:\n    "
        + tail(loaded.stderr or loaded.stdout, 3).replace("\n", "\n    "),
        flush=True,
    )
    base = manage(
        ctx,
        env,
        "shell",
        "-c",
        "from django.conf import settings; from kindred.core.demo import build_base; "
        "build_base(password=settings.KINDRED_DEMO_PASSWORD)",
    )
    if base.returncode != 0:
        raise RuntimeError(f"could not create the demo coordinator: {tail(base.stderr, 3)}")
    return "base demo"


def start_gunicorn(ctx: BenchContext, env: dict[str, str], port: int, log_path: Path):
    log = log_path.open("w")
    try:
        return subprocess.Popen(
            [
                ctx.python,
                "-m",
                "gunicorn",
                "kindred.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"{HOST}:{port}",
                "--no-control-socket",
                "--timeout",
                "60",
                "--error-logfile",
                "-",
            ],
            cwd=ctx.root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole at the end
        )
    finally:
        log.close()


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # any worker left in the server's own group
    if server.poll() is None:
        server.wait(timeout=5)


def wait_until_ready(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    last_error = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with code {server.returncode}: {tail(log_path.read_text(), 5)}"
            )
        try:
            response = request(port, "/healthz/live", timeout=5)
        except OSError as error:  # not listening yet
            last_error = str(error)
            time.sleep(0.2)
            continue
        if response.status == 200 and response.body == b"ok":
            return
        raise RuntimeError(
            f"/healthz/live answered HTTP {response.status}: {tail(log_path.read_text(), 3)}"
        )
    raise RuntimeError(
        f"gunicorn did not answer within 60 s ({last_error}): {tail(log_path.read_text(), 5)}"
    )


def demo_totp_code() -> str:
    """The code the demo authenticator shows now (django-otp's TOTP: 30 s, 6 digits), from
    KINDRED_DEMO_TOTP_KEY as load_demo gave it to every demo person."""
    from django_otp.oath import TOTP  # plain Python: no Django settings needed

    key = bytes.fromhex(
        os.environ.get("KINDRED_DEMO_TOTP_KEY", "6b696e647265642d64656d6f2d746f74702d6b6579")
    )
    return f"{TOTP(key).token():06d}"


def second_step(port: int, cookies: dict[str, str]) -> None:
    """The code page after the password, answered from the demo authenticator, asking Kindred to
    remember this browser: its cookie lets the load test's simulated coordinators sign in with
    the password alone (a code is good once, and they are many in one 30 s step)."""
    page = request(port, "/accounts/two-step/", cookies=cookies)
    cookies.update(page.cookies())
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or match is None:
        raise RuntimeError(f"GET /accounts/two-step/ answered HTTP {page.status} without a form")
    answer = request(
        port,
        "/accounts/two-step/",
        method="POST",
        cookies=cookies,
        form={
            "csrfmiddlewaretoken": match.group(1).decode(),
            "code": demo_totp_code(),
            "remember": "on",
        },
    )
    cookies.update(answer.cookies())
    if answer.status != 302 or "kindred_2fa_remember" not in cookies:
        raise RuntimeError(
            f"the demo authenticator's code was refused (HTTP {answer.status}, "
            f"location {answer.header('location')!r}): check KINDRED_DEMO_TOTP_KEY"
        )


# Each person's remembered-browser cookie from their first second step: a code is good once per
# 30 s step, so signing the same person in again within it (the coordinator: once for the load
# rounds, once for the role pages) goes through the remembered browser, as a person's would.
REMEMBERED: dict[str, str] = {}


def sign_in(port: int, email: str = COORDINATOR_EMAIL) -> dict[str, str]:
    """GET the login form (CSRF cookie and token), POST it; return the signed-in cookies."""
    page = request(port, "/accounts/login/")
    if page.status != 200:
        raise RuntimeError(f"GET /accounts/login/ answered HTTP {page.status}")
    cookies = page.cookies()
    if email in REMEMBERED:
        cookies["kindred_2fa_remember"] = REMEMBERED[email]
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if match is None or "csrftoken" not in cookies:
        raise RuntimeError("the login page carries no CSRF token or cookie")
    answer = request(
        port,
        "/accounts/login/",
        method="POST",
        cookies=cookies,
        form={
            "csrfmiddlewaretoken": match.group(1).decode(),
            "username": email,
            "password": demo_password(),
            "next": "/",
        },
    )
    if answer.status == 429:
        raise RuntimeError("the login was throttled (HTTP 429): too many failed attempts")
    if answer.status != 302 or answer.header("location") != "/":
        raise RuntimeError(
            f"signing in as {COORDINATOR_EMAIL} failed (HTTP {answer.status}, "
            f"location {answer.header('location')!r}): check KINDRED_DEMO_PASSWORD"
        )
    cookies.update(answer.cookies())
    if "kindred_session" not in cookies:
        raise RuntimeError("the login set no kindred_session cookie")
    home = request(port, "/", cookies=cookies)
    if home.status == 302 and home.header("location").startswith("/accounts/two-step/"):
        second_step(port, cookies)  # a coordinator's role asks for the second factor
        REMEMBERED[email] = cookies["kindred_2fa_remember"]
        home = request(port, "/", cookies=cookies)
    cookies.update(home.cookies())  # the language cookie a browser would then send back
    if home.status != 200 or HOME_MARKER not in home.body:
        raise RuntimeError(
            f"the signed-in home page answered HTTP {home.status} without the program's name "
            f"(location {home.header('location')!r})"
        )
    return cookies


def measure(port: int, cookies: dict[str, str], plan: Plan) -> dict[str, list[Phase]]:
    targets = {
        "trivial": ("/healthz/live", {}, plan.trivial_seconds),
        "home": ("/", cookies, plan.home_seconds),
    }
    for path, jar, _ in targets.values():  # warm-up: imports, templates, connections
        warm = load(port, path, jar, plan.warmup_per_client, 30.0)
        if warm.errors:
            raise RuntimeError(f"warm-up of {path} failed: {warm.errors[0]}")
    phases: dict[str, list[Phase]] = {name: [] for name in targets}
    for _ in range(plan.rounds):  # alternating, so a busy moment slows both alike
        for name, (path, jar, seconds) in targets.items():
            phase = load(port, path, jar, plan.max_requests_per_client, seconds)
            if phase.errors:
                raise RuntimeError(
                    f"{len(phase.errors)} of {phase.requests + len(phase.errors)} requests to "
                    f"{path} failed, first: {phase.errors[0]}"
                )
            phases[name].append(phase)
    return phases


# Every role's home and list pages (issue 16: within 3x of the coordinator's home page).
ROLE_PAGES = {
    "coordinator": [
        "/",
        "/families/",
        "/referrals/queue/",
        "/referrals/dashboard/",
        "/mentors/",
        "/directory/",
        "/directory/?zip=60612",  # the ZIP search that once raised a worker to 225 MiB
    ],
    "supervisor": ["/", "/mentors/supervision/", "/families/"],
    "mentor": ["/", "/mentors/home/"],
    "referrer": ["/", "/referrals/sent/", "/referrals/new/"],
    "evaluator": ["/"],
}
RSS_LIMIT_MIB = 120.0


def worker_rss_mib(master_pid: int) -> list[float]:
    """The resident memory of each gunicorn worker (children of the master), in MiB."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def role_pages(port: int, master_pid: int, repeat: int) -> tuple[dict[str, float], float, float]:
    """Median latency of each role's pages, one client, sequential; and the largest worker RSS
    read after every page, with the coordinator's home median as the baseline."""
    medians: dict[str, float] = {}
    worst_rss = 0.0
    for role, pages in ROLE_PAGES.items():
        jar = sign_in(port, f"{role}@{COORDINATOR_EMAIL.split('@')[1]}")
        for path in pages:
            samples = []
            for _ in range(repeat):
                begin = time.perf_counter()
                response = request(port, path, cookies=jar)
                samples.append((time.perf_counter() - begin) * 1000)
                if response.status != 200:
                    raise RuntimeError(f"{role} GET {path} answered HTTP {response.status}")
                worst_rss = max([worst_rss, *worker_rss_mib(master_pid)])
            medians[f"{role} {path}"] = statistics.median(samples)
    return medians, medians["coordinator /"], worst_rss


def run(ctx: BenchContext) -> list[BenchResult]:
    plan = QUICK if ctx.quick else FULL
    with tempfile.TemporaryDirectory(prefix="kindred-bench-platform-") as var_dir:
        env = environment(ctx, var_dir)
        begin = time.perf_counter()
        built = create_coordinator(ctx, env)
        data_seconds = time.perf_counter() - begin
        port = free_port()
        log_path = Path(var_dir) / "gunicorn.log"
        server = start_gunicorn(ctx, env, port, log_path)
        try:
            wait_until_ready(server, port, log_path)
            cookies = sign_in(port)
            begin = time.perf_counter()
            phases = measure(port, cookies, plan)
            measure_seconds = time.perf_counter() - begin
            pages, home_median, worst_rss = role_pages(port, server.pid, 5 if ctx.quick else 15)
        finally:
            stop_gunicorn(server)

    trivial, home = phases["trivial"], phases["home"]
    for name, rounds in phases.items():
        latencies = [value for phase in rounds for value in phase.latencies_ms]
        seconds = sum(phase.seconds for phase in rounds)
        print(
            f"  platform: {name:<7} rounds {' '.join(f'{p.rps:.0f}' for p in rounds)} req/s, "
            f"p95 {' '.join(f'{p.p95:.0f}' for p in rounds)} ms; {len(latencies)} requests, "
            f"p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms; "
            f"load generator CPU {sum(p.client_cpu_seconds for p in rounds) / seconds:.0%} "
            "of a core",
            flush=True,
        )
    print(
        f"  platform: gunicorn {WORKERS} sync workers, {CLIENTS} clients, {plan.rounds} "
        f"alternating round(s), {os.cpu_count()} cores shared with the load generator and "
        f"PostgreSQL, load average {os.getloadavg()[0]:.2f}; data: {built} in "
        f"{data_seconds:.1f} s, warm-up and rounds in {measure_seconds:.1f} s",
        flush=True,
    )
    # Each round measures both pages within seconds of each other: the reported pair is the
    # round whose home/trivial ratio is the median, so a busy moment cannot skew the ratio.
    for name, value in pages.items():
        print(f"  platform: {name:<40} median {value:.1f} ms (one client)", flush=True)
    by_role: dict[str, float] = {}
    for name, value in pages.items():
        role = name.split()[0]
        by_role[role] = max(by_role.get(role, 0.0), value)
    role_results = [
        BenchResult(
            f"platform.{role}_slowest_page (home and list pages, one client, median)",
            value,
            "platform.coordinator_home (same loop)",
            home_median,
            "ms",
            target=3,
        )
        for role, value in by_role.items()
    ]
    rss_result = BenchResult(
        "platform.worker_rss_max (every worker, after every page of every role)",
        worst_rss,
        "the issue's limit",
        RSS_LIMIT_MIB,
        "MiB",
        target=1,
    )
    pairs = list(zip(trivial, home, strict=True))
    rps_round = median_round([h.rps / t.rps if t.rps else 0.0 for t, h in pairs])
    p95_round = median_round([h.p95 / t.p95 if t.p95 else 0.0 for t, h in pairs])
    return [
        BenchResult(
            "platform.home_rps",
            home[rps_round].rps,
            "platform.trivial_rps",
            trivial[rps_round].rps,
            "req/s",
            higher_is_better=True,
            target=0.35,
        ),
        BenchResult(
            "platform.home_p95",
            home[p95_round].p95,
            "platform.trivial_p95",
            trivial[p95_round].p95,
            "ms",
            target=3,
        ),
        *role_results,
        rss_result,
    ]


def median_round(ratios: list[float]) -> int:
    """The index of the round holding the median ratio (the lower middle one if even)."""
    order = sorted(range(len(ratios)), key=ratios.__getitem__)
    return order[(len(order) - 1) // 2]
