from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(
        _("EHR connections"), "fhir:clients", Cap.FHIR_CLIENTS_MANAGE, order=87, group=nav.SETTINGS
    )
]
