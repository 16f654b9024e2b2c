from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from repatriation.accounts.roles import Discipline


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
            # The monthly report's placements begun in one month.
            models.Index(fields=["started_on"], name="placement_start_idx"),
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
        # The monthly report's attendance rate: one month's rows from the index alone.
        indexes = [
            models.Index(
                fields=["month"],
                include=["enrolment", "days_expected", "days_present"],
                name="attendance_month_idx",
            )
        ]
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


class Activity(models.Model):
    """Sports, arts and other activities outside the curriculum, run at one centre."""

    class Kind(models.TextChoices):
        SPORTS = "sports", _("Sports")
        ARTS = "arts", _("Arts and crafts")
        MUSIC = "music", _("Music")
        READING = "reading", _("Reading club")
        OUTDOOR = "outdoor", _("Outdoor and excursions")
        OTHER = "other", _("Other")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="activity_name_per_centre")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityParticipation(models.Model):
    """How many times a person took part in an activity in one month."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participation")
    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="activity_participation"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    times = models.PositiveSmallIntegerField(_("times taken part"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("activity participation")
        verbose_name_plural = _("activity participation")
        # The monthly report's activities: one month's rows from the index alone.
        indexes = [
            models.Index(
                fields=["month"],
                include=["activity", "returnee", "times"],
                name="participation_month_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "returnee", "month"], name="participation_once_a_month"
            ),
            models.CheckConstraint(
                condition=models.Q(times__lte=62), name="participation_times_in_a_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.returnee_id} {self.month:%Y-%m}: {self.times}"


class Session(models.Model):
    """A psychological, psychiatric, theological, social-work or legal-aid session with one
    person or a group. Psychological and psychiatric notes are confidential to that discipline."""

    class Kind(models.TextChoices):
        PSYCHOLOGICAL = "psychological", _("Psychological")
        PSYCHIATRIC = "psychiatric", _("Psychiatric")
        THEOLOGICAL = "theological", _("Theological")
        SOCIAL_WORK = "social_work", _("Social work")
        LEGAL_AID = "legal_aid", _("Legal aid")

    class Format(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"))
    topic = models.CharField(
        _("topic"),
        max_length=200,
        blank=True,
        help_text=_("Seen by everyone who sees the session: keep details for the notes."),
    )
    notes = models.TextField(_("notes"), blank=True)
    facilitator = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("facilitator")
    )
    participants = models.ManyToManyField(
        "returnees.Returnee", related_name="sessions", verbose_name=_("participants")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["centre", "starts_at"], name="session_centre_day_idx"),
            # The monthly report's sessions held in one month, at every centre.
            models.Index(fields=["starts_at"], name="session_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="session_duration_bounds",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


# Who leads each kind of session: the services enforce it, the policy reads confidential
# notes by it, the demo staffs sessions by it.
SESSION_DISCIPLINES = {
    Session.Kind.PSYCHOLOGICAL: Discipline.PSYCHOLOGIST,
    Session.Kind.PSYCHIATRIC: Discipline.PSYCHIATRIST,
    Session.Kind.THEOLOGICAL: Discipline.THEOLOGIAN,
    Session.Kind.SOCIAL_WORK: Discipline.SOCIAL_WORKER,
    Session.Kind.LEGAL_AID: Discipline.LAWYER,
}


class DisengagementStage(models.TextChoices):
    """Ordered from the most to the least worrying: a combined view takes the first."""

    ADHERES = "adheres", _("Adheres")
    AMBIVALENT = "ambivalent", _("Ambivalent")
    RENOUNCED = "renounced", _("Renounced")


# The standard instrument's domain labels (migration 0007) live in the database; listed here
# so that they are translated. Pages translate a domain's label when they show it.
STANDARD_DOMAIN_LABELS = (
    gettext_noop("Emotional wellbeing"),
    gettext_noop("Social relations"),
    gettext_noop("Family relations"),
    gettext_noop("Learning and work"),
    gettext_noop("Understanding of religion"),
    gettext_noop("Trust in institutions"),
)


class AssessmentInstrument(models.Model):
    """A configurable scoring instrument: its domains, the score range and how often it is due."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    domains = models.JSONField(
        _("domains"),
        help_text=_('A list of {"code": "...", "label": "..."} objects, scored by every rater.'),
    )
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    interval_days = models.PositiveSmallIntegerField(_("due every (days)"), default=90)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score_max__gt=models.F("score_min")),
                name="instrument_score_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def domain_codes(self) -> list[str]:
        return [d["code"] for d in self.domains]


class ProgressRating(models.Model):
    """One rater's scores of one person on one instrument at one assessment date. Several
    raters (psychologist, theologian, social worker) make up the periodic assessment."""

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="progress_ratings"
    )
    instrument = models.ForeignKey(
        AssessmentInstrument, on_delete=models.PROTECT, related_name="ratings"
    )
    assessed_on = models.DateField(_("assessed on"))
    rater = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("rater")
    )
    discipline = models.CharField(_("discipline"), max_length=20)
    scores = models.JSONField(_("scores"))
    disengagement = models.CharField(
        _("stage of disengagement"), max_length=12, choices=DisengagementStage.choices
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "id"]
        verbose_name = _("progress rating")
        verbose_name_plural = _("progress ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["returnee", "instrument", "assessed_on", "rater"],
                name="rating_once_per_rater",
            )
        ]
        # In the trajectory's order read backwards; the report's stage counts read every
        # rating in it without touching the table (an index-only scan, already sorted).
        indexes = [
            models.Index(
                fields=["returnee", "assessed_on"],
                include=["disengagement"],
                name="rating_trajectory_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.instrument_id} {self.assessed_on} {self.rater_id}"


class LegalProceeding(models.Model):
    """Criminal proceedings against an adult. The process belongs to the courts; the case
    records it. Only legal officers and programme managers see it."""

    class Status(models.TextChoices):
        INVESTIGATION = "investigation", _("Investigation")
        CHARGED = "charged", _("Charged")
        TRIAL = "trial", _("Trial")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        SENTENCE_SERVED = "sentence_served", _("Sentence served")
        NO_CHARGES = "no_charges", _("No charges")

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="legal_proceedings"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    court = models.CharField(_("court or investigating body"), max_length=200)
    reference = models.CharField(_("case reference"), max_length=60, blank=True)
    opened_on = models.DateField(_("opened on"))
    next_hearing_on = models.DateField(_("next hearing"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    charges = models.TextField(_("charges"), blank=True)
    lawyer = models.CharField(_("lawyer"), max_length=200, blank=True)
    sentence = models.CharField(_("sentence"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("legal proceeding")
        verbose_name_plural = _("legal proceedings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="proceeding_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.status} {self.court}"


class CustodyPeriod(models.Model):
    """Time in custody. While open, the person cannot care for their children."""

    class Kind(models.TextChoices):
        PRE_TRIAL = "pre_trial", _("Pre-trial detention")
        HOUSE_ARREST = "house_arrest", _("House arrest")
        SENTENCE = "sentence", _("Serving a sentence")

    proceeding = models.ForeignKey(
        LegalProceeding, on_delete=models.PROTECT, related_name="custody_periods"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("custody period")
        verbose_name_plural = _("custody periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="custody_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.proceeding_id} {self.kind} {self.started_on}"


class ReintegrationPlan(models.Model):
    """Where the person goes home to and what they need there."""

    class Housing(models.TextChoices):
        WITH_RELATIVES = "relatives", _("With relatives")
        OWN = "own", _("Own home")
        RENTED = "rented", _("Rented")
        STATE = "state", _("State-provided housing")
        NOT_FOUND = "not_found", _("Not yet found")

    returnee = models.OneToOneField(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="reintegration"
    )
    destination_region = models.CharField(_("destination region"), max_length=100)
    destination_community = models.CharField(_("community or town"), max_length=200)
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices)
    livelihood = models.TextField(_("livelihood or vocational training"), blank=True)
    school_transfer = models.CharField(_("school transferred to"), max_length=200, blank=True)
    id_card_restored = models.BooleanField(_("identity card"), default=False)
    iin_restored = models.BooleanField(_("individual identification number"), default=False)
    birth_certificate_restored = models.BooleanField(
        _("birth certificate (born abroad)"), default=False
    )
    passport_restored = models.BooleanField(_("passport"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")

    def __str__(self) -> str:
        return f"{self.returnee_id} → {self.destination_community}"


class FollowUpVisit(models.Model):
    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="follow_up_visits"
    )
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("visitor")
    )
    findings = models.TextField(_("findings"))
    risk_level = models.CharField(_("risk level"), max_length=10, choices=Risk.choices)
    next_visit_on = models.DateField(_("next visit"), null=True, blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        # The monthly report's visits of one month.
        indexes = [models.Index(fields=["visited_on"], name="follow_up_day_idx")]

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.visited_on} {self.risk_level}"


class SealedRecordAccess(models.Model):
    """ "Break the glass": one user's justified, time-limited opening of a sealed record."""

    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="seal_openings"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    justification = models.TextField(_("justification"))
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("sealed record opening")
        verbose_name_plural = _("sealed record openings")
        indexes = [models.Index(fields=["user", "expires_at"], name="seal_opening_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.returnee_id} at {self.opened_at:%Y-%m-%d %H:%M}"
