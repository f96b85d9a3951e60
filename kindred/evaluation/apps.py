from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "kindred.evaluation"
    verbose_name = "Evaluation"
