from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "Alignment health and the relationship pulse"
