from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import REPORTS, NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Feedback surveys"), "surveys:list", Cap.SURVEYS_VIEW, order=72, group=REPORTS)
]
