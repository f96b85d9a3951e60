from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "kindred.apitokens"
    label = "apitokens"
