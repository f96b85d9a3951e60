"""The type of a request whose person is signed in (a view under `@login_required`)."""

from django.http import HttpRequest

from kindred.accounts.models import User


class SignedInRequest(HttpRequest):
    """`request.user` is a `User`, never `AnonymousUser`: the view is behind `@login_required`
    (or `@program_required`, whose `ProgramRequest` extends this)."""

    user: User
