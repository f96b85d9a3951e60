"""Home-page card for organization administrators: start a program (the first thing to do on a
new installation, where the administrator has no program yet)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kindred.lib.urls import url_for
from kindred.programs.access import capabilities
from kindred.programs.models import OrganizationMembership
from kindred.programs.roles import OrganizationRole


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    person = getattr(request.user, "_kindred_person", None)
    roles: Any = person.organization_memberships if person is not None else None
    if roles is None:
        if not request.user.is_authenticated:
            return []
        roles = OrganizationMembership.objects.filter(user=request.user, is_active=True)
    if not any(role.role == OrganizationRole.ADMIN for role in roles):
        return []
    if capabilities(request.user):
        text = _("Start another program of your organization, with its own coordinator.")
    else:
        text = _(
            "Your organization has no program yet. Start one: its name, what it offers, its "
            "targets, and the e-mail of its first coordinator."
        )
    return [
        {
            "title": _("Programs"),
            "text": text,
            "links": [{"url": url_for("programs:create"), "label": _("Start a program")}],
        }
    ]
