from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    """The project package as an app: its management commands (serve, seed_demo,
    workspace_export, workspace_import) and the migrations that once held its models."""

    name = "alignment"
    verbose_name = "Alignment"
