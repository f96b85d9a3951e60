from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "kindred.families"
    label = "families"
