from django.apps import AppConfig


class ReturneesConfig(AppConfig):
    """The registry of people: identity, family, verification and the case workflow."""

    name = "returnees"
    verbose_name = "Returnees"
