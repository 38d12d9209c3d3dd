from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    """The ground layer: helpers every app shares (see docs/architecture.md)."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core import freshness
        from core.converters import IdConverter

        # Every write, from any process, replaces the version tokens cached pages are kept under.
        connection_created.connect(freshness.install, dispatch_uid="core.freshness")

        # Before any URLconf is read: every app's routes take ids as <id:pk>.
        register_converter(IdConverter, "id")
