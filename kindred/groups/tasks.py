"""Background work of support groups (Tasks API): the reminders before sessions."""

from django_tasks import task

from kindred.groups.reminders import send_group_reminders


@task()
def group_reminders() -> int:
    return send_group_reminders()
