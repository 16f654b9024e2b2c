from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Repatriation waves, locations, transit legs, manifests, boarding and custody."""

    name = "repatriation.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from .workflow import register_transitions

        register_transitions()
