"""Scoped access to surveys (kindred.programs.access): outside the person's programs 404,
inside them without the capability 403, each refusal audited by the kit."""

from typing import Any

from django.http import HttpRequest

from kindred.programs.access import get_scoped_or_404
from kindred.programs.permissions import Cap
from kindred.surveys.models import Item, Survey


def get_survey_for(request: HttpRequest, pk: Any, *, capability: str = Cap.SURVEYS_VIEW) -> Survey:
    return get_scoped_or_404(
        request,
        Survey.objects.select_related("program"),
        pk,
        capability=None if capability == Cap.SURVEYS_VIEW else capability,
    )


def get_item_for(request: HttpRequest, pk: Any) -> Item:
    item = Item.objects.select_related("survey").filter(pk=pk).first()
    survey = get_survey_for(
        request, item.survey_id if item else None, capability=Cap.SURVEYS_MANAGE
    )
    assert item is not None  # get_survey_for raised 404 otherwise
    item.survey = survey
    return item
