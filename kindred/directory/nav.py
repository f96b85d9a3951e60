from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Directory"), "directory:search", Cap.DIRECTORY_VIEW, order=40),
    NavItem(_("Curate the directory"), "directory:curate", Cap.DIRECTORY_CURATE, order=41),
    NavItem(_("Directory listing"), "directory:publish", Cap.PROGRAM_MANAGE, order=86),
]
