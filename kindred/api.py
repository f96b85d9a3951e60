"""Kindred's JSON API (django-ninja, OpenAPI 3.1 at /api/openapi.json; docs/api.md).

Two ways in: a personal API token (`Authorization: Bearer kd_…`, made on the person's API
tokens page; never more than the person's role, only the token's programs, read-only unless the
token may write) or the browser's session (with CSRF on changes). Each app adds its nouns with an
`api_routes.py` module (the `api_routes` extension point), scoped and paged through
`kindred.programs.api_kit`. Errors are JSON `{"detail": message}` in the caller's language.
"""

from typing import cast

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

from kindred.accounts.models import User
from kindred.apitokens.auth import TokenAuth
from kindred.lib.extensions import api_routes_modules
from kindred.programs.access import capabilities
from kindred.programs.api_kit import answers, install_error_handlers
from kindred.programs.models import Membership

api = NinjaAPI(
    title="Kindred API",
    version="1",
    description=(
        "Parent-to-parent peer support programs. Send a personal API token as "
        "`Authorization: Bearer <token>`. Lists take `program`, `limit` (1–100) and `offset` and "
        'answer `{"count": n, "items": [...]}`; errors are `{"detail": message}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


install_error_handlers(api)


class ProgramRole(Schema):
    program_id: int
    program: str
    role: str


class Me(Schema):
    email: str
    full_name: str
    language: str
    roles: list[ProgramRole]


@api.get("/me", response=answers(Me), tags=["people"])
def me(request: HttpRequest) -> dict:
    user = cast(User, request.user)  # the API's auth admits signed-in people only
    reachable = set(capabilities(user))
    roles = [
        {"program_id": m.program_id, "program": m.program.name, "role": m.role}
        for m in Membership.objects.filter(user=user, is_active=True).select_related("program")
        if m.program_id in reachable
    ]
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "roles": roles,
    }


for _module in api_routes_modules():
    api.add_router(f"/{_module.PREFIX}", _module.router)
