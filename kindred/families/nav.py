from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Families"), "families:list", Cap.FAMILIES_VIEW, order=10, group=nav.FAMILIES)
]
