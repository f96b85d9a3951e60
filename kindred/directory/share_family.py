"""The family a share is for: checked, described and audited (the directory's search page and
the share pages both use it), and whether an e-mail or a text can reach them."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.families.access import get_family_for
from kindred.families.consent import may
from kindred.families.models import Family
from kindred.lib.sms import e164, sms_available
from kindred.programs.access import ProgramRequest, has_capability
from kindred.programs.permissions import Cap


def family_language(family: Family) -> str:
    caregiver = family.caregivers.order_by("-is_primary", "id").first()
    language = getattr(caregiver, "preferred_language", "en")
    return language if language in {"en", "es"} else "en"


def family_email(family: Family) -> str:
    caregiver = family.caregivers.exclude(email="").order_by("-is_primary", "id").first()
    return caregiver.email if caregiver else ""


def family_for_share(request: HttpRequest, pk: Any) -> Family:
    family = get_family_for(request, pk, capability=Cap.DIRECTORY_SHARE)
    if not family.is_open:
        raise Http404
    return family


def family_phone(family: Family) -> str:
    """The first caregiver phone that can take a text (E.164), primary caregiver first."""
    for caregiver in family.caregivers.filter(is_active=True).order_by("-is_primary", "id"):
        for phone in (caregiver.phone, caregiver.phone_alt):
            number = e164(phone)
            if number:
                return number
    return ""


def text_refusal(family: Family, phone: str) -> str:
    """Why a text cannot go to this family now at `phone` (its `family_phone`); "" when it can."""
    if not sms_available():
        return _("Text messages are not set up for this installation.")
    if not family.program.sends_texts:
        return _("This program does not send text messages (program settings).")
    if not phone:
        return _("The family has no phone number that can receive a text.")
    if not may(family, "text"):
        return _("The family has not agreed to text messages: record their consent first.")
    return ""


def share_family_from(request: ProgramRequest, data: Any) -> Family | None:
    """The family a directory search is for (`?family=`), checked and audited; None without."""
    pk = data.get("family", "")
    if not pk or not has_capability(request.user, request.program, Cap.DIRECTORY_SHARE):
        return None
    family = family_for_share(request, pk)
    record(
        action="families.family.viewed",
        request=request,
        program=family.program_id,
        obj=family,
        fields=["name", "children"],
        detail={"purpose": "directory.share"},
    )
    return family
