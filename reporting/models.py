from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRun(models.Model):
    """One request for a report; its state lives here, not in the task. A published report
    (done) is never rendered again: its file and SHA-256 are the record."""

    class Kind(models.TextChoices):
        MONTHLY_PROGRESS = "monthly_progress", _("Monthly progress report")

    class Audience(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        PARTNER = "partner", _("Partner organisation")
        CENTRE = "centre", _("Centre")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(
        _("kind"), max_length=40, choices=Kind.choices, default=Kind.MONTHLY_PROGRESS
    )
    period = models.DateField(_("month"), help_text=_("First day of the month reported on."))
    audience = models.CharField(_("audience"), max_length=40, choices=Audience.choices)
    agreement = models.ForeignKey(
        "accounts.DataSharingAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        help_text=_("For a partner's report: the agreement whose scope it counts."),
    )
    centre = models.ForeignKey(
        "rehabilitation.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        help_text=_("For a centre's report."),
    )
    # "ministry", "partner:<agreement id>" or "centre:<centre id>": whose report this is.
    scope_key = models.CharField(max_length=40, default="ministry", editable=False)
    language = models.CharField(
        _("language"), max_length=5, default="en", choices=settings.LANGUAGES
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # The PDF's tables as printed (header and rows), for the CSV and XLSX downloads.
    tables = models.JSONField(default=dict, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        permissions = [
            ("view_aggregates", "See aggregate dashboards and reports"),
            ("sign_off_report", "Mark a published report as signed off"),
        ]
        constraints = [
            # One run at a time for a report: asking again while it runs gives the same run.
            models.UniqueConstraint(
                fields=["kind", "period", "scope_key", "language"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_run_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period:%Y-%m} {self.audience}"
