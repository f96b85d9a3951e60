from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kindred.surveys"
    label = "surveys"
