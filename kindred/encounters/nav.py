from django.utils.translation import gettext_lazy as _

from kindred.lib.nav import FAMILIES, MY_WORK, SETTINGS, NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(_("Log a contact"), "encounters:new", Cap.ENCOUNTERS_LOG, order=20, group=MY_WORK),
    NavItem(_("Encounters"), "encounters:list", Cap.ENCOUNTERS_VIEW, order=27, group=FAMILIES),
    NavItem(
        _("My follow-ups"), "encounters:follow_ups", Cap.ENCOUNTERS_LOG, order=22, group=MY_WORK
    ),
    NavItem(
        _("Codebook of themes"),
        "encounters:codebook",
        Cap.ENCOUNTERS_CODEBOOK,
        order=80,
        group=SETTINGS,
    ),
]
