from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "kindred.mentors"
    label = "mentors"
