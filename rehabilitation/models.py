from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Service(models.TextChoices):
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    PSYCHOLOGY = "psychology", _("Psychology")
    SOCIAL_WORK = "social_work", _("Social work")
    THEOLOGY = "theology", _("Theology")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PRESCHOOL = "preschool", _("Preschool")
    SCHOOL_LIAISON = "school_liaison", _("School liaison")
    SPORTS = "sports", _("Sports")
    VOCATIONAL = "vocational", _("Vocational training")


class Centre(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.CharField(_("region"), max_length=100)
    operator = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="centres",
        verbose_name=_("operator organisation"),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    services = models.JSONField(_("services offered"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        permissions = [
            ("work_at_centre", "Serve on the staff roster of this centre"),
            ("record_progress", "Record education, activities, sessions and assessments"),
            ("override_capacity", "Place beyond a centre's capacity, with a reason"),
        ]

    def __str__(self) -> str:
        return self.name


class CentreUserGrant(UserObjectPermissionBase):
    """Direct-FK object permission (django-guardian): the staff roster, queried by join."""

    content_object = models.ForeignKey(Centre, on_delete=models.CASCADE)


class CentreGroupGrant(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Centre, on_delete=models.CASCADE)


class Placement(models.Model):
    class Kind(models.TextChoices):
        ADAPTATION = "adaptation", _("Adaptation")
        RESIDENTIAL = "residential", _("Residential")
        DAY_PROGRAMME = "day_programme", _("Day programme")

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="placements"
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    capacity_override_reason = models.CharField(
        _("reason for placing beyond capacity"), max_length=300, blank=True
    )
    family_split_reason = models.CharField(
        _("reason the family is placed apart"), max_length=300, blank=True
    )
    placed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["returnee"],
                condition=models.Q(ended_on__isnull=True),
                name="placement_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["centre", "returnee"],
                condition=models.Q(ended_on__isnull=True),
                name="placement_active_centre_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.returnee_id} @ {self.centre_id} ({self.kind})"


class PlanDomain(models.TextChoices):
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    EDUCATION = "education", _("Education")
    RELIGIOUS_COUNSELLING = "religious", _("Religious counselling")
    LEGAL = "legal", _("Legal")
    LIVELIHOOD = "livelihood", _("Livelihood")
    FAMILY = "family", _("Family")


class RehabilitationPlan(models.Model):
    """The individual rehabilitation plan; its goals are drafted from the intake assessment."""

    returnee = models.OneToOneField(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="plan"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("rehabilitation plan")
        verbose_name_plural = _("rehabilitation plans")

    def __str__(self) -> str:
        return f"plan {self.returnee_id}"


class PlanGoal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(RehabilitationPlan, on_delete=models.PROTECT, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, choices=PlanDomain.choices)
    description = models.TextField(_("goal"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["domain", "id"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.description[:40]}"


class PlanEvent(models.Model):
    """The plan's history: every goal added or changed, every monthly review, with who and why."""

    class Kind(models.TextChoices):
        GOAL_ADDED = "goal_added", _("Goal added")
        GOAL_CHANGED = "goal_changed", _("Goal changed")
        REVIEWED = "reviewed", _("Plan reviewed")

    plan = models.ForeignKey(RehabilitationPlan, on_delete=models.PROTECT, related_name="events")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("plan history entry")
        verbose_name_plural = _("plan history")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


class Enrolment(models.Model):
    """A child or adult enrolled in preschool, school, vocational or literacy classes."""

    class Level(models.TextChoices):
        PRESCHOOL = "preschool", _("Preschool")
        PRIMARY = "primary", _("Primary school")
        SECONDARY = "secondary", _("Secondary school")
        VOCATIONAL = "vocational", _("Vocational")
        LITERACY = "literacy", _("Literacy")

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="enrolments"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    institution = models.CharField(_("institution"), max_length=200)
    grade = models.CharField(_("grade or group"), max_length=30, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    teacher_notes = models.TextField(_("teacher's notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [models.Index(fields=["institution", "grade"], name="enrolment_class_idx")]

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.level} {self.institution}"


class MonthlyAttendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendance")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    days_expected = models.PositiveSmallIntegerField(_("school days"))
    days_present = models.PositiveSmallIntegerField(_("days present"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly attendance")
        verbose_name_plural = _("monthly attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "month"], name="attendance_once_a_month"),
            models.CheckConstraint(
                condition=models.Q(days_present__lte=models.F("days_expected")),
                name="attendance_present_within_expected",
            ),
            models.CheckConstraint(
                condition=models.Q(days_expected__lte=31), name="attendance_days_in_a_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.month:%Y-%m}: {self.days_present}/{self.days_expected}"
