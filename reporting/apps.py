from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Aggregate figures, dashboards and report runs; never personal data."""

    name = "reporting"
    verbose_name = "Reporting"
