"""E-mail for every app: queued through the Tasks API, sent only after the transaction commits.

Subject and body are rendered by the caller in the recipient's language and must never carry
health information: only a link back into Kindred.
"""

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    return send_mail(subject, body, None, to, fail_silently=False)


def send_email_after_commit(*, subject: str, body: str, to: list[str]) -> None:
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to))
