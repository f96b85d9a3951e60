from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kindred.matching"
    label = "matching"
