from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "kindred.planning"
    label = "planning"
