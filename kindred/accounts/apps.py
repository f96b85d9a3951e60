from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kindred.accounts"
    label = "accounts"

    def ready(self) -> None:
        from kindred.accounts import signals  # noqa: F401
