"""The family's record shows every set of resources shared with them (families' timeline)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kindred.directory.models import ResourceShare
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap


def timeline_entries(family: Any, request: Any) -> list[Any]:
    from kindred.families.timeline import TimelineEntry

    entries = []
    can_open = has_capability(request.user, family.program_id, Cap.DIRECTORY_SHARE)
    shares = ResourceShare.objects.filter(family=family).select_related("created_by")
    for share in shares.prefetch_related("services"):
        count = len(share.services.all())
        text = ngettext("%(count)s resource", "%(count)s resources", count) % {"count": count}
        if share.emailed_to:
            text += " · " + str(_("link e-mailed"))
        if share.texted_to:
            text += " · " + str(_("link texted"))
        entries.append(
            TimelineEntry(
                share.created_at,
                "directory",
                _("Resources shared"),
                text,
                url=reverse("directory:share_detail", args=[share.pk]) if can_open else "",
                by=str(share.created_by),
            )
        )
    return entries
