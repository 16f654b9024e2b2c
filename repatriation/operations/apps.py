from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Repatriation waves, locations, transit and manifests."""

    name = "repatriation.operations"
    label = "operations"
    verbose_name = "Operations"
