"""The roles of the programme, declared in code.

Each role becomes a Django group whose permissions are kept in sync with this file by
`roles_sync` (run after every migrate and by `manage.py sync_roles`). The policy module
reads scope and field groups from these permissions, so a role means the same thing on
pages, in the API, in exports and in reports.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    CASEWORKER = "caseworker", _("Caseworker")
    VERIFICATION_OFFICER = "verification_officer", _("Verification officer")
    MEDICAL_OFFICER = "medical_officer", _("Medical officer")
    CENTRE_STAFF = "centre_staff", _("Centre staff")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    MINISTRY_OFFICIAL = "ministry_official", _("Ministry official")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    AUDITOR = "auditor", _("Auditor")
    # A ministry system's API client (`api_client create --full-scope`), never a person.
    INTEGRATION = "integration", _("Ministry integration system")


class FieldGroup(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    FAMILY = "family", _("Family")
    VERIFICATION = "verification", _("Verification")
    MEDICAL = "medical", _("Medical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    EDUCATION = "education", _("Education")
    LEGAL = "legal", _("Legal")


class Scope(models.TextChoices):
    """Which people a role reaches before field groups are applied."""

    ALL = "all", _("All people in the programme")
    CENTRE = "centre", _("People placed at the user's own centres")
    AGREEMENT = "agreement", _("People within the user's data-sharing agreements")
    NONE = "none", _("Nobody: aggregates only")


class Discipline(models.TextChoices):
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    THEOLOGIAN = "theologian", _("Theologian")
    TEACHER = "teacher", _("Teacher")
    LAWYER = "lawyer", _("Lawyer")


@dataclass(frozen=True)
class RoleGrant:
    scope: Scope
    field_groups: frozenset[FieldGroup] = frozenset()
    # Model-level permissions as "app_label.codename".
    permissions: frozenset[str] = field(default_factory=frozenset)


FG = FieldGroup
_CONFIG = frozenset(
    {
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_datasharingagreement",
        "accounts.add_datasharingagreement",
        "accounts.change_datasharingagreement",
        "accounts.view_apiclient",
        "accounts.add_apiclient",
        "accounts.change_apiclient",
        "rehabilitation.view_centre",
        "rehabilitation.add_centre",
        "rehabilitation.change_centre",
        "rehabilitation.view_assessmentinstrument",
        "rehabilitation.add_assessmentinstrument",
        "rehabilitation.change_assessmentinstrument",
        "operations.view_location",
        "operations.add_location",
        "operations.change_location",
    }
)

ROLE_GRANTS: dict[Role, RoleGrant] = {
    Role.ADMINISTRATOR: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.CONTACT, FG.FAMILY, FG.VERIFICATION, FG.EDUCATION}),
        _CONFIG | {"returnees.view_returnee"},
    ),
    Role.CASEWORKER: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.CONTACT, FG.FAMILY, FG.VERIFICATION}),
        frozenset(
            {
                "returnees.view_returnee",
                "returnees.add_returnee",
                "returnees.change_returnee",
                "returnees.change_status",
                "operations.view_operation",
                "operations.manage_operation",
                "rehabilitation.change_plangoal",
                "rehabilitation.change_reintegrationplan",
                "returnees.open_sealed",
            }
        ),
    ),
    Role.VERIFICATION_OFFICER: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.FAMILY, FG.VERIFICATION}),
        frozenset({"returnees.view_returnee", "returnees.decide_verification"}),
    ),
    Role.MEDICAL_OFFICER: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.MEDICAL}),
        frozenset(
            {"returnees.view_returnee", "returnees.record_medical", "operations.view_operation"}
        ),
    ),
    Role.CENTRE_STAFF: RoleGrant(
        Scope.CENTRE,
        frozenset({FG.IDENTITY, FG.FAMILY, FG.PSYCHOSOCIAL, FG.EDUCATION}),
        frozenset(
            {
                "returnees.view_returnee",
                "rehabilitation.record_progress",
                "rehabilitation.change_plangoal",
            }
        ),
    ),
    Role.LEGAL_OFFICER: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.LEGAL}),
        frozenset(
            {
                "returnees.view_returnee",
                "returnees.record_legal",
                "rehabilitation.view_legalproceeding",
            }
        ),
    ),
    Role.PROGRAMME_MANAGER: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.CONTACT, FG.FAMILY, FG.VERIFICATION, FG.EDUCATION, FG.LEGAL}),
        frozenset(
            {
                "returnees.view_returnee",
                "operations.view_operation",
                "operations.manage_operation",
                "rehabilitation.override_capacity",
                "returnees.open_sealed",
                "rehabilitation.view_legalproceeding",
                "reporting.view_aggregates",
                "reporting.sign_off_report",
            }
        ),
    ),
    Role.MINISTRY_OFFICIAL: RoleGrant(
        Scope.NONE, frozenset(), frozenset({"reporting.view_aggregates"})
    ),
    # A partner's field groups and scope come from its data-sharing agreements.
    Role.PARTNER_AGENCY: RoleGrant(
        Scope.AGREEMENT, frozenset(), frozenset({"returnees.view_returnee"})
    ),
    Role.AUDITOR: RoleGrant(Scope.NONE, frozenset(), frozenset({"audit.view_auditevent"})),
    # Full scope means every person, not every field group: medical, psychosocial and legal
    # records stay with their professions (a ministry of health's system needs an agreement
    # that says so). Registers people, corrects the registry's fields, requests reports.
    Role.INTEGRATION: RoleGrant(
        Scope.ALL,
        frozenset({FG.IDENTITY, FG.CONTACT, FG.FAMILY, FG.VERIFICATION, FG.EDUCATION}),
        frozenset(
            {
                "returnees.view_returnee",
                "returnees.add_returnee",
                "returnees.change_returnee",
                "operations.view_operation",
                "reporting.view_aggregates",
            }
        ),
    ),
}

# Permissions that encode scope and field groups, attached to the User model's content type.
SCOPE_PERMISSIONS = [(f"scope_{s.value}", f"Scope: {s.label}") for s in Scope]
FIELD_GROUP_PERMISSIONS = [(f"fieldgroup_{g.value}", f"Field group: {g.label}") for g in FieldGroup]


def role_permission_names(role: Role) -> set[str]:
    """Every permission the group for `role` must hold, as "app_label.codename"."""
    grant = ROLE_GRANTS[role]
    names = set(grant.permissions)
    names.add(f"accounts.scope_{grant.scope.value}")
    names.update(f"accounts.fieldgroup_{group.value}" for group in grant.field_groups)
    return names
