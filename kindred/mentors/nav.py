from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

# The group's heading is the program's own title for its mentors (nav.MENTORS).
NAV_ITEMS = [
    NavItem(_("My volunteer work"), "mentors:home", Cap.MENTOR_SELF, order=20, group=nav.MY_WORK),
    NavItem(_("Roster"), "mentors:list", Cap.MENTORS_VIEW, order=40, group=nav.MENTORS),
    NavItem(_("Training"), "mentors:training", Cap.MENTORS_VIEW, order=41, group=nav.MENTORS),
    NavItem(_("Supervision"), "mentors:supervision", Cap.SUPERVISION, order=42, group=nav.MENTORS),
]
