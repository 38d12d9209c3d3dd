from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    """The ground layer: helpers every app shares (see docs/architecture.md)."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.converters import IdConverter

        # Before any URLconf is read: every app's routes take ids as <id:pk>.
        register_converter(IdConverter, "id")
