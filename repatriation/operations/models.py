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

    class Meta:
        ordering = ["-planned_departure", "code"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ManifestEntry(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="manifest")
    returnee = models.ForeignKey(
        "returnees.Returnee", on_delete=models.PROTECT, related_name="manifest_entries"
    )

    class Meta:
        verbose_name = _("manifest entry")
        verbose_name_plural = _("manifest entries")
        constraints = [
            models.UniqueConstraint(fields=["operation", "returnee"], name="manifest_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.operation_id}/{self.returnee_id}"
