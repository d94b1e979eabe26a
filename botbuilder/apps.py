from django.apps import AppConfig


class BotbuilderConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "botbuilder"
    verbose_name = "Voice bots"

    def ready(self) -> None:
        from botbuilder import checks, signals  # noqa: F401  (registers checks, signals)
