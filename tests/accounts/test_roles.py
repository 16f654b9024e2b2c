"""Roles are groups whose permissions are declared in code and kept in sync."""

from django.contrib.auth.models import Group
from django.core.management import call_command

from repatriation.accounts.roles import Role, role_permission_names
from repatriation.accounts.services import roles_sync


def _held(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_every_role_is_a_group_with_exactly_its_permissions(db):
    assert roles_sync() == []
    for role in Role:
        assert _held(Group.objects.get(name=role.value)) == role_permission_names(role)


def test_drift_is_repaired_by_the_command(db):
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.MINISTRY_OFFICIAL.value)
    group.permissions.add(Permission.objects.get(codename="view_returnee"))
    call_command("sync_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _held(group) == role_permission_names(Role.MINISTRY_OFFICIAL)
