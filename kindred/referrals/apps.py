from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "kindred.referrals"
    label = "referrals"
