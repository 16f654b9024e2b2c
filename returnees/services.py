"""Writes to the registry. Each takes the acting user and writes its audit event in the same
transaction; a validation failure raises before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rehabilitation.models import PlanDomain, PlanGoal, RehabilitationPlan
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_changes, audit_record

from . import names as name_keys
from .documents import document_prepare
from .models import (
    CaseEvent,
    CaseNumberCounter,
    CaseStatus,
    Document,
    DuplicateDecision,
    EvidenceItem,
    Guardianship,
    GuardianshipVisit,
    Household,
    IntakeAssessment,
    NationalityVerification,
    Relationship,
    RelativeAtHome,
    Returnee,
    ReturneeName,
    Sex,
    VerificationDecision,
)
from .workflow import StaleEdit

PARENT_KINDS = (Relationship.Kind.MOTHER, Relationship.Kind.FATHER)
EDITABLE_FIELDS = (
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "place_of_birth",
    "claimed_nationality",
    "is_unaccompanied",
    "is_separated",
    "is_orphan",
    "is_pregnant",
    "is_injured",
    "has_disability",
    "phone",
    "assigned_caseworker",
)


@dataclass
class PersonInput:
    """What registration needs to know about one person."""

    full_name: str
    sex: str
    date_of_birth: date
    date_of_birth_estimated: bool = False
    place_of_birth: str = ""
    claimed_nationality: str = "KZ"
    name_latin: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)
    flags: dict = field(default_factory=dict)
    phone: str = ""
    assigned_caseworker: object = None


@dataclass
class DuplicateFinding:
    candidate_id: int
    score: int
    same_person: bool
    reason: str


def case_number_next(*, prefix: str = "KZ", year: int | None = None) -> str:
    """The next number of the year, under a row lock: no gaps, no two alike.

    Must run inside the transaction that saves the person, so a rollback returns the number.
    """
    year = year or timezone.localdate().year
    CaseNumberCounter.objects.bulk_create(
        [CaseNumberCounter(prefix=prefix, year=year)], ignore_conflicts=True
    )
    # One locked UPDATE ... RETURNING (the row lock lasts to the end of the transaction).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE returnees_casenumbercounter SET last_value = last_value + 1 "
            "WHERE prefix = %s AND year = %s RETURNING last_value",
            [prefix, year],
        )
        last = cursor.fetchone()[0]
    return f"{prefix}-{year}-{last:06d}"


def _check_person(person: PersonInput) -> None:
    errors = {}
    if not person.full_name.strip():
        errors["full_name"] = _("Enter the name as recorded.")
    if person.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = _("The date of birth is in the future.")
    elif person.date_of_birth.year < 1900:
        errors["date_of_birth"] = _("The date of birth is before 1900.")
    if person.sex not in Sex.values:
        errors["sex"] = _("Choose female or male.")
    if errors:
        raise ValidationError(errors)


def name_row(returnee: Returnee, full_name: str, kind: str, primary: bool) -> ReturneeName:
    full_name = " ".join(full_name.split())[:200]
    return ReturneeName(
        returnee=returnee,
        full_name=full_name,
        script=name_keys.script_of(full_name),
        kind=kind,
        is_primary=primary,
        # Transliteration can lengthen a name; the keys only need to be long enough to match.
        search_key=name_keys.name_key(full_name)[:200],
        skeleton=name_keys.name_skeleton(full_name)[:200],
        sex=returnee.sex,
        date_of_birth=returnee.date_of_birth,
    )


@transaction.atomic
def returnee_register(
    *,
    actor,
    person: PersonInput,
    mother: Returnee | None = None,
    findings: list[DuplicateFinding] = (),
    household: Household | None = None,
    request=None,
) -> Returnee:
    """Register one person with their names, an open verification and, if given, their mother."""
    _check_person(person)
    if mother is not None:
        _check_parent(
            child_dob=person.date_of_birth,
            child_estimated=person.date_of_birth_estimated,
            parent=mother,
        )
    full_name = " ".join(person.full_name.split())
    latin = (
        person.name_latin.strip()
        or (
            full_name if name_keys.script_of(full_name) == "latn" else name_keys.latin_of(full_name)
        )
    )[:200]
    household = (
        household
        or (mother.household if mother else None)
        or Household.objects.create(reference=f"HH-{timezone.now():%Y%m%d%H%M%S%f}")
    )
    returnee = Returnee.objects.create(
        case_number=case_number_next(),
        primary_name=full_name,
        name_latin=latin,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        date_of_birth_estimated=person.date_of_birth_estimated,
        place_of_birth=person.place_of_birth.strip(),
        claimed_nationality=person.claimed_nationality,
        household=household,
        phone=person.phone.strip(),
        assigned_caseworker=person.assigned_caseworker,
        **person.flags,
    )
    rows = [name_row(returnee, full_name, ReturneeName.Kind.NAME, True)]
    if latin != full_name:
        rows.append(name_row(returnee, latin, ReturneeName.Kind.NAME, False))
    rows += [
        name_row(returnee, alias, kind, False) for alias, kind in person.aliases if alias.strip()
    ]
    ReturneeName.objects.bulk_create(rows)
    NationalityVerification.objects.create(
        returnee=returnee, claimed_nationality=person.claimed_nationality
    )
    CaseEvent.objects.create(
        returnee=returnee, kind=CaseEvent.Kind.REGISTERED, actor=actor, to_status=returnee.status
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=returnee,
        request=request,
        changes={
            "case_number": [None, returnee.case_number],
            "name": [None, full_name],
            "date_of_birth": [None, str(person.date_of_birth)],
        },
    )
    for finding in findings:
        duplicate_decide(actor=actor, returnee=returnee, finding=finding)
    if mother is not None:
        parent_link(actor=actor, child=returnee, parent=mother)
    return returnee


@transaction.atomic
def family_register(
    *,
    actor,
    mother: PersonInput,
    children: list[PersonInput],
    findings: dict[int, list[DuplicateFinding]] | None = None,
    existing: dict[int, Returnee] | None = None,
    request=None,
) -> list[Returnee]:
    """A mother and her children in one go: all saved, or none.

    By position (0 the mother, 1.. the children): `findings` holds the duplicate decisions
    "not the same person"; `existing` the people found to be registered already, who are not
    registered again: the new spelling is kept as an alias and they are linked to the family.
    """
    findings, existing = findings or {}, existing or {}

    def resolve(index: int, person: PersonInput, mother_record: Returnee | None) -> Returnee:
        record = existing.get(index)
        if record is None:
            return returnee_register(
                actor=actor,
                person=person,
                mother=mother_record,
                findings=findings.get(index, ()),
                request=request,
            )
        spelling = " ".join(person.full_name.split())
        if not record.names.filter(full_name=spelling).exists():
            name_add(
                actor=actor, returnee=record, full_name=spelling, kind=ReturneeName.Kind.CAMP_LIST
            )
        if (
            mother_record is not None
            and not Relationship.objects.filter(person=record, relative=mother_record).exists()
        ):
            parent_link(actor=actor, child=record, parent=mother_record)
        return record

    registered = [resolve(0, mother, None)]
    for index, child in enumerate(children, start=1):
        registered.append(resolve(index, child, registered[0]))
    return registered


def duplicate_decide(*, actor, returnee: Returnee, finding: DuplicateFinding) -> DuplicateDecision:
    if not finding.reason.strip():
        raise ValidationError({"reason": _("Say why these are, or are not, the same person.")})
    decision = DuplicateDecision.objects.create(
        returnee=returnee,
        candidate_id=finding.candidate_id,
        same_person=finding.same_person,
        score=finding.score,
        reason=finding.reason.strip(),
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=decision,
        changes={
            "candidate": [None, finding.candidate_id],
            "same_person": [None, finding.same_person],
        },
    )
    return decision


@transaction.atomic
def returnee_update(
    *, actor, returnee_id: int, version: int, values: dict, request=None
) -> Returnee:
    """Save the edited identity fields, refusing a stale version (no lost update)."""
    returnee = Returnee.objects.select_for_update().get(pk=returnee_id)
    if returnee.version != version:
        raise StaleEdit(returnee)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be edited here.") for name in unknown})
    before = {name: getattr(returnee, name) for name in values}
    if values.get("date_of_birth") and values["date_of_birth"] > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
    for name, value in values.items():
        setattr(returnee, name, value)
    if "date_of_birth" in values:
        for parent in Returnee.objects.filter(
            pk__in=returnee.relationships.filter(kind__in=PARENT_KINDS).values("relative")
        ):
            _check_parent(
                child_dob=returnee.date_of_birth,
                child_estimated=returnee.date_of_birth_estimated,
                parent=parent,
            )
        # And as a parent: every child must still be at least 10 years younger.
        for child in Returnee.objects.filter(
            pk__in=returnee.relationships.filter(kind=Relationship.Kind.CHILD).values("relative")
        ):
            _check_parent(
                child_dob=child.date_of_birth,
                child_estimated=child.date_of_birth_estimated,
                parent=returnee,
            )
    changes = audit_changes(before=before, after=values)
    if not changes:
        return returnee
    returnee.version += 1
    returnee.save()
    if {"sex", "date_of_birth"} & set(changes):
        returnee.names.update(sex=returnee.sex, date_of_birth=returnee.date_of_birth)
    audit_record(
        actor=actor, kind=AuditKind.UPDATE, record=returnee, changes=changes, request=request
    )
    return returnee


@transaction.atomic
def name_add(
    *, actor, returnee: Returnee, full_name: str, kind: str, primary: bool = False
) -> ReturneeName:
    if not full_name.strip():
        raise ValidationError({"full_name": _("Enter the name as recorded.")})
    if kind not in ReturneeName.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of name.")})
    returnee = Returnee.objects.select_for_update().get(pk=returnee.pk)
    if primary:
        returnee.names.filter(is_primary=True).update(is_primary=False)
    row = name_row(returnee, full_name, kind, primary)
    row.save()
    if primary:
        before = returnee.primary_name
        returnee.primary_name = row.full_name
        returnee.version += 1
        returnee.save(update_fields=["primary_name", "version", "updated_at"])
        audit_record(
            actor=actor,
            kind=AuditKind.UPDATE,
            record=returnee,
            changes={"primary_name": [before, row.full_name]},
        )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=row,
        changes={"name": [None, row.full_name], "kind": [None, kind]},
    )
    return row


def _years_between(earlier: date, later: date) -> float:
    return (later - earlier).days / 365.25


def _check_parent(*, child_dob: date, child_estimated: bool, parent: Returnee) -> list[str]:
    """A parent must be at least 10 years older; with an estimated date this is a warning."""
    gap = _years_between(parent.date_of_birth, child_dob)
    if gap >= 10:
        return []
    message = _(
        "%(parent)s would be %(years).0f years older than the child; a parent is at "
        "least 10 years older."
    ) % {"parent": parent.primary_name, "years": gap}
    if child_estimated or parent.date_of_birth_estimated:
        return [message + " " + _("A date of birth is estimated, so this is only a warning.")]
    raise ValidationError({"date_of_birth": message})


def _ancestors(person_id: int) -> set[int]:
    seen, frontier = set(), {person_id}
    while frontier:
        parents = set(
            Relationship.objects.filter(person_id__in=frontier, kind__in=PARENT_KINDS).values_list(
                "relative_id", flat=True
            )
        )
        frontier = parents - seen
        seen |= parents
    return seen


@transaction.atomic
def parent_link(*, actor, child: Returnee, parent: Returnee) -> list[str]:
    """Record `parent` as the mother or father of `child`; returns warnings to show."""
    if child.pk == parent.pk:
        raise ValidationError(_("A person cannot be their own relative."))
    _lock(child, parent)
    if (
        parent.pk in _ancestors(child.pk)
        or child.pk in _ancestors(parent.pk)
        or Relationship.objects.filter(person=child, relative=parent).exists()
    ):
        if child.pk in _ancestors(parent.pk):
            raise ValidationError(_("This would make a person their own ancestor."))
        raise ValidationError(_("This relationship is already recorded."))
    kind = Relationship.Kind.MOTHER if parent.sex == Sex.FEMALE else Relationship.Kind.FATHER
    if Relationship.objects.filter(person=child, kind=kind).exists():
        raise ValidationError(
            _("This person already has a %(kind)s recorded.")
            % {"kind": Relationship.Kind(kind).label.lower()}
        )
    warnings = _check_parent(
        child_dob=child.date_of_birth, child_estimated=child.date_of_birth_estimated, parent=parent
    )
    Relationship.objects.bulk_create(
        [
            Relationship(person=child, relative=parent, kind=kind),
            Relationship(person=parent, relative=child, kind=Relationship.Kind.CHILD),
        ]
    )
    if child.household_id != parent.household_id and parent.household_id:
        Returnee.objects.filter(pk=child.pk).update(household=parent.household_id)
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=child,
        changes={kind: [None, parent.case_number]},
        detail="relationship",
    )
    return warnings


_SYMMETRIC = {Relationship.Kind.SIBLING, Relationship.Kind.SPOUSE}
_PARENT_SEX = {Relationship.Kind.MOTHER: Sex.FEMALE, Relationship.Kind.FATHER: Sex.MALE}


def _lock(*people: Returnee) -> None:
    """Row-lock the people a family change touches, in id order, so concurrent changes to the
    same family run one after the other and every check sees the other's result."""
    list(Returnee.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk"))


@transaction.atomic
def relationship_add(*, actor, person: Returnee, relative: Returnee, kind: str) -> list[str]:
    """Any relationship; parents and children go through `parent_link` and its checks."""
    if kind not in Relationship.Kind.values:
        raise ValidationError({"kind": _("Choose a relationship.")})
    if kind in PARENT_KINDS:
        if relative.sex != _PARENT_SEX[kind]:
            raise ValidationError(
                {
                    "kind": _("%(case)s is recorded as %(sex)s; choose the other parent.")
                    % {"case": relative.case_number, "sex": relative.get_sex_display().lower()}
                }
            )
        return parent_link(actor=actor, child=person, parent=relative)
    if kind == Relationship.Kind.CHILD:
        return parent_link(actor=actor, child=relative, parent=person)
    if person.pk == relative.pk:
        raise ValidationError(_("A person cannot be their own relative."))
    _lock(person, relative)
    if Relationship.objects.filter(person=person, relative=relative, kind=kind).exists():
        raise ValidationError(_("This relationship is already recorded."))
    if relative.pk in _ancestors(person.pk) or person.pk in _ancestors(relative.pk):
        raise ValidationError(
            _("These two are already recorded as parent and child, or grandparent and grandchild.")
        )
    warnings = []
    if kind == Relationship.Kind.GRANDPARENT:
        gap = _years_between(relative.date_of_birth, person.date_of_birth)
        if gap < 20:
            message = _(
                "A grandparent is at least 20 years older; %(parent)s is %(years).0f years older."
            ) % {"parent": relative.primary_name, "years": gap}
            if not (person.date_of_birth_estimated or relative.date_of_birth_estimated):
                raise ValidationError({"kind": message})
            warnings.append(message)
    rows = [Relationship(person=person, relative=relative, kind=kind)]
    if kind in _SYMMETRIC:
        rows.append(Relationship(person=relative, relative=person, kind=kind))
    Relationship.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=person,
        changes={kind: [None, relative.case_number]},
        detail="relationship",
    )
    return warnings


@transaction.atomic
def relative_add(
    *,
    actor,
    returnee: Returnee,
    full_name: str,
    relationship: str,
    region: str,
    contact: str = "",
    is_verified: bool = False,
) -> RelativeAtHome:
    relative = RelativeAtHome(
        returnee=returnee,
        full_name=full_name.strip(),
        relationship=relationship.strip(),
        region=region.strip(),
        contact=contact.strip(),
        is_verified=is_verified,
    )
    relative.full_clean()
    relative.save()
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=relative,
        changes={"full_name": [None, relative.full_name], "region": [None, region]},
    )
    return relative


@transaction.atomic
def guardianship_add(
    *,
    actor,
    child: Returnee,
    guardian_kind: str,
    legal_basis: str,
    started_on: date,
    guardian_relative: RelativeAtHome | None = None,
    guardian_returnee: Returnee | None = None,
    state_body: str = "",
) -> Guardianship:
    errors = {}
    if started_on > timezone.localdate():
        errors["started_on"] = _("The start date is in the future.")
    if guardian_kind == Guardianship.GuardianKind.RELATIVE_AT_HOME and (
        guardian_relative is None or guardian_relative.returnee_id != child.pk
    ):
        errors["guardian_relative"] = _("Choose one of this child's relatives at home.")
    if guardian_kind == Guardianship.GuardianKind.RETURNEE:
        if guardian_returnee is None:
            errors["guardian_returnee"] = _("Choose the returnee who is the guardian.")
        elif guardian_returnee.pk == child.pk:
            errors["guardian_returnee"] = _("A child cannot be their own guardian.")
        elif _years_between(guardian_returnee.date_of_birth, timezone.localdate()) < 18:
            errors["guardian_returnee"] = _("A guardian must be an adult.")
    if guardian_kind == Guardianship.GuardianKind.STATE and not state_body.strip():
        errors["state_body"] = _("Name the state body that is the guardian.")
    if errors:
        raise ValidationError(errors)
    _lock(child)
    today = timezone.localdate()
    child.guardianships.filter(ended_on__isnull=True).update(ended_on=max(started_on, today))
    guardianship = Guardianship.objects.create(
        child=child,
        guardian_kind=guardian_kind,
        legal_basis=legal_basis,
        started_on=started_on,
        guardian_relative=guardian_relative if guardian_kind == "relative" else None,
        guardian_returnee=guardian_returnee if guardian_kind == "returnee" else None,
        state_body=state_body.strip() if guardian_kind == "state" else "",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=guardianship,
        changes={
            "guardian": [None, guardianship.guardian_label],
            "legal_basis": [None, legal_basis],
        },
    )
    return guardianship


@transaction.atomic
def guardianship_visit_add(
    *, actor, guardianship: Guardianship, visited_on: date, findings: str
) -> GuardianshipVisit:
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The visit date is in the future.")})
    if visited_on < guardianship.started_on:
        raise ValidationError({"visited_on": _("The visit is before the guardianship began.")})
    visit = GuardianshipVisit.objects.create(
        guardianship=guardianship, visited_on=visited_on, visitor=actor, findings=findings.strip()
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=visit,
        changes={"visited_on": [None, str(visited_on)]},
    )
    return visit


@transaction.atomic
def document_upload(*, actor, returnee: Returnee, title: str, upload) -> Document:
    content, content_type, digest = document_prepare(upload)
    document = Document(
        returnee=returnee,
        title=title.strip() or upload.name[:200],
        content_type=content_type,
        size=content.size,
        sha256=digest,
        uploaded_by=actor,
    )
    document.file.save(content.name, content, save=False)
    document.save()
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=document,
        changes={"title": [None, document.title], "sha256": [None, digest]},
    )
    return document


@transaction.atomic
def evidence_add(
    *,
    actor,
    returnee: Returnee,
    kind: str,
    confidence: str,
    notes: str = "",
    upload=None,
    title: str = "",
) -> EvidenceItem:
    if kind not in EvidenceItem.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence.")})
    if confidence not in EvidenceItem.Confidence.values:
        raise ValidationError({"confidence": _("Choose a confidence grade.")})
    verification = NationalityVerification.objects.select_for_update().get(returnee=returnee)
    document = (
        document_upload(
            actor=actor,
            returnee=returnee,
            title=title or EvidenceItem.Kind(kind).label,
            upload=upload,
        )
        if upload
        else None
    )
    item = EvidenceItem.objects.create(
        verification=verification,
        kind=kind,
        confidence=confidence,
        document=document,
        notes=notes.strip(),
        added_by=actor,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=item,
        changes={"kind": [None, kind], "confidence": [None, confidence]},
    )
    return item


@transaction.atomic
def verification_decide(
    *,
    actor,
    returnee_id: int,
    version: int,
    decision: str,
    reason: str,
    via_parent: Returnee | None = None,
    request=None,
) -> NationalityVerification:
    """A verification officer's decision; a child may be verified through a verified parent."""
    verification = (
        NationalityVerification.objects.select_for_update()
        .select_related("returnee")
        .get(returnee_id=returnee_id)
    )
    if verification.version != version:
        raise StaleEdit(verification)
    errors = {}
    if verification.returnee.status not in (CaseStatus.IDENTIFIED, CaseStatus.VERIFYING):
        errors["__all__"] = _(
            "The case is %(status)s: reopen verification before changing the decision."
        ) % {"status": verification.returnee.get_status_display()}
    if decision not in (
        VerificationDecision.VERIFIED,
        VerificationDecision.REJECTED,
        VerificationDecision.INCONCLUSIVE,
    ):
        errors["decision"] = _("Choose verified, rejected or inconclusive.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the decision.")
    if via_parent is not None:
        is_parent = Relationship.objects.filter(
            person_id=returnee_id, relative=via_parent, kind__in=PARENT_KINDS
        ).exists()
        if not is_parent:
            errors["via_parent"] = _("That person is not recorded as this child's parent.")
        elif via_parent.verification_status != VerificationDecision.VERIFIED:
            errors["via_parent"] = _("The parent's own nationality is not verified.")
        elif decision != VerificationDecision.VERIFIED:
            errors["via_parent"] = _("Verification through a parent can only verify.")
    elif decision == VerificationDecision.VERIFIED and not verification.evidence.exists():
        errors["decision"] = _("Record at least one evidence item before verifying.")
    if errors:
        raise ValidationError(errors)
    before = verification.decision
    verification.decision = decision
    verification.decision_reason = reason.strip()
    verification.decided_by = actor
    verification.decided_at = timezone.now()
    verification.via_parent = via_parent
    verification.version += 1
    verification.save()
    returnee = verification.returnee
    returnee.verification_status = decision
    returnee.version += 1
    returnee.save(update_fields=["verification_status", "version", "updated_at"])
    CaseEvent.objects.create(
        returnee=returnee,
        kind=CaseEvent.Kind.VERIFICATION,
        actor=actor,
        reason=reason.strip(),
        transition=decision,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=verification,
        request=request,
        changes={
            "decision": [before, decision],
            "via_parent": [None, via_parent.case_number if via_parent else None],
        },
    )
    return verification


# The intake answers that draft a plan goal, and the goal they draft.
_GOAL_DRAFTS = [
    ("health_needs", PlanDomain.HEALTH, "Address health needs: {}"),
    ("psychosocial_needs", PlanDomain.PSYCHOSOCIAL, "Psychosocial support: {}"),
    ("family_situation", PlanDomain.FAMILY, "Family: {}"),
    ("legal_status", PlanDomain.LEGAL, "Legal: {}"),
]


@transaction.atomic
def intake_record(*, actor, returnee: Returnee, values: dict, request=None) -> IntakeAssessment:
    """Record the intake assessment and draft the rehabilitation plan's goals from it.

    The same answers sent twice within a few minutes (a double submit) record it once.
    """
    _lock(returnee)
    recent = returnee.intakes.filter(
        assessed_by=actor, assessed_at__gte=timezone.now() - timedelta(minutes=5)
    ).first()
    if recent is not None and all(getattr(recent, k) == v for k, v in values.items()):
        return recent
    intake = IntakeAssessment(returnee=returnee, assessed_by=actor, **values)
    intake.full_clean()
    intake.save()
    plan, _created = RehabilitationPlan.objects.get_or_create(returnee=returnee)
    goals = [
        PlanGoal(plan=plan, domain=domain, description=template.format(values[key].strip()))
        for key, domain, template in _GOAL_DRAFTS
        if values.get(key, "").strip()
    ]
    child = (timezone.localdate() - returnee.date_of_birth).days < 18 * 365.25
    if child and intake.education_level != IntakeAssessment.EducationLevel.PRESCHOOL_AGE:
        goals.append(
            PlanGoal(
                plan=plan,
                domain=PlanDomain.EDUCATION,
                description=f"Enrol in school at the right grade "
                f"(level now: {intake.get_education_level_display()}).",
            )
        )
    elif child:
        goals.append(
            PlanGoal(plan=plan, domain=PlanDomain.EDUCATION, description="Enrol in preschool.")
        )
    elif intake.education_level in (
        IntakeAssessment.EducationLevel.NONE,
        IntakeAssessment.EducationLevel.PRIMARY,
    ):
        goals.append(
            PlanGoal(
                plan=plan,
                domain=PlanDomain.LIVELIHOOD,
                description="Literacy and vocational training.",
            )
        )
    if intake.risk_level == IntakeAssessment.Risk.HIGH:
        goals.append(
            PlanGoal(
                plan=plan,
                domain=PlanDomain.RELIGIOUS_COUNSELLING,
                description="Regular sessions with a theologian; review monthly.",
            )
        )
    PlanGoal.objects.bulk_create(goals)
    CaseEvent.objects.create(
        returnee=returnee,
        kind=CaseEvent.Kind.INTAKE,
        actor=actor,
        reason=f"risk {intake.risk_level}",
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=intake,
        request=request,
        changes={"risk_level": [None, intake.risk_level], "goals": [None, len(goals)]},
    )
    return intake


def documents_sweep_orphans(*, older_than: timedelta = timedelta(hours=6)) -> int:
    """Delete stored files that no document refers to: left behind when the transaction that
    saved them rolled back. Only files older than `older_than`, so uploads in flight are safe."""
    from django.core.files.storage import default_storage

    referenced = set(Document.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed = 0
    pending = ["documents"]
    while pending:
        folder = pending.pop()
        if not default_storage.exists(folder):
            continue
        folders, files = default_storage.listdir(folder)
        pending += [f"{folder}/{name}" for name in folders]
        for name in files:
            path = f"{folder}/{name}"
            if path not in referenced and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
