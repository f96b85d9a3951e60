from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(
        _("Waiting for a match"),
        "matching:waiting",
        Cap.MATCHING_VIEW,
        order=25,
        group=nav.FAMILIES,
    ),
    NavItem(
        _("Batch matching"), "matching:batch", Cap.MATCHING_MANAGE, order=26, group=nav.FAMILIES
    ),  # h10a
    NavItem(_("My offers"), "matching:offers", Cap.MATCH_SELF, order=21, group=nav.MY_WORK),
]
