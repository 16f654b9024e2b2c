from django.db import models
from django.utils.translation import gettext_lazy as _


class Location(models.Model):
    class Kind(models.TextChoices):
        CAMP = "camp", _("Camp")
        TRANSIT_POINT = "transit_point", _("Transit point")
        AIRPORT = "airport", _("Airport")
        ADAPTATION_FACILITY = "adaptation_facility", _("Adaptation facility")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="location_unique")]

    def __str__(self) -> str:
        return self.name


class Operation(models.Model):
    """A repatriation wave."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    origin_country = models.CharField(_("origin country"), max_length=2)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    planned_departure = models.DateField(_("planned departure"), null=True, blank=True)
    planned_return = models.DateField(_("planned return"), null=True, blank=True)
    started_on = models.DateField(_("actual start"), null=True, blank=True)
    ended_on = models.DateField(_("actual end"), null=True, blank=True)
    camps = models.ManyToManyField(
        Location,
        blank=True,
        related_name="operations",
        verbose_name=_("camps"),
        limit_choices_to={"kind": Location.Kind.CAMP},
    )
    lead_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_operations",
        verbose_name=_("lead organisation"),
    )
    partner_organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="partner_operations",
        verbose_name=_("partner organisations"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    ACTIVE_STATUSES = (Status.PLANNING, Status.ACTIVE)

    class Meta:
        ordering = ["-planned_departure", "code"]
        permissions = [("manage_operation", "Plan operations, manifests, boarding and arrivals")]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ManifestEntry(models.Model):
    """A person on an operation. Removed entries stay, with the reason, for the record."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="manifest")
    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="manifest_entries"
    )
    split_reason = models.TextField(
        _("reason the family is split"),
        blank=True,
        help_text=_("Recorded when this person travels without some of their household."),
    )
    added_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("manifest entry")
        verbose_name_plural = _("manifest entries")
        constraints = [
            models.UniqueConstraint(fields=["operation", "returnee"], name="manifest_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.operation_id}/{self.returnee_id}"


class TransitLeg(models.Model):
    class Mode(models.TextChoices):
        ROAD = "road", _("Road")
        AIR = "air", _("Air")

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="legs")
    sequence = models.PositiveSmallIntegerField(_("order"))
    origin = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    destination = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    flight_number = models.CharField(_("flight number"), max_length=20, blank=True)
    scheduled_departure = models.DateTimeField(_("scheduled departure"))
    scheduled_arrival = models.DateTimeField(_("scheduled arrival"))
    actual_departure = models.DateTimeField(_("actual departure"), null=True, blank=True)
    actual_arrival = models.DateTimeField(_("actual arrival"), null=True, blank=True)
    arrives_home = models.BooleanField(
        _("arrives at the home airport"),
        default=False,
        help_text=_("Recording this leg's arrival moves the people on board to Arrived."),
    )
    escorts = models.ManyToManyField(
        "accounts.User", blank=True, related_name="escorted_legs", verbose_name=_("escort staff")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["operation", "sequence"]
        verbose_name = _("transit leg")
        verbose_name_plural = _("transit legs")
        constraints = [
            models.UniqueConstraint(fields=["operation", "sequence"], name="leg_order_unique"),
            models.CheckConstraint(
                condition=models.Q(scheduled_arrival__gt=models.F("scheduled_departure")),
                name="leg_arrives_after_departure",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_arrival__isnull=True)
                | models.Q(
                    actual_departure__isnull=False, actual_arrival__gt=models.F("actual_departure")
                ),
                name="leg_actual_arrival_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation.code} #{self.sequence}: {self.origin} → {self.destination}"


class Boarding(models.Model):
    """One person's boarding status on one leg; recorded by escorts, one row per person and leg."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        BOARDED = "boarded", _("Boarded")
        NO_SHOW = "no_show", _("No-show")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LEFT_BEHIND = "left_behind", _("Left behind")

    entry = models.ForeignKey(ManifestEntry, on_delete=models.PROTECT, related_name="boardings")
    leg = models.ForeignKey(TransitLeg, on_delete=models.PROTECT, related_name="boardings")
    status = models.CharField(
        _("boarding"), max_length=20, choices=Status.choices, default=Status.EXPECTED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("boarding")
        verbose_name_plural = _("boardings")
        constraints = [
            models.UniqueConstraint(fields=["entry", "leg"], name="boarding_once_per_leg"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}@{self.leg_id}: {self.status}"


class CustodyHandover(models.Model):
    leg = models.ForeignKey(TransitLeg, on_delete=models.PROTECT, related_name="handovers")
    handed_over_by = models.CharField(_("handed over by"), max_length=200)
    received_by = models.CharField(_("received by"), max_length=200)
    occurred_at = models.DateTimeField(_("time"))
    people_count = models.PositiveIntegerField(_("people handed over"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["occurred_at"]
        verbose_name = _("custody hand-over")
        verbose_name_plural = _("custody hand-overs")

    def __str__(self) -> str:
        return f"{self.handed_over_by} → {self.received_by}"


class ManifestImport(models.Model):
    """An uploaded manifest file, parsed and checked; applied only once it is wholly valid and
    every ambiguous match has been confirmed."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        APPLIED = "applied", _("Applied")

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKED)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("manifest import")
        verbose_name_plural = _("manifest imports")

    def __str__(self) -> str:
        return f"{self.operation_id}: {self.filename}"
