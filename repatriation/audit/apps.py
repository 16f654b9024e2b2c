from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail and the auditor's page."""

    name = "repatriation.audit"
    label = "audit"
    verbose_name = "Audit"
