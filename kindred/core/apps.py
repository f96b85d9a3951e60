from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindred.core"
    label = "core"
