from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [NavItem(_("Audit trail"), "audit:list", Cap.AUDIT_VIEW, order=90)]
