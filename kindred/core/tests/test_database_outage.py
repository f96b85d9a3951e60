"""The database goes away in the middle of form posts (issue 16, "Faults and load").

A throwaway PostgreSQL cluster of the test's own (initdb in a temporary folder, its own port and
socket folder; never the shared server), a real gunicorn serving Kindred against it, mentor
applications posted one after the other, and `pg_ctl stop -m immediate` in the middle. Then:
every application Kindred acknowledged (its redirect to the thank-you page) is in the database
once it is back; while it is down, pages answer 503 with a real page (no stack trace); and the
same gunicorn, never restarted, serves and saves again once the database returns.

NOT YET VERIFIED: on the shared 2-core machine (load average 15) its setup (copying the test
database into the cluster, building the personas) did not finish within 10 minutes, so it never
reached the posts. Until it has passed once it runs only when asked: KINDRED_OUTAGE_TEST=1 with
the PostgreSQL suite. Skipped on SQLite and where PostgreSQL's server programs (initdb, pg_ctl:
PG_BIN, else /usr/lib/postgresql/15/bin) are missing.
"""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTS = 300
STOP_AFTER = 100  # acknowledged posts before the database is stopped
DOWN_POSTS = 20  # posts tried while it is down

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        os.environ.get("KINDRED_OUTAGE_TEST") != "1", reason="opt-in until verified: see above"
    ),
    # The migrated test database is what the throwaway cluster starts from (see outage_world).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(
        not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists(),
        reason=f"initdb/pg_ctl not found in {PG_BIN}",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb, start, stop -m immediate, start again; as the postgres user when run as root."""

    def __init__(self, root: Path) -> None:
        self.data, self.port = root / "data", free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C",
        )
        self.options = f"-p {self.port} -k {root} -c listen_addresses=127.0.0.1"
        self.log = root / "postgres.log"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            self.options,
            "-l",
            str(self.log),
            "-w",
            "start",
        )

    def stop_immediately(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, name: str = "kindred") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def call(
    port: int, method: str, path: str, body: str = "", cookies: str = ""
) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookies, "Host": "127.0.0.1"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    return response.status, text, cookie


@pytest.fixture
def outage_world():
    with tempfile.TemporaryDirectory(prefix="kindred-outage-") as folder:
        root = Path(folder)
        os.chmod(root, 0o755)  # noqa: S103 - the postgres user reads its socket folder
        cluster = Cluster(root)
        cluster.start()
        subprocess.run(
            [
                *cluster.as_user,
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "kindred",
            ],
            check=True,
            timeout=60,
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DATABASE_URL": cluster.url(),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "TASKS_BACKEND": "immediate",
            "CACHE_URL": "locmem://",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MENTOR_APPLICATIONS_PER_HOUR": "100000",
            "KINDRED_VAR_DIR": str(root / "var"),
        }
        # The schema and the migrations' rows, copied from the migrated test database (a read of
        # the shared server; migrating from nothing takes minutes on a loaded machine).
        db = connection.settings_dict
        dump = subprocess.run(
            [
                str(PG_BIN / "pg_dump"),
                "-h",
                db["HOST"] or "127.0.0.1",
                "-p",
                str(db["PORT"] or 5432),
                "-U",
                db["USER"],
                "--no-owner",
                "--no-privileges",
                db["NAME"],
            ],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(
            [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster.url()],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )
        slug = (
            manage(
                env,
                "shell",
                "-c",
                "from kindred.core.testing.personas import build_world;"
                "print(build_world().program_a.slug)",
            )
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kindred.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        print("gunicorn log:", root / "gunicorn.log")
        try:
            for _ in range(200):
                try:
                    if call(port, "GET", "/healthz/live")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            yield cluster, port, slug, env, server
        finally:
            server.terminate()
            server.wait(timeout=30)
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                cluster.stop_immediately()


def application(email: str, key: str, token: str) -> str:
    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "submission_key": key,
            "full_name": "Alma Reyes",
            "email": email,
            "phone": "(555) 201-3344",
            "preferred_language": "es",
            "languages": "es",
            "postal_code": "60614",
            "travel": "10",
            "treatments": "Cirugía",
            "care_settings": "nicu",
            "availability_days": "tue",
            "availability_times": "evening",
            "motivation": "Acompañar.",
            "references": "Ana",
            "agree": "on",
        }
    )


def test_acknowledged_posts_survive_an_immediate_stop_and_kindred_recovers(outage_world) -> None:
    from django.core import signing

    from kindred.lib import idempotency

    cluster, port, slug, env, server = outage_world
    path = f"/mentors/apply/{slug}/"
    status, page, cookie = call(port, "GET", path)
    assert status == 200, page[:2000]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookies = cookie.split(";")[0]

    def key() -> str:  # what the page hands out, signed with the server's secret
        return signing.TimestampSigner(key=env["SECRET_KEY"], salt=idempotency.SALT).sign(
            secrets.token_urlsafe(24)
        )

    acknowledged, refused, down_pages = [], [], []
    begin = time.monotonic()
    for n in range(POSTS):
        if n == STOP_AFTER:
            cluster.stop_immediately()
            for _ in range(DOWN_POSTS):
                status, text, _c = call(
                    port, "POST", path, application(f"down{_}@example.test", key(), csrf), cookies
                )
                down_pages.append((status, text))
            status, text, _c = call(port, "GET", "/")
            down_pages.append((status, text))
            cluster.start()
        email = f"p{n}@example.test"
        try:
            status, _text, _c = call(port, "POST", path, application(email, key(), csrf), cookies)
        except TimeoutError:  # no answer is no acknowledgement
            status = 0
        (acknowledged if status == 302 else refused).append((email, status, n))
    seconds = time.monotonic() - begin

    # While it was down: 503, a real page in the person's language, never a stack trace.
    assert {status for status, _t in down_pages} == {503}, [s for s, _t in down_pages]
    for _status, text in down_pages:
        assert "cannot reach its database" in text and "Traceback" not in text
    # Back: the same gunicorn (never restarted) saves again; almost every later post is taken.
    assert server.poll() is None
    assert len(acknowledged) >= POSTS - 5, refused[:10]
    # Every acknowledged post is in the database; none of those posted while it was down.
    code = (
        "from kindred.mentors.models import Mentor;"
        "print('\\n'.join(Mentor.objects.values_list('email', flat=True)))"
    )
    saved = set(manage({**env}, "shell", "-c", code).split())
    assert {email for email, _s, _n in acknowledged} <= saved
    assert not any(e.startswith("down") for e in saved)
    assert seconds < 45, seconds
