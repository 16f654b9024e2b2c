"""Writes for accounts: roles, users, staff rosters and agreement grants. Each is audited."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record

from .models import DataSharingAgreement, Organisation, User
from .roles import FIELD_GROUP_PERMISSIONS, SCOPE_PERMISSIONS, Role, role_permission_names


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_sync() -> list[str]:
    """Make every role's group hold exactly the permissions declared in roles.py.

    Returns the declared permissions that do not exist (yet): empty once all apps migrated.
    """
    # Custom permissions of the User model exist before its first migration ends.
    user_type = ContentType.objects.get_for_model(User)
    for codename, name in SCOPE_PERMISSIONS + FIELD_GROUP_PERMISSIONS:
        Permission.objects.get_or_create(
            content_type=user_type, codename=codename, defaults={"name": name}
        )
    missing = set()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for name in sorted(role_permission_names(role)):
            try:
                wanted.append(_permission(name))
            except Permission.DoesNotExist:
                missing.add(name)
        group.permissions.set(wanted)
    return sorted(missing)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    organisation: Organisation,
    roles: list[Role],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    discipline: str = "",
) -> User:
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        discipline=discipline,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=user,
        changes={
            "username": [None, username],
            "organisation": [None, organisation.pk],
            "roles": [None, sorted(r.value for r in roles)],
        },
    )
    return user


@transaction.atomic
def centre_staff_set(*, actor, centre, users) -> None:
    """Replace the centre's staff roster; the roster is a guardian grant on the centre."""
    from rehabilitation.models import CentreUserGrant

    current = set(
        CentreUserGrant.objects.filter(
            content_object=centre, permission__codename="work_at_centre"
        ).values_list("user_id", flat=True)
    )
    wanted = {user.pk for user in users}
    for user in users:
        if user.pk not in current:
            assign_perm("rehabilitation.work_at_centre", user, centre)
    for user in User.objects.filter(pk__in=current - wanted):
        remove_perm("rehabilitation.work_at_centre", user, centre)
    if current != wanted:
        audit_record(
            actor=actor,
            kind=AuditKind.GRANT,
            record=centre,
            changes={"staff": [sorted(current), sorted(wanted)]},
        )


@transaction.atomic
def agreement_grant(*, actor, agreement: DataSharingAgreement, user: User) -> None:
    assign_perm("accounts.use_agreement", user, agreement)
    audit_record(
        actor=actor,
        kind=AuditKind.GRANT,
        record=agreement,
        changes={"users": [None, [str(user.pk)]]},
        detail="use_agreement",
    )


def sessions_clear_expired() -> int:
    """Remove server-side sessions past their expiry; returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
