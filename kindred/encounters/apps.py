from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "kindred.encounters"
    label = "encounters"
