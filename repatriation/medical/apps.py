from django.apps import AppConfig


class MedicalConfig(AppConfig):
    """Medical assessments before, during and after transit. Details for medical officers only."""

    name = "repatriation.medical"
    label = "medical"
    verbose_name = "Medical"
