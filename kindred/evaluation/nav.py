from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import REPORTS, NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [NavItem(_("Reports"), "evaluation:report", Cap.REPORTS_VIEW, order=70, group=REPORTS)]
