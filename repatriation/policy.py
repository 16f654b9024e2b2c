"""The access policy: the one place that decides who sees whom, which fields, and what they may do.

Pages, API, exports, reports and tasks all ask these functions; nothing else decides access.

- Scope (which people) comes from the user's role: everyone, the people placed at the user's
  own centres (a join through the centre's staff roster, a django-guardian object grant), the
  people within the user's data-sharing agreements, or nobody.
- Field groups come from the role, or for partner staff from their agreements.
- Object grants exist only on scope-defining objects (centre, data-sharing agreement), never one
  row per person, so a scope check is a join whatever the size of the registry.

Superuser flags are deliberately ignored: access comes from roles alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from rehabilitation.models import (
    SESSION_DISCIPLINES,
    Centre,
    CentreGroupGrant,
    CentreUserGrant,
    Placement,
)
from repatriation.accounts.models import (
    AgreementGroupGrant,
    AgreementUserGrant,
    DataSharingAgreement,
)
from repatriation.accounts.roles import FieldGroup, Role, Scope
from repatriation.lookups import Ids
from returnees.models import Returnee


class Action(StrEnum):
    VIEW = "view"
    REGISTER = "register"
    EDIT = "edit"
    CHANGE_STATUS = "change_status"
    DECIDE_VERIFICATION = "decide_verification"
    RECORD_MEDICAL = "record_medical"
    RECORD_LEGAL = "record_legal"
    RECORD_PROGRESS = "record_progress"
    DOWNLOAD_DOCUMENT = "download_document"
    VIEW_MEDICAL = "view_medical"
    VIEW_OPERATIONS = "view_operations"
    MANAGE_OPERATIONS = "manage_operations"
    EDIT_PLAN = "edit_plan"
    VIEW_EDUCATION = "view_education"
    VIEW_PSYCHOSOCIAL = "view_psychosocial"
    VIEW_LEGAL = "view_legal"
    VIEW_REINTEGRATION = "view_reintegration"
    EDIT_REINTEGRATION = "edit_reintegration"
    OPEN_SEALED = "open_sealed"
    OVERRIDE_CAPACITY = "override_capacity"
    VIEW_AUDIT = "view_audit"
    VIEW_AGGREGATES = "view_aggregates"
    SIGN_OFF_REPORT = "sign_off_report"
    ADMINISTER = "administer"


# Each action on a person needs this permission (from the user's role) and the person in scope.
_PERSON_ACTIONS: dict[Action, str] = {
    Action.VIEW: "returnees.view_returnee",
    Action.EDIT: "returnees.change_returnee",
    Action.CHANGE_STATUS: "returnees.change_status",
    Action.DECIDE_VERIFICATION: "returnees.decide_verification",
    Action.RECORD_MEDICAL: "returnees.record_medical",
    Action.RECORD_LEGAL: "returnees.record_legal",
    Action.RECORD_PROGRESS: "rehabilitation.record_progress",
    Action.DOWNLOAD_DOCUMENT: "returnees.view_returnee",
    Action.VIEW_MEDICAL: "returnees.view_returnee",
    Action.EDIT_PLAN: "rehabilitation.change_plangoal",
    Action.VIEW_EDUCATION: "returnees.view_returnee",
    Action.VIEW_PSYCHOSOCIAL: "returnees.view_returnee",
    # Legal proceedings: legal officers and programme managers only, whatever a data-sharing
    # agreement lists.
    Action.VIEW_LEGAL: "rehabilitation.view_legalproceeding",
    Action.VIEW_REINTEGRATION: "returnees.view_returnee",
    Action.EDIT_REINTEGRATION: "rehabilitation.change_reintegrationplan",
}
# Person actions that also need a field group.
_PERSON_ACTION_FIELD_GROUPS: dict[Action, FieldGroup] = {
    Action.VIEW: FieldGroup.IDENTITY,
    Action.DOWNLOAD_DOCUMENT: FieldGroup.VERIFICATION,
    Action.VIEW_MEDICAL: FieldGroup.MEDICAL,
    Action.RECORD_MEDICAL: FieldGroup.MEDICAL,
    Action.VIEW_EDUCATION: FieldGroup.EDUCATION,
    Action.RECORD_PROGRESS: FieldGroup.PSYCHOSOCIAL,
    Action.VIEW_PSYCHOSOCIAL: FieldGroup.PSYCHOSOCIAL,
    Action.VIEW_LEGAL: FieldGroup.LEGAL,
    Action.RECORD_LEGAL: FieldGroup.LEGAL,
    Action.VIEW_REINTEGRATION: FieldGroup.FAMILY,
    Action.EDIT_REINTEGRATION: FieldGroup.FAMILY,
}
# What may be done with a sealed record once opened: reading only.
_READ_ACTIONS = {
    Action.VIEW,
    Action.DOWNLOAD_DOCUMENT,
    Action.VIEW_MEDICAL,
    Action.VIEW_EDUCATION,
    Action.VIEW_PSYCHOSOCIAL,
    Action.VIEW_LEGAL,
    Action.VIEW_REINTEGRATION,
}
# Actions that concern no particular person.
_GLOBAL_ACTIONS: dict[Action, str] = {
    Action.REGISTER: "returnees.add_returnee",
    Action.VIEW_AUDIT: "audit.view_auditevent",
    Action.VIEW_AGGREGATES: "reporting.view_aggregates",
    Action.SIGN_OFF_REPORT: "reporting.sign_off_report",
    Action.OVERRIDE_CAPACITY: "rehabilitation.override_capacity",
    Action.ADMINISTER: "accounts.change_user",
    Action.VIEW_OPERATIONS: "operations.view_operation",
    Action.MANAGE_OPERATIONS: "operations.manage_operation",
    Action.OPEN_SEALED: "returnees.open_sealed",
}

# Order matters: the widest scope a user holds wins.
_SCOPE_ORDER = (Scope.ALL, Scope.AGREEMENT, Scope.CENTRE, Scope.NONE)


@dataclass(frozen=True)
class Grants:
    """Everything the policy knows about one user, read once per request."""

    permissions: frozenset[str]
    roles: frozenset[Role]
    scope: Scope
    field_groups: frozenset[FieldGroup]
    # For partner staff: each valid agreement and the field groups it lets them read, and write.
    agreement_groups: dict[int, frozenset[FieldGroup]]
    agreement_write_groups: dict[int, frozenset[FieldGroup]] = dc_field(default_factory=dict)

    @property
    def agreement_ids(self) -> frozenset[int]:
        return frozenset(self.agreement_groups)


def _role_permissions(user) -> tuple[frozenset[str], frozenset[Role]]:
    """The user's roles (groups) and their permissions, in one query on every request."""
    from django.contrib.auth.models import Group

    rows = Group.objects.filter(user=user).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    roles, perms = set(), set()
    for name, app_label, codename in rows:
        if name in Role.values:
            roles.add(Role(name))
        if codename:
            perms.add(f"{app_label}.{codename}")
    return frozenset(perms), frozenset(roles)


def _active_agreements(user) -> QuerySet[DataSharingAgreement]:
    today = timezone.localdate()
    granted = Q(
        Exists(
            AgreementUserGrant.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename="use_agreement"
            )
        )
    ) | Q(
        Exists(
            AgreementGroupGrant.objects.filter(
                content_object=OuterRef("pk"),
                group__user=user,
                permission__codename="use_agreement",
            )
        )
    )
    return DataSharingAgreement.objects.filter(
        granted, valid_from__lte=today, valid_until__gte=today
    )


def _known_groups(names) -> frozenset[FieldGroup]:
    return frozenset(FieldGroup(g) for g in names or [] if g in FieldGroup.values)


def grants_for(user) -> Grants:
    """The user's grants, cached on the user object for the length of the request."""
    cached = getattr(user, "_policy_grants", None)
    if cached is not None:
        return cached
    if not (user and user.is_authenticated and user.is_active):
        grants = Grants(frozenset(), frozenset(), Scope.NONE, frozenset(), {}, {})
    else:
        perms, roles = _role_permissions(user)
        scope = next((s for s in _SCOPE_ORDER if f"accounts.scope_{s.value}" in perms), Scope.NONE)
        groups = {
            FieldGroup(p.split("_", 1)[1]) for p in perms if p.startswith("accounts.fieldgroup_")
        }
        agreement_groups: dict[int, frozenset[FieldGroup]] = {}
        write_groups: dict[int, frozenset[FieldGroup]] = {}
        if scope == Scope.AGREEMENT:
            for pk, read, write in _active_agreements(user).values_list(
                "pk", "read_field_groups", "write_field_groups"
            ):
                agreement_groups[pk] = _known_groups(read)
                # Writable only where also readable, whatever the agreement row says.
                write_groups[pk] = _known_groups(write) & agreement_groups[pk]
                groups.update(agreement_groups[pk])
        grants = Grants(perms, roles, scope, frozenset(groups), agreement_groups, write_groups)
    if user is not None:
        user._policy_grants = grants
    return grants


def has_role(user, role: Role) -> bool:
    return role in grants_for(user).roles


def field_groups_for(user, returnee: Returnee | None = None) -> frozenset[FieldGroup]:
    """The field groups the user may see; of one person, when given.

    A partner's groups differ by person: only the agreements that cover that person count.
    """
    if returnee is None:
        return grants_for(user).field_groups
    return field_groups_for_many(user, [returnee])[returnee.pk]


def _covering_agreements(grants: Grants, ids: list[int]) -> dict[int, set[int]]:
    """For a partner: which of its valid agreements cover each person (a current placement at
    an agreement's centre, or a place on an agreement's operation), in two queries."""
    covering: dict[int, set[int]] = {pk: set() for pk in ids}
    for person_id, agreement_id in DataSharingAgreement.centres.through.objects.filter(
        datasharingagreement_id__in=grants.agreement_ids,
        centre__placements__returnee_id__in=ids,
        centre__placements__ended_on__isnull=True,
    ).values_list("centre__placements__returnee_id", "datasharingagreement_id"):
        covering[person_id].add(agreement_id)
    for person_id, agreement_id in DataSharingAgreement.operations.through.objects.filter(
        datasharingagreement_id__in=grants.agreement_ids,
        operation__manifest__returnee_id__in=ids,
    ).values_list("operation__manifest__returnee_id", "datasharingagreement_id"):
        covering[person_id].add(agreement_id)
    return covering


def field_groups_for_many(user, people) -> dict[int, frozenset[FieldGroup]]:
    """`field_groups_for` of each of `people`, in two queries whatever their number.

    A partner's answer for a person is kept for the request (the user object is the
    request's): the access check and the serializer ask the same. `request_memo_forget`
    drops it after a write that may have moved someone."""
    grants = grants_for(user)
    ids = [p.pk for p in people]
    if grants.scope != Scope.AGREEMENT:
        return dict.fromkeys(ids, grants.field_groups)
    known = user.__dict__.setdefault("_policy_field_groups", {})
    missing = [pk for pk in ids if pk not in known]
    if missing:
        for pk, agreements in _covering_agreements(grants, missing).items():
            known[pk] = frozenset().union(*(grants.agreement_groups[a] for a in agreements))
    return {pk: known[pk] for pk in ids}


def field_groups_for_listed(user, people) -> dict[int, frozenset[FieldGroup]]:
    """`field_groups_for_many` of people a list has just read through
    `returnees_visible_to(user)`, and only of those: a partner with one valid agreement
    sees every one of them through it, so that agreement's groups are theirs, and the two
    queries asking which agreement covers whom are not needed (a page of the API's list)."""
    grants = grants_for(user)
    if grants.scope == Scope.AGREEMENT and len(grants.agreement_groups) == 1:
        (groups,) = grants.agreement_groups.values()
        return {p.pk: groups for p in people}
    return field_groups_for_many(user, people)


def request_memo_forget(user) -> None:
    """Forget what this request learnt of the user's reach (who is in scope, a partner's
    groups per person): after a write, what is answered is decided afresh."""
    for memo in ("_policy_in_scope", "_policy_field_groups", "_policy_resident_ids"):
        user.__dict__.pop(memo, None)


# Which permission lets staff write each field group; a partner writes the groups its
# covering agreements list as writable instead.
_WRITE_PERMISSIONS: dict[FieldGroup, str] = {
    FieldGroup.IDENTITY: "returnees.change_returnee",
    FieldGroup.CONTACT: "returnees.change_returnee",
    FieldGroup.FAMILY: "returnees.change_returnee",
    FieldGroup.VERIFICATION: "returnees.change_returnee",  # the claim; decisions are pages only
    FieldGroup.MEDICAL: "returnees.record_medical",
    FieldGroup.PSYCHOSOCIAL: "rehabilitation.record_progress",
    FieldGroup.EDUCATION: "rehabilitation.record_progress",
    FieldGroup.LEGAL: "returnees.record_legal",
}


def _role_write_groups(grants: Grants) -> frozenset[FieldGroup]:
    return frozenset(
        group
        for group, permission in _WRITE_PERMISSIONS.items()
        if permission in grants.permissions and group in grants.field_groups
    )


def writable_groups_for_registration(user) -> frozenset[FieldGroup]:
    """The field groups a user registering a new person may fill in (none without the right
    to register: a partner's agreement covers people already placed or on a wave)."""
    grants = grants_for(user)
    if not can(user, Action.REGISTER) or grants.scope != Scope.ALL:
        return frozenset()
    return _role_write_groups(grants)


def writable_groups_for_many(user, people) -> dict[int, frozenset[FieldGroup]]:
    """The field groups the user may write on each of `people` (who must already be in the
    user's scope): none on a sealed record."""
    grants = grants_for(user)
    ids = [p.pk for p in people]
    if grants.scope == Scope.AGREEMENT:
        groups = {
            pk: frozenset().union(*(grants.agreement_write_groups[a] for a in agreements))
            for pk, agreements in _covering_agreements(grants, ids).items()
        }
    else:
        groups = dict.fromkeys(ids, _role_write_groups(grants))
    for person in people:
        if person.sealed_at:
            groups[person.pk] = frozenset()
    return groups


def may_see_field_group(user, group: FieldGroup) -> bool:
    return group in grants_for(user).field_groups


def sees_personal_data(user) -> bool:
    """Anyone who can reach a person's record or the audit trail (which names people)."""
    grants = grants_for(user)
    return grants.scope != Scope.NONE or "audit.view_auditevent" in grants.permissions


def user_centres(user) -> QuerySet[Centre]:
    """Centres on whose staff roster the user stands (directly or through a group)."""
    by_user = CentreUserGrant.objects.filter(
        user=user, permission__codename="work_at_centre"
    ).values("content_object_id")
    by_group = CentreGroupGrant.objects.filter(
        group__user=user, permission__codename="work_at_centre"
    ).values("content_object_id")
    return Centre.objects.filter(Q(pk__in=by_user) | Q(pk__in=by_group))


def _seal_filter(user, sealed: str) -> Q:
    """Sealed records are hidden ("hidden"), except those this user opened with a justification
    that has not yet expired ("opened"), or all of them ("all", to find one to open)."""
    if sealed == "all":
        return Q()
    unsealed = Q(sealed_at__isnull=True)
    if sealed == "opened" and "returnees.open_sealed" in grants_for(user).permissions:
        from rehabilitation.models import SealedRecordAccess

        opened = SealedRecordAccess.objects.filter(user=user, expires_at__gt=timezone.now()).values(
            "returnee_id"
        )
        return unsealed | Q(pk__in=opened)
    return unsealed


def _agreement_reach(user, agreements: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """The centres and operations of these agreements, read once per request."""
    cache = user.__dict__.setdefault("_policy_agreement_reach", {})
    if agreements not in cache:
        centres = DataSharingAgreement.centres.through.objects.filter(
            datasharingagreement_id__in=agreements
        ).values_list(Value("centre"), "centre_id")
        operations = DataSharingAgreement.operations.through.objects.filter(
            datasharingagreement_id__in=agreements
        ).values_list(Value("operation"), "operation_id")
        rows = list(centres.union(operations, all=True))  # one query for both
        cache[agreements] = (
            [pk for kind, pk in rows if kind == "centre"],
            [pk for kind, pk in rows if kind == "operation"],
        )
    return cache[agreements]


def _per_request(user, name: str, read: Callable[[], list]) -> list:
    """`read()` once per request: kept on the user object, which is the request's."""
    if name not in user.__dict__:
        user.__dict__[name] = read()
    return user.__dict__[name]


def centres_of(user) -> list[Centre]:
    """The user's centres by name; their ids are then known for the rest of the request."""
    centres = _per_request(
        user, "_policy_centres", lambda: list(user_centres(user).order_by("name"))
    )
    _per_request(user, "_policy_centre_ids", lambda: [centre.pk for centre in centres])
    return centres


def _user_centre_ids(user) -> list[int]:
    """The user's centres, read once per request."""
    return _per_request(
        user, "_policy_centre_ids", lambda: list(user_centres(user).values_list("pk", flat=True))
    )


def resident_ids(user) -> list[int]:
    """Ids of the people placed now at the user's centres, read once per request (one
    index-only query): lists filter by them rather than by a subquery the planner may turn
    into a walk of the whole registry."""
    return _per_request(
        user,
        "_policy_resident_ids",
        lambda: list(
            Placement.objects.filter(
                ended_on__isnull=True, centre__in=_user_centre_ids(user)
            ).values_list("returnee_id", flat=True)
        ),
    )


def returnees_visible_to(
    user,
    field_group: FieldGroup = FieldGroup.IDENTITY,
    *,
    sealed: str = "hidden",
    residents_first: bool = False,
) -> QuerySet[Returnee]:
    """Every selector of personal records starts here.

    `field_group` is what the caller will show: a partner reaches only the people whose
    covering agreement grants it. Pages always show identity. Sealed records are left out of
    lists and search; one record's page asks for `sealed="opened"`.

    `residents_first`, for lists in id order: a centre's staff get their residents' ids read
    first (one index-only query) and the list filters by them. With a subquery instead, the
    planner walks the whole registry down from the newest person to the centre's, who at a
    large deployment are far from the newest (a million people: 325 ms for the first page).
    """
    grants = grants_for(user)
    people = Returnee.objects.filter(_seal_filter(user, sealed))
    if not _may_list(grants, field_group):
        return people.none()
    if grants.scope == Scope.ALL:
        return people
    if grants.scope == Scope.CENTRE:
        # The user's centres are read first, as ids (as for agreements below): the planner
        # then knows how few people they hold and reads those centres' placements from their
        # index (the class attendance sheet: 560 ms down to 50 at a million people).
        if residents_first:
            return people.filter(pk__one_of=Ids(resident_ids(user)))
        placed_here = Placement.objects.filter(
            returnee=OuterRef("pk"), ended_on__isnull=True, centre__in=_user_centre_ids(user)
        )
        return people.filter(Exists(placed_here))
    granting = [pk for pk, groups in grants.agreement_groups.items() if field_group in groups]
    if grants.scope == Scope.AGREEMENT and granting:
        from repatriation.operations.models import ManifestEntry

        # The agreements' centres and operations are read first, as ids: the planner then
        # reads only those centres' placements from their index, where a subquery had it
        # scan every current placement (a 100-person page: 16 ms down to 6 at 100,000 people).
        centres, operations = _agreement_reach(user, tuple(sorted(granting)))
        placed = Placement.objects.filter(
            returnee=OuterRef("pk"), ended_on__isnull=True, centre__in=centres
        )
        on_manifest = ManifestEntry.objects.filter(
            returnee=OuterRef("pk"), operation__in=operations
        )
        return people.filter(Exists(placed) | Exists(on_manifest))
    return people.none()


def _may_list(grants: Grants, field_group: FieldGroup) -> bool:
    return "returnees.view_returnee" in grants.permissions and field_group in grants.field_groups


def residents_visible_to(user, centre: Centre, **placement) -> QuerySet[Returnee]:
    """People placed now at `centre` (with `placement`'s further conditions on that same
    placement) whom the user may see with identity; sealed records are left out.

    For the centre's own staff that placement is their whole scope: the scope's subquery
    would only read the centre's placements a second time (a hash of 2,800 residents, some
    2 ms, in each of My centre's lists at a million people)."""
    placed = {
        "placements__centre": centre,
        "placements__ended_on__isnull": True,
        **{f"placements__{key}": value for key, value in placement.items()},
    }
    grants = grants_for(user)
    if grants.scope == Scope.CENTRE and centre.pk in _user_centre_ids(user):
        people = Returnee.objects.filter(_seal_filter(user, "hidden"))
        if not _may_list(grants, FieldGroup.IDENTITY):
            return people.none()
        return people.filter(**placed)
    return returnees_visible_to(user).filter(**placed)


def can(user, action: Action, record: Returnee | None = None) -> bool:
    """May `user` do `action`, on `record` when the action concerns a person?"""
    grants = grants_for(user)
    if action in _GLOBAL_ACTIONS:
        return _GLOBAL_ACTIONS[action] in grants.permissions
    needed = _PERSON_ACTIONS[action]
    if needed not in grants.permissions:
        return False
    group = _PERSON_ACTION_FIELD_GROUPS.get(action)
    if group is not None and group not in grants.field_groups:
        return False
    if record is None:
        return True
    if record.sealed_at and action not in _READ_ACTIONS:
        return False  # an opened sealed record is read, never changed
    # Whether the person is in scope is asked once per request (the user object is the
    # request's), however many sections of the page ask.
    in_scope = user.__dict__.setdefault("_policy_in_scope", {})
    if record.pk not in in_scope:
        in_scope[record.pk] = (
            returnees_visible_to(user, sealed="opened").filter(pk=record.pk).exists()
        )
    if not in_scope[record.pk]:
        return False
    return group is None or group in field_groups_for(user, record)


def returnee_get_for_user(
    user,
    pk,
    action: Action = Action.VIEW,
    *,
    with_related: Callable[[QuerySet[Returnee]], QuerySet[Returnee]] | None = None,
) -> Returnee:
    """The one access helper for a person: 404 when out of scope or not allowed.

    A person outside the user's scope answers 404, not 403: whether someone is in the
    registry is itself sensitive. `with_related` adds what the caller will show (joins,
    prefetches) to the same query, so that the person is not read twice.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not can(user, action):
        raise Http404
    people = returnees_visible_to(user, sealed="opened").filter(pk=pk)
    returnee = (with_related(people) if with_related else people).first()
    if returnee is None or (returnee.sealed_at and action not in _READ_ACTIONS):
        raise Http404
    # Found through the scope query that `can` asks: the answer is known.
    user.__dict__.setdefault("_policy_in_scope", {})[returnee.pk] = True
    # Field groups can differ by person (partners): check the action on this very person.
    if action in _PERSON_ACTION_FIELD_GROUPS and not can(user, action, returnee):
        raise Http404
    return returnee


# Psychological and psychiatric notes are confidential to the discipline that wrote them, and
# legal-aid notes to lawyers (they hold what a client tells counsel).
CONFIDENTIAL_SESSION_KINDS = {"psychological", "psychiatric", "legal_aid"}


def may_read_session_notes(user, session) -> bool:
    """Notes of a session the user may see: confidential kinds only by their own discipline
    (the facilitator always); other kinds by anyone who sees the psychosocial group."""
    if not can(user, Action.VIEW_PSYCHOSOCIAL):
        return False
    if session.facilitator_id == user.pk:
        return True
    if session.kind not in CONFIDENTIAL_SESSION_KINDS:
        return True
    needed = SESSION_DISCIPLINES[session.kind]
    # Only staff of that discipline on the session's centre's roster: a discipline set on
    # anyone else's account opens nothing.
    return (
        getattr(user, "discipline", "") == needed
        and grants_for(user).scope == Scope.CENTRE
        and session.centre_id in _user_centre_ids(user)
    )


def sessions_visible_to(user):
    """Sessions with at least one participant the user may see, held at a centre in scope."""
    from rehabilitation.models import Session

    if not can(user, Action.VIEW_PSYCHOSOCIAL):
        return Session.objects.none()
    people = returnees_visible_to(user, FieldGroup.PSYCHOSOCIAL)
    sessions = Session.objects.filter(
        Exists(
            Session.participants.through.objects.filter(
                session_id=OuterRef("pk"), returnee__in=people
            )
        )
    )
    grants = grants_for(user)
    if grants.scope == Scope.CENTRE:
        sessions = sessions.filter(centre__in=_user_centre_ids(user))
    elif grants.scope == Scope.AGREEMENT:
        sessions = sessions.filter(centre__agreements__in=grants.agreement_ids).distinct()
    return sessions


def centres_visible_to(user) -> QuerySet[Centre]:
    """Centres the user may see listed: all for roles that see everyone, their own for centre
    staff, the agreement's for partners."""
    grants = grants_for(user)
    if "returnees.view_returnee" not in grants.permissions:
        return Centre.objects.none()
    if grants.scope == Scope.ALL:
        return Centre.objects.all()
    if grants.scope == Scope.CENTRE:
        return user_centres(user)
    if grants.scope == Scope.AGREEMENT:
        return Centre.objects.filter(agreements__in=grants.agreement_ids).distinct()
    return Centre.objects.none()


def operations_visible_to(user):
    """Operations the user may see: all for roles that view operations, the agreement's for
    partners, none for anyone else."""
    from repatriation.operations.models import Operation

    grants = grants_for(user)
    if "operations.view_operation" in grants.permissions and grants.scope == Scope.ALL:
        return Operation.objects.all()
    if grants.scope == Scope.AGREEMENT and "returnees.view_returnee" in grants.permissions:
        return Operation.objects.filter(agreements__in=grants.agreement_ids).distinct()
    return Operation.objects.none()


def report_runs_visible_to(user):
    """Report runs the user may see and download: every report for holders of the
    aggregates permission; a partner's staff and clients, their agreements' reports; centre
    staff, their centres'."""
    from reporting.models import ReportRun

    grants = grants_for(user)
    if can(user, Action.VIEW_AGGREGATES):
        return ReportRun.objects.all()
    if grants.scope == Scope.AGREEMENT and grants.agreement_ids:
        return ReportRun.objects.filter(
            audience=ReportRun.Audience.PARTNER, agreement_id__in=grants.agreement_ids
        )
    if grants.scope == Scope.CENTRE:
        return ReportRun.objects.filter(
            audience=ReportRun.Audience.CENTRE, centre__in=user_centres(user)
        )
    return ReportRun.objects.none()


def may_see_reports(user) -> bool:
    """Who has a reports page: the ministry's officials, partners' staff, centre staff."""
    grants = grants_for(user)
    return can(user, Action.VIEW_AGGREGATES) or (
        "returnees.view_returnee" in grants.permissions
        and (
            (grants.scope == Scope.AGREEMENT and bool(grants.agreement_ids))
            or grants.scope == Scope.CENTRE
        )
    )


def may_request_report(user, audience: str, agreement=None, centre=None) -> bool:
    """The ministry's officials ask for any report; a partner for its agreements' own, centre
    staff for their centres' own."""
    if can(user, Action.VIEW_AGGREGATES):
        return True
    grants = grants_for(user)
    if audience == "partner" and agreement is not None and grants.scope == Scope.AGREEMENT:
        return agreement.pk in grants.agreement_ids
    if audience == "centre" and centre is not None and grants.scope == Scope.CENTRE:
        return user_centres(user).filter(pk=centre.pk).exists()
    return False
