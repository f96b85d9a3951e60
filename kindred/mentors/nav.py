from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

# The menu has no program at hand, so it names the work, not the program's title for mentors.
NAV_ITEMS = [
    NavItem(_("My volunteer work"), "mentors:home", Cap.MENTOR_SELF, order=20),
    NavItem(_("Veteran parents"), "mentors:list", Cap.MENTORS_VIEW, order=40),
    NavItem(_("Training"), "mentors:training", Cap.MENTORS_VIEW, order=41),
    NavItem(_("Supervision"), "mentors:supervision", Cap.SUPERVISION, order=42),
]
