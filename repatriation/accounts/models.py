from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .roles import FIELD_GROUP_PERMISSIONS, SCOPE_PERMISSIONS, Discipline, FieldGroup


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        NGO = "ngo", _("Non-governmental organisation")
        INTERNATIONAL = "international", _("International agency")
        CENTRE_OPERATOR = "centre_operator", _("Centre operator")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, default="KZ")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles are groups; scope and field groups follow from them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", verbose_name=_("organisation")
    )
    discipline = models.CharField(
        _("discipline"),
        max_length=20,
        choices=Discipline.choices,
        blank=True,
        help_text=_("For centre staff: decides which confidential session notes they may read."),
    )

    objects = UserManager()
    REQUIRED_FIELDS = ["email", "organisation"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = SCOPE_PERMISSIONS + FIELD_GROUP_PERMISSIONS


class DataSharingAgreement(models.Model):
    """What a partner organisation may see: centres and/or operations, and field groups."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("partner organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    centres = models.ManyToManyField(
        "rehabilitation.Centre", blank=True, related_name="agreements", verbose_name=_("centres")
    )
    operations = models.ManyToManyField(
        "operations.Operation", blank=True, related_name="agreements", verbose_name=_("operations")
    )
    read_field_groups = models.JSONField(_("field groups readable"), default=list, blank=True)
    write_field_groups = models.JSONField(_("field groups writable"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    allowed_addresses = models.JSONField(
        _("allowed client addresses"),
        default=list,
        blank=True,
        help_text=_("IP addresses or networks in CIDR form; empty allows any."),
    )

    class Meta:
        ordering = ["organisation__name", "title"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        permissions = [("use_agreement", "Act under this data-sharing agreement")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.title}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        known = set(FieldGroup.values)
        for name in ("read_field_groups", "write_field_groups"):
            unknown = set(getattr(self, name) or []) - known
            if unknown:
                raise ValidationError(
                    {name: _("Unknown field groups: %s") % ", ".join(sorted(unknown))}
                )
        if not set(self.write_field_groups or []) <= set(self.read_field_groups or []):
            raise ValidationError(
                {"write_field_groups": _("A writable group must also be readable.")}
            )

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until


class AgreementUserGrant(UserObjectPermissionBase):
    """Direct-FK object permission (django-guardian) so scope checks stay a join."""

    content_object = models.ForeignKey(DataSharingAgreement, on_delete=models.CASCADE)


class AgreementGroupGrant(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DataSharingAgreement, on_delete=models.CASCADE)


class ApiClient(models.Model):
    """A partner's or a ministry system's key to the REST API.

    The token is shown once at creation and stored only as a SHA-256 hash; its first
    characters (the prefix) find the row. Calls act as the client's own service account,
    whose role and agreement grants the policy reads like any user's.
    """

    name = models.CharField(_("name"), max_length=120)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_clients"
    )
    agreement = models.ForeignKey(
        DataSharingAgreement,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("data-sharing agreement"),
        null=True,
        blank=True,
        help_text=_("Empty for a ministry integration client, which has full scope."),
    )
    allowed_addresses = models.JSONField(
        _("allowed client addresses"),
        default=list,
        blank=True,
        help_text=_(
            "For a full-scope client: IP addresses or networks in CIDR form; empty allows any. "
            "A partner's client follows its agreement's list."
        ),
    )
    account = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    token_prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_full_scope(self) -> bool:
        return self.agreement_id is None

    @property
    def addresses(self) -> list[str]:
        return self.agreement.allowed_addresses if self.agreement else self.allowed_addresses


class IdempotencyKey(models.Model):
    """A `POST` made with an `Idempotency-Key`: the same key and body get the first answer
    again, so a partner may retry after a timeout without registering anyone twice."""

    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.key}"
