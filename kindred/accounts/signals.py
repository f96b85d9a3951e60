"""Login events into the audit log. Django announces them only through these signals."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import activate

from kindred.accounts import second_factor
from kindred.accounts.models import SessionRecord
from kindred.audit.log import record

LOGIN_AT_KEY = "kindred_login_at"


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session[LOGIN_AT_KEY] = timezone.now().timestamp()
    activate(user.language)
    request.session.save()
    SessionRecord.objects.get_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )
    record(action="accounts.login.succeeded", request=request, actor=user)
    second_factor.start(request, user)
    request.session.save()


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action="accounts.logout", request=request, actor=user)
        SessionRecord.objects.filter(session_key=request.session.session_key).delete()


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # actor_label carries the attempted address so the per-account throttle can count it.
    attempted = str(credentials.get("username") or credentials.get("email") or "")
    record(action="accounts.login.failed", request=request, actor_label=attempted.strip())
