from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRun(models.Model):
    """One request for a report; its state lives here, not in the task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    period = models.DateField(_("month"), help_text=_("First day of the month reported on."))
    audience = models.CharField(_("audience"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        permissions = [
            ("view_aggregates", "See aggregate dashboards and reports"),
            ("sign_off_report", "Mark a published report as signed off"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period:%Y-%m} {self.audience}"
