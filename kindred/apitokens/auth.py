"""The JSON API's token authentication (`Authorization: Bearer kd_…`)."""

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from kindred.apitokens.services import grant_for


class TokenAuth(HttpBearer):
    """A personal API token. The request's person is the token's, with their capabilities cut
    down to the token's programs; a read-only token may only read."""

    openapi_description = "A personal API token (kd_…), made on the API tokens page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        grant = grant_for(token)
        if grant is None:
            return None
        user: Any = grant.token.user
        user._kindred_capabilities = grant.capabilities
        request.user = user
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        if not grant.allows(request.method or "GET"):
            raise AuthorizationError(message=_("This token may only read."))
        return grant
