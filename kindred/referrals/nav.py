from django.utils.translation import gettext_lazy as _

from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.programs.permissions import Cap

NAV_ITEMS = [
    NavItem(
        _("Referral queue"), "referrals:queue", Cap.REFERRALS_VIEW, order=20, group=nav.REFERRALS
    ),
    NavItem(
        _("Refer a family"), "referrals:new", Cap.REFERRALS_CREATE, order=21, group=nav.REFERRALS
    ),
    NavItem(
        _("My referrals"), "referrals:sent", Cap.REFERRALS_VIEW_OWN, order=22, group=nav.REFERRALS
    ),
    NavItem(
        _("Case conference"),
        "referrals:conference",
        Cap.CASE_CONFERENCE,
        order=23,
        group=nav.REFERRALS,
    ),
    NavItem(
        _("Referral numbers"),
        "referrals:dashboard",
        Cap.REFERRALS_DASHBOARD,
        order=70,
        group=nav.REPORTS,
    ),
]
