from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Support groups"), "groups:list", Cap.GROUPS_VIEW, order=45, group=nav.FAMILIES)
]
