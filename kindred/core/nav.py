from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem

NAV_ITEMS = [
    NavItem(_("Home"), "core:home", None, order=0, group=nav.TOP),
]
