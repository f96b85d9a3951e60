from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import SETTINGS, NavItem
from kindred.programs.permissions import Cap

# Beside the program settings (order 85): the plan is the program's own description of itself.
NAV_ITEMS = [
    NavItem(_("Program plan"), "planning:plan", Cap.PLANNING_VIEW, order=86, group=SETTINGS)
]
