from django.apps import AppConfig


class RehabilitationConfig(AppConfig):
    """Centres, placements and everything that happens at a rehabilitation centre."""

    name = "rehabilitation"
    verbose_name = "Rehabilitation"

    def ready(self) -> None:
        from .workflow import register_transitions

        register_transitions()
