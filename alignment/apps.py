from django.apps import AppConfig
from django.urls import register_converter


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = "Alignment"

    def ready(self) -> None:
        from alignment.converters import IdConverter

        # Before any URLconf is read: every app's routes take ids as <id:pk>.
        register_converter(IdConverter, "id")
