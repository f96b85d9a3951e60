"""The Tasks API on Redis with RQ (TASKS_BACKEND=rq): the real e-mail task, a real RQ worker, a
real Redis server and a real SMTP server.

Each test gets a queue of its own in Redis database 15, which Kindred never uses otherwise, so
parallel runs (xdist workers, other checkouts on the same machine) never take one another's jobs.
Without Redis on 127.0.0.1:6379 the tests are skipped, except under CI=true, where they fail
(`.ci/run` starts Redis).
"""

import os
import runpy
import socket
import uuid
from pathlib import Path

import django_rq
import pytest
import redis
from django_tasks import TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks_rq import Job
from rq import SimpleWorker

import kindred.settings
from kindred.lib.mail import send_email

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
SETTINGS_FILE = Path(kindred.settings.__file__)


def redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        reason = f"Redis is not reachable at {TEST_REDIS_URL} ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the RQ tests cannot run under CI: {reason}")
        pytest.skip(f"{reason}: start redis-server to run the RQ tests")
    return connection


@pytest.fixture
def rq_queue(settings):
    """A Redis queue for this test only, and the RQ backend of the Tasks API pointing at it."""
    connection = redis_or_skip()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"kindred-test-{worker}-{uuid.uuid4().hex[:12]}"
    # The backend fetches results through django_rq's "default" connection: point it here too.
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}, name: {"URL": TEST_REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    queue = django_rq.get_queue(name, job_class=Job)
    try:
        yield name
    finally:
        # Every key of this queue: its list, registries, jobs, results and the worker's keys.
        job_ids = queue.get_job_ids()
        for registry in (queue.finished_job_registry, queue.failed_job_registry):
            job_ids += registry.get_job_ids()
        keys = [key for job_id in job_ids for key in (f"rq:job:{job_id}", f"rq:results:{job_id}")]
        keys += connection.scan_iter(f"rq:*{name}*")
        if keys:
            connection.delete(*keys)
        connection.srem("rq:queues", queue.key)
        connection.close()


def run_worker(queue_name: str) -> None:
    # The same worker `manage.py rqworker --job-class django_tasks_rq.Job` builds; SimpleWorker
    # runs the job in this process, so the test's settings (the SMTP server) apply to it.
    worker = django_rq.get_worker(
        queue_name, job_class=Job, worker_class=SimpleWorker, name=f"{queue_name}-worker"
    )
    worker.work(burst=True)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_it_sends_the_email_when_an_rq_worker_runs_the_queued_task(rq_queue, smtp_server):
    result = send_email.using(queue_name=rq_queue).enqueue(
        subject="Your referral was received", body="https://kindred.test/r/1", to=["a@a.test"]
    )

    # Queued in Redis, not run: nothing is sent until a worker takes it.
    queued = send_email.get_result(result.id)
    assert queued.status == TaskResultStatus.READY
    assert smtp_server.messages == []

    run_worker(rq_queue)

    done = send_email.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 1
    assert done.finished_at is not None
    assert len(done.worker_ids) == 1
    assert [(m["Subject"], m["To"]) for m in smtp_server.messages] == [
        ("Your referral was received", "a@a.test")
    ]
    assert "https://kindred.test/r/1" in smtp_server.messages[0].get_payload()


def test_it_records_a_failed_task_when_the_mail_server_refuses(rq_queue, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    result = send_email.using(queue_name=rq_queue).enqueue(
        subject="Not delivered", body="A link", to=["a@a.test"]
    )

    run_worker(rq_queue)

    failed = send_email.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert [error.exception_class_path for error in failed.errors] == [
        "builtins.ConnectionRefusedError"
    ]


def test_it_refuses_a_queue_that_redis_settings_do_not_name(rq_queue):
    with pytest.raises(InvalidTaskError):
        send_email.using(queue_name="elsewhere").enqueue(subject="S", body="B", to=["a@a.test"])


def settings_under(monkeypatch, **env: str) -> dict:
    """The settings module's names, read afresh under these environment variables."""
    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_it_selects_rq_and_its_redis_with_tasks_backend_rq(monkeypatch):
    chosen = settings_under(
        monkeypatch, TASKS_BACKEND="rq", REDIS_URL="redis://cache.internal:6380/2"
    )
    assert chosen["TASKS"] == {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    assert chosen["RQ_QUEUES"] == {"default": {"URL": "redis://cache.internal:6380/2"}}
    assert {"django_rq", "django_tasks_rq"} <= set(chosen["INSTALLED_APPS"])
    # Without it, development keeps the immediate backend and nothing of RQ is installed.
    default = settings_under(monkeypatch)
    assert default["TASKS"]["default"]["BACKEND"] == (
        "django_tasks.backends.immediate.ImmediateBackend"
    )
    assert default["RQ_QUEUES"] == {"default": {"URL": "redis://127.0.0.1:6379/0"}}
    assert "django_rq" not in default["INSTALLED_APPS"]
