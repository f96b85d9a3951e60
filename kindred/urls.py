"""Kindred's URLs. Each app owns its prefix; a newcomer finds a screen's code by its word."""

from django.urls import include, path

from kindred.api import api
from kindred.directory.api import hsds_api

urlpatterns = [
    path("", include("kindred.core.urls")),
    path("accounts/", include("kindred.accounts.urls")),
    path("accounts/invitation/", include("kindred.programs.invitation_urls")),
    path("accounts/api-tokens/", include("kindred.apitokens.urls")),
    path("program/", include("kindred.programs.urls")),
    path("audit/", include("kindred.programs.audit_urls")),
    path("families/", include("kindred.families.urls")),
    path("referrals/", include("kindred.referrals.urls")),
    path("directory/", include("kindred.directory.urls")),
    path("mentors/", include("kindred.mentors.urls")),
    path("matching/", include("kindred.matching.urls")),
    path("groups/", include("kindred.groups.urls")),
    path("encounters/", include("kindred.encounters.urls")),
    path("reports/", include("kindred.evaluation.urls")),
    path("surveys/", include("kindred.surveys.urls")),
    path("fhir/", include("kindred.fhir.urls")),
    path("planning/", include("kindred.planning.urls")),
    path("api/hsds/", hsds_api.urls),
    path("api/", api.urls),
]

handler400 = "kindred.core.errors.bad_request"
handler403 = "kindred.core.errors.permission_denied"
handler404 = "kindred.core.errors.page_not_found"
handler500 = "kindred.core.errors.server_error"
