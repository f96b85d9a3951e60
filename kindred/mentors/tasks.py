"""Background work of the mentors app (Tasks API): the daily qualification reminders.

Run daily by cron (`manage.py send_qualification_reminders`) or enqueue
`qualification_reminders` for the db_worker."""

from django_tasks import task

from kindred.mentors.reminders import send_qualification_reminders


@task()
def qualification_reminders() -> int:
    return send_qualification_reminders()
