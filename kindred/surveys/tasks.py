"""Background work of surveys (Tasks API): asking everyone who is due."""

from django_tasks import task

from kindred.surveys.schedule import send_due


@task()
def send_due_surveys() -> int:
    return send_due()
