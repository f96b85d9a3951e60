from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "kindred.programs"
    label = "programs"

    def ready(self) -> None:
        from kindred.programs import signals

        signals.connect_user_signals()
