from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class CaseStatus(models.TextChoices):
    """The pipeline of DESIGN.md section 1; changed only through the case workflow."""

    IDENTIFIED = "identified", _("Identified")
    VERIFYING = "verifying", _("Verifying")
    CLEARED = "cleared", _("Cleared")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    IN_TRANSIT = "in_transit", _("In transit")
    ARRIVED = "arrived", _("Arrived")
    ADAPTATION = "adaptation", _("Adaptation")
    PLACED = "placed", _("Placed")
    REINTEGRATION = "reintegration", _("Reintegration")
    CLOSED = "closed", _("Closed")


class VerificationDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class ClosureReason(models.TextChoices):
    REINTEGRATED = "reintegrated", _("Reintegrated")
    TRANSFERRED = "transferred", _("Transferred")
    DECEASED = "deceased", _("Deceased")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OTHER = "other", _("Other")


class Household(models.Model):
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.reference


class CaseNumberCounter(models.Model):
    """One row per prefix and year; incremented under a row lock so numbers have no gaps."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="case_number_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class Returnee(models.Model):
    case_number = models.CharField(_("case number"), max_length=20, unique=True)
    primary_name = models.CharField(
        pgettext_lazy("person", "name"),
        max_length=200,
        help_text=_("As recorded, in its original script."),
    )
    name_latin = models.CharField(_("name in Latin script"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    date_of_birth_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    claimed_nationality = models.CharField(_("claimed nationality"), max_length=2, default="KZ")
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.IDENTIFIED
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    is_unaccompanied = models.BooleanField(_("unaccompanied"), default=False)
    is_separated = models.BooleanField(_("separated"), default=False)
    is_orphan = models.BooleanField(_("orphan"), default=False)
    is_pregnant = models.BooleanField(_("pregnant"), default=False)
    is_injured = models.BooleanField(_("injured"), default=False)
    has_disability = models.BooleanField(_("disability"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    assigned_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_returnees",
        verbose_name=_("assigned caseworker"),
    )
    verification_status = models.CharField(
        _("nationality decision"),
        max_length=20,
        choices=VerificationDecision.choices,
        default=VerificationDecision.PENDING,
        help_text=_("Copied from the verification record so that lists filter on an index."),
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    sealed_at = models.DateTimeField(
        _("sealed"),
        null=True,
        blank=True,
        help_text=_("A sealed record is hidden from lists and search; opening it is justified."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("returnee")
        verbose_name_plural = _("returnees")
        permissions = [
            ("change_status", "Move a case through the workflow"),
            ("decide_verification", "Decide on nationality verification"),
            ("record_medical", "Record medical assessments"),
            ("record_legal", "Record legal proceedings"),
            ("open_sealed", "Open a sealed record with a recorded justification"),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="returnee_status_idx"),
            models.Index(fields=["assigned_caseworker", "-id"], name="returnee_caseworker_idx"),
            # With the id, the report's adults and their sex come from the index alone.
            models.Index(
                fields=["date_of_birth", "sex"], include=["id"], name="returnee_dob_sex_idx"
            ),
            models.Index(fields=["verification_status", "-id"], name="returnee_verif_idx"),
            models.Index(
                fields=["closed_on"],
                condition=models.Q(sealed_at__isnull=True, closed_on__isnull=False),
                name="returnee_to_seal_idx",
            ),
            # The monthly report's cases closed in one month.
            models.Index(
                fields=["closed_on"],
                condition=models.Q(closed_on__isnull=False),
                name="returnee_closed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.primary_name}"


class Relationship(models.Model):
    class Kind(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        CHILD = "child", _("Child")
        SIBLING = "sibling", _("Sibling")
        SPOUSE = "spouse", _("Spouse")
        GRANDPARENT = "grandparent", _("Grandparent")
        GUARDIAN = "guardian", _("Guardian")

    person = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="relationships")
    relative = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("relationship"),
        max_length=20,
        choices=Kind.choices,
        help_text=_("What the relative is to the person."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("relative")), name="relationship_not_self"
            ),
            # One mother and one father at most, even under concurrent edits.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(kind__in=["mother", "father"]),
                name="relationship_one_parent_of_each_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative_id} is {self.kind} of {self.person_id}"


class Script(models.TextChoices):
    CYRILLIC = "cyrl", _("Cyrillic")
    LATIN = "latn", _("Latin")
    ARABIC = "arab", _("Arabic")


class ReturneeName(models.Model):
    """A name as recorded somewhere, in its own script; one per person is primary."""

    class Kind(models.TextChoices):
        NAME = "name", _("Name")
        KUNYA = "kunya", _("Kunya (e.g. Umm Yusuf)")
        MAIDEN = "maiden", _("Maiden name")
        CAMP_LIST = "camp_list", _("Spelling on a camp list")
        OTHER_ALIAS = "alias", _("Other alias")

    returnee = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="names")
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NAME)
    is_primary = models.BooleanField(_("primary"), default=False)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    skeleton = models.CharField(max_length=200, db_index=True, editable=False)
    # The person's, copied here (by `name_row`, and by `returnee_update` when they change) so
    # that the duplicate check blocks on them and the name in one index (migration 0009).
    sex = models.CharField(max_length=1, choices=Sex.choices, editable=False)
    date_of_birth = models.DateField(editable=False)

    class Meta:
        verbose_name = pgettext_lazy("person", "name")
        verbose_name_plural = _("names")
        constraints = [
            models.UniqueConstraint(
                fields=["returnee"],
                condition=models.Q(is_primary=True),
                name="returnee_one_primary_name",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class RelativeAtHome(models.Model):
    """A relative at home who is not a returnee: for tracing, guardianship and placement."""

    returnee = models.ForeignKey(
        Returnee, on_delete=models.PROTECT, related_name="relatives_at_home"
    )
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=40)
    region = models.CharField(_("region"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_verified = models.BooleanField(_("verified"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("relative at home")
        verbose_name_plural = _("relatives at home")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.relationship})"


class Guardianship(models.Model):
    class GuardianKind(models.TextChoices):
        RELATIVE_AT_HOME = "relative", _("Relative at home")
        RETURNEE = "returnee", _("Returnee")
        STATE = "state", _("The state")

    class LegalBasis(models.TextChoices):
        COURT_ORDER = "court_order", _("Court order")
        NOTARISED_CONSENT = "notarised_consent", _("Notarised consent")
        ADMINISTRATIVE = "administrative", _("Administrative decision")

    child = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="guardianships")
    guardian_kind = models.CharField(_("guardian"), max_length=20, choices=GuardianKind.choices)
    guardian_relative = models.ForeignKey(
        RelativeAtHome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relative at home"),
    )
    guardian_returnee = models.ForeignKey(
        Returnee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
        verbose_name=_("returnee"),
    )
    state_body = models.CharField(_("state body"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        guardian_kind="relative",
                        guardian_relative__isnull=False,
                        guardian_returnee__isnull=True,
                    )
                    | models.Q(
                        guardian_kind="returnee",
                        guardian_returnee__isnull=False,
                        guardian_relative__isnull=True,
                    )
                    | models.Q(
                        guardian_kind="state",
                        guardian_relative__isnull=True,
                        guardian_returnee__isnull=True,
                    )
                ),
                name="guardianship_one_guardian",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="guardianship_period",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(ended_on__isnull=True),
                name="guardianship_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.get_guardian_kind_display()}"

    @property
    def guardian_label(self) -> str:
        if self.guardian_relative_id:
            return str(self.guardian_relative)
        if self.guardian_returnee_id:
            return str(self.guardian_returnee)
        return self.state_body or str(_("The state"))


class GuardianshipVisit(models.Model):
    guardianship = models.ForeignKey(Guardianship, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("date of visit"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("findings"))

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")

    def __str__(self) -> str:
        return f"{self.guardianship_id} {self.visited_on}"


class Document(models.Model):
    """An uploaded file, stored outside any URL; downloads pass the policy and are audited."""

    returnee = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class NationalityVerification(models.Model):
    """The nationality claim of one person and the decision on it."""

    returnee = models.OneToOneField(Returnee, on_delete=models.PROTECT, related_name="verification")
    claimed_nationality = models.CharField(_("claimed nationality"), max_length=2)
    claim_notes = models.TextField(_("claim"), blank=True)
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=VerificationDecision.choices,
        default=VerificationDecision.PENDING,
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    via_parent = models.ForeignKey(
        Returnee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified through parent"),
        help_text=_("A child born abroad takes nationality from a verified parent."),
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("nationality verification")
        verbose_name_plural = _("nationality verifications")
        indexes = [
            models.Index(fields=["decision", "opened_at"], name="verification_queue_idx"),
            # The monthly report's decisions of one month.
            models.Index(
                fields=["decided_at"],
                condition=models.Q(decided_at__isnull=False),
                name="verification_decided_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.returnee_id}: {self.decision}"


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        ID_CARD = "id_card", _("Identity card")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        DNA = "dna", _("DNA parentage result")
        INTERVIEW = "interview", _("Interview record")
        CONSULAR = "consular", _("Consular confirmation")
        TESTIMONY = "testimony", _("Testimony of a relative")

    class Confidence(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    verification = models.ForeignKey(
        NationalityVerification, on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    notes = models.TextField(_("notes"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.confidence})"


class CaseEvent(models.Model):
    """The case timeline: registrations, status changes, decisions, with actor, time and reason."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        TRANSITION = "transition", _("Status change")
        VERIFICATION = "verification", _("Verification decision")
        INTAKE = "intake", _("Intake assessment")
        NOTE = "note", _("Note")

    returnee = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=CaseStatus.choices)
    transition = models.CharField(max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(fields=["returnee", "-occurred_at"], name="case_event_timeline_idx"),
            # The monthly report's arrivals, moves and reintegrations of one month.
            models.Index(fields=["occurred_at"], name="case_event_when_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


class DuplicateDecision(models.Model):
    """A caseworker's finding that two similar records are, or are not, the same person."""

    returnee = models.ForeignKey(
        Returnee, on_delete=models.PROTECT, related_name="duplicate_decisions"
    )
    candidate = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="+")
    same_person = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")

    def __str__(self) -> str:
        return f"{self.returnee_id} vs {self.candidate_id}: {self.same_person}"


class IntakeAssessment(models.Model):
    """Needs found at intake; drafts the goals of the rehabilitation plan."""

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class EducationLevel(models.TextChoices):
        NONE = "none", _("None")
        PRESCHOOL_AGE = "preschool_age", _("Preschool age")
        PRIMARY = "primary", _("Primary")
        SECONDARY = "secondary", _("Secondary")
        HIGHER = "higher", _("Higher or vocational")

    returnee = models.ForeignKey(Returnee, on_delete=models.PROTECT, related_name="intakes")
    health_needs = models.TextField(_("health needs"), blank=True)
    psychosocial_needs = models.TextField(_("psychosocial state and needs"), blank=True)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices
    )
    languages = models.CharField(_("languages spoken"), max_length=200)
    family_situation = models.TextField(_("family situation"), blank=True)
    legal_status = models.TextField(_("legal status"), blank=True)
    risk_level = models.CharField(_("risk"), max_length=10, choices=Risk.choices)
    risk_notes = models.TextField(_("risk notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("intake assessment")
        verbose_name_plural = _("intake assessments")

    def __str__(self) -> str:
        return f"{self.returnee_id} {self.assessed_at:%Y-%m-%d}"
