"""Kindred's JSON API (django-ninja, OpenAPI 3.1 at /api/openapi.json).

Session authentication for people using Kindred in a browser; apps add routers here.
"""

from typing import cast

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

from kindred.accounts.models import User
from kindred.programs.access import capabilities
from kindred.programs.models import Membership

api = NinjaAPI(
    title="Kindred API",
    version="1",
    description="Parent-to-parent peer support programs.",
    auth=SessionAuth(),
    urls_namespace="api",
    docs_url="/docs",
)


class ProgramRole(Schema):
    program_id: int
    program: str
    role: str


class Me(Schema):
    email: str
    full_name: str
    language: str
    roles: list[ProgramRole]


@api.get("/me", response=Me, tags=["people"])
def me(request: HttpRequest) -> dict:
    user = cast(User, request.user)  # the API's auth admits signed-in people only
    capabilities(user)
    roles = [
        {"program_id": m.program_id, "program": m.program.name, "role": m.role}
        for m in Membership.objects.filter(user=user, is_active=True).select_related("program")
    ]
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "roles": roles,
    }
