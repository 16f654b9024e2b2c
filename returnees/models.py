from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        _("name"), max_length=200, help_text=_("As recorded, in its original script.")
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
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="returnee_status_idx"),
            models.Index(fields=["assigned_caseworker", "-id"], name="returnee_caseworker_idx"),
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
        ]

    def __str__(self) -> str:
        return f"{self.relative_id} is {self.kind} of {self.person_id}"
