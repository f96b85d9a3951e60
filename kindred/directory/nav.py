from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Directory"), "directory:search", Cap.DIRECTORY_VIEW, order=40, group=nav.DIRECTORY),
    NavItem(
        _("Curate the directory"),
        "directory:curate",
        Cap.DIRECTORY_CURATE,
        order=41,
        group=nav.DIRECTORY,
    ),
    NavItem(
        _("Directory listing"),
        "directory:publish",
        Cap.PROGRAM_MANAGE,
        order=86,
        group=nav.SETTINGS,
    ),
]
