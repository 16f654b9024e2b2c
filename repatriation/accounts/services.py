"""Writes for accounts: roles, users, staff rosters and agreement grants. Each is audited."""

import hashlib
import ipaddress
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record

from .models import ApiClient, DataSharingAgreement, IdempotencyKey, Organisation, User
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


IDEMPOTENCY_KEY_HOURS = 24


def idempotency_keys_expire() -> int:
    """A partner retries within minutes; a day later the same key may start anew."""
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=IDEMPOTENCY_KEY_HOURS)
    ).delete()
    return deleted


API_TOKEN_PREFIX = "rpk"  # noqa: S105 - marks a token, is not one


def api_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *,
    actor,
    organisation: Organisation,
    agreement: DataSharingAgreement | None,
    name: str,
    days: int = 365,
    allowed_addresses: list[str] = (),
) -> tuple[ApiClient, str]:
    """A new API client and its token, which is returned once and stored only hashed.

    With an agreement, the client acts as a service account of the partner-agency role
    granted the agreement, so the policy scopes it exactly as it scopes the partner's staff.
    Without one it is a ministry integration client: the integration role, full scope."""
    if agreement is not None and agreement.organisation_id != organisation.pk:
        raise ValidationError({"agreement": "The agreement belongs to another organisation."})
    if agreement is not None and allowed_addresses:
        raise ValidationError(
            {"allowed_addresses": "A partner's client follows its agreement's addresses."}
        )
    for entry in allowed_addresses:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValidationError(
                {"allowed_addresses": f"{entry!r} is not an IP address or CIDR network."}
            ) from None
    if not 1 <= days <= 3 * 365:
        raise ValidationError({"days": "A token lives from 1 day to 3 years."})
    prefix = secrets.token_hex(4)
    token = f"{API_TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    account = User(
        username=f"api-{prefix}",
        organisation=organisation,
        first_name=name[:150],
        last_name="(API)",
    )
    account.set_unusable_password()  # signs in only with the token, never on the pages
    account.save()
    role = Role.PARTNER_AGENCY if agreement is not None else Role.INTEGRATION
    account.groups.set(Group.objects.filter(name=role.value))
    if agreement is not None:
        assign_perm("accounts.use_agreement", account, agreement)
    client = ApiClient.objects.create(
        name=name,
        organisation=organisation,
        agreement=agreement,
        account=account,
        token_prefix=prefix,
        token_hash=api_token_hash(token),
        allowed_addresses=list(allowed_addresses),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=client,
        username="system",
        changes={
            "agreement": [None, agreement.pk if agreement else "full scope"],
            "expires_at": [None, client.expires_at.isoformat()],
        },
    )
    return client, token


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        client.account.is_active = False
        client.account.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            kind=AuditKind.UPDATE,
            record=client,
            username="system",
            changes={"revoked_at": [None, client.revoked_at.isoformat()]},
        )
    return client


def two_factor_reset(*, actor, user: User, request=None) -> int:
    """A user who lost their authenticator: their devices are removed and their sessions
    ended, so that only someone who signs in again with their password sets up the new one
    (the two-factor page does so for a user with none). Nobody resets their own: a stolen
    session could otherwise take over the account's second factor. Returns how many
    devices were removed."""
    from django.contrib.auth import SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot reset your own two-factor authentication."))
    with transaction.atomic():
        removed = sum(
            model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice)
        )
        # Sessions are rows without an index by user: the live ones (a 30-minute idle
        # timeout keeps them few) are read to find the user's.
        theirs = [
            session.session_key
            for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if session.get_decoded().get(SESSION_KEY) == str(user.pk)
        ]
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in theirs:  # through the engine: a cached session leaves the cache too
            store(session_key=key).delete()
        audit_record(
            actor=actor,
            kind=AuditKind.UPDATE,
            record=user,
            request=request,
            changes={"two_factor_devices": [removed, 0], "sessions": [len(theirs), 0]},
            detail="two-factor reset",
        )
    return removed
