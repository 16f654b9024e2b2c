from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PRE_DEPARTURE = "pre_departure", _("Pre-departure")
    TRANSIT = "transit", _("Transit")
    ARRIVAL = "arrival", _("Arrival")
    ADAPTATION = "adaptation", _("Adaptation")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Triage(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Condition(models.TextChoices):
    INJURY = "injury", _("Injury")
    SHRAPNEL = "shrapnel", _("Shrapnel wound")
    MALNUTRITION = "malnutrition", _("Malnutrition")
    INFECTIOUS = "infectious", _("Infectious disease")
    PREGNANCY = "pregnancy", _("Pregnancy")
    CHRONIC = "chronic", _("Chronic illness")
    DISABILITY = "disability", _("Disability")


class MedicalAssessment(models.Model):
    """One examination. Everyone with access to the person sees the triage level and whether a
    follow-up is due; only medical officers see the rest, and each such read is audited."""

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="medical_assessments"
    )
    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    assessed_on = models.DateField(_("date"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessor"),
    )
    triage = models.CharField(_("triage"), max_length=10, choices=Triage.choices)
    temperature_c = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(30), MaxValueValidator(45)],
    )
    pulse = models.PositiveSmallIntegerField(
        _("pulse (per minute)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(250)],
    )
    systolic = models.PositiveSmallIntegerField(
        _("blood pressure, systolic"),
        null=True,
        blank=True,
        validators=[MinValueValidator(40), MaxValueValidator(260)],
    )
    diastolic = models.PositiveSmallIntegerField(
        _("blood pressure, diastolic"),
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(180)],
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(300)],
    )
    height_cm = models.DecimalField(
        _("height (cm)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(30), MaxValueValidator(230)],
    )
    muac_mm = models.PositiveSmallIntegerField(
        _("MUAC (mm)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(50), MaxValueValidator(400)],
        help_text=_("Mid-upper arm circumference, for children 6–59 months."),
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    mental_health_score = models.PositiveSmallIntegerField(
        _("mental-health screening score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(27)],
        help_text=_("PHQ-9 style, 0–27."),
    )
    referrals = models.TextField(_("referrals"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    notes = models.TextField(_("clinical notes"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("medical assessment")
        verbose_name_plural = _("medical assessments")
        indexes = [
            models.Index(fields=["returnee", "stage"], name="medical_person_stage_idx"),
            models.Index(fields=["follow_up_due"], name="medical_follow_up_idx"),
            # The monthly report counts the month's assessments.
            models.Index(fields=["assessed_on"], name="medical_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.stage} {self.assessed_on}"

    @property
    def condition_labels(self) -> list[str]:
        return [Condition(c).label for c in self.conditions or [] if c in Condition.values]

    @property
    def acute_malnutrition(self) -> str:
        """WHO MUAC cut-offs for children 6–59 months: severe below 115 mm, moderate below 125."""
        if self.muac_mm is None:
            return ""
        if self.muac_mm < 115:
            return "severe"
        if self.muac_mm < 125:
            return "moderate"
        return ""
