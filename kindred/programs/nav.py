from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Members"), "programs:members", Cap.MEMBERS_MANAGE, order=80, group=nav.SETTINGS),
    NavItem(
        _("Program settings"), "programs:settings", Cap.PROGRAM_MANAGE, order=85, group=nav.SETTINGS
    ),
    NavItem(_("Audit trail"), "audit:list", Cap.AUDIT_VIEW, order=90, group=nav.REPORTS),
]
