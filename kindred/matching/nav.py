from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Waiting for a match"), "matching:waiting", Cap.MATCHING_VIEW, order=25),
    NavItem(_("Batch matching"), "matching:batch", Cap.MATCHING_MANAGE, order=26),  # h10a
    NavItem(_("My offers"), "matching:offers", Cap.MATCH_SELF, order=21),
]
