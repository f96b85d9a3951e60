"""E-mail after commit (kindred.lib.mail) through the Tasks API."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kindred.lib.mail import send_email, send_email_after_commit

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_it_sends_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_email_after_commit(subject="Hello", body="A link", to=["a@a.test"])
        transaction.set_rollback(True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        send_email_after_commit(subject="Hello", body="A link", to=["a@a.test"])
    assert [m.subject for m in mail.outbox] == ["Hello"]


@override_settings(TASKS=DATABASE_TASKS)
def test_it_queues_the_task_under_its_lib_path() -> None:
    result = send_email.enqueue(subject="Queued", body="A link", to=["a@a.test"])
    assert DBTaskResult.objects.get(id=result.id).task_path == "kindred.lib.mail.send_email"


# Transactional: the worker closes its database connection after a task, as in production.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_still_sends_an_email_queued_under_the_former_core_path() -> None:
    # A row queued before the task moved to kindred.lib.mail names kindred.core.tasks.
    result = send_email.enqueue(subject="Queued before", body="A link", to=["a@a.test"])
    DBTaskResult.objects.filter(id=result.id).update(task_path="kindred.core.tasks.send_email")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Queued before"]
