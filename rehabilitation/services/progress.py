"""Writes for centre staff's progress records: activities, sessions and progress ratings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.accounts.roles import Discipline, FieldGroup
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from returnees.models import Returnee
from returnees.workflow import StaleEdit

from ..models import (
    SESSION_DISCIPLINES,
    Activity,
    ActivityParticipation,
    AssessmentInstrument,
    Centre,
    DisengagementStage,
    Placement,
    ProgressRating,
    Session,
)
from .versioned import masked, refuse_unknown_fields, versioned_save

# Disciplines that rate progress on an instrument.
RATER_DISCIPLINES = {
    Discipline.PSYCHOLOGIST,
    Discipline.PSYCHIATRIST,
    Discipline.SOCIAL_WORKER,
    Discipline.THEOLOGIAN,
}


def _require_own_centre(actor, centre: Centre) -> None:
    if not policy.user_centres(actor).filter(pk=centre.pk).exists():
        raise ValidationError(_("You are not on the staff of %(centre)s.") % {"centre": centre})


def residents_for_records(*, actor, centre: Centre):
    """People the user may record progress for at one centre: placed there now, in scope."""
    return policy.returnees_visible_to(actor, FieldGroup.PSYCHOSOCIAL).filter(
        placements__centre=centre, placements__ended_on__isnull=True
    )


@transaction.atomic
def activity_add(
    *, actor, centre: Centre, kind: str, name: str, started_on: date, request=None
) -> Activity:
    _require_own_centre(actor, centre)
    errors = {}
    if kind not in Activity.Kind.values:
        errors["kind"] = _("Choose a kind of activity.")
    if not name.strip():
        errors["name"] = _("Name the activity.")
    elif Activity.objects.filter(centre=centre, name__iexact=name.strip()).exists():
        errors["name"] = _("This centre already has an activity with this name.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                centre=centre, kind=kind, name=name.strip(), started_on=started_on
            )
    except IntegrityError:  # the same name added at the same moment
        raise ValidationError(
            {"name": _("This centre already has an activity with this name.")}
        ) from None
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=activity,
        request=request,
        changes={"name": [None, activity.name]},
    )
    return activity


@transaction.atomic
def activity_participation_record(
    *,
    actor,
    activity: Activity,
    returnee: Returnee,
    month: date,
    times: int,
    shown: int | None = None,
    request=None,
) -> ActivityParticipation:
    """How often one resident took part in one month. `shown` is the figure the sheet showed
    (None for blank): if someone has recorded another since, the save is refused, not lost."""
    _require_own_centre(actor, activity.centre)
    if month.day != 1 or month > timezone.localdate():
        raise ValidationError({"month": _("Choose a month that has begun.")})
    if month < activity.started_on.replace(day=1):
        raise ValidationError({"month": _("The activity had not started in that month.")})
    if not 0 <= times <= 62:
        raise ValidationError({"times": _("Enter how many times, from 0 to 62.")})
    if (
        not residents_for_records(actor=actor, centre=activity.centre)
        .filter(pk=returnee.pk)
        .exists()
    ):
        raise ValidationError(_("This person is not a resident of the activity's centre."))
    Returnee.objects.select_for_update().get(pk=returnee.pk)  # one save per person at a time
    current = ActivityParticipation.objects.filter(
        activity=activity, returnee=returnee, month=month
    ).first()
    if (current.times if current else None) != shown:
        raise ValidationError(
            {
                "times": _("Someone else has recorded %(n)s since you opened the sheet.")
                % {"n": current.times if current else "—"}
            }
        )
    row, created = ActivityParticipation.objects.get_or_create(
        activity=activity,
        returnee=returnee,
        month=month,
        defaults={"times": times, "recorded_by": actor},
    )
    before = None if created else row.times
    if not created and row.times != times:
        row.times = times
        row.recorded_by = actor
        row.save()
    if created or before != times:
        audit_record(
            actor=actor,
            kind=AuditKind.CREATE if created else AuditKind.UPDATE,
            record=row,
            request=request,
            changes={"times": [before, times]},
        )
    return row


def _check_session(
    *,
    actor,
    centre: Centre,
    kind: str,
    format: str,
    status: str,
    starts_at: datetime,
    duration_minutes: int,
    participants: list[Returnee],
) -> None:
    errors: dict[str, str] = {}
    if kind not in Session.Kind.values:
        errors["kind"] = _("Choose the kind of session.")
    elif actor.discipline != SESSION_DISCIPLINES[kind]:
        # The facilitator reads the notes: a teacher cannot lead a psychiatric session.
        errors["kind"] = _("Only a %(discipline)s leads a %(kind)s session.") % {
            "discipline": Discipline(SESSION_DISCIPLINES[kind]).label.lower(),
            "kind": Session.Kind(kind).label.lower(),
        }
    if format not in Session.Format.values:
        errors["format"] = _("Choose individual or group.")
    if status not in Session.Status.values:
        errors["status"] = _("Choose a status.")
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("A session lasts from 5 minutes to 8 hours.")
    now = timezone.now()
    if not now - timedelta(days=5 * 365) <= starts_at <= now + timedelta(days=366):
        errors["starts_at"] = _("A session starts within five years back and a year ahead.")
    elif status == Session.Status.HELD and starts_at > now:
        errors["starts_at"] = _("A session that was held cannot start in the future.")
    if status == Session.Status.PLANNED and starts_at < now - timedelta(days=1):
        errors["starts_at"] = _("A planned session cannot be in the past; record it as held.")
    if format == Session.Format.INDIVIDUAL and len(participants) != 1:
        errors["participants"] = _("An individual session has exactly one participant.")
    elif format == Session.Format.GROUP and len(participants) < 2:
        errors["participants"] = _("A group session has at least two participants.")
    if errors:
        raise ValidationError(errors)
    allowed = set(
        residents_for_records(actor=actor, centre=centre)
        .filter(pk__in=[p.pk for p in participants])
        .values_list("pk", flat=True)
    )
    outside = [p for p in participants if p.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "participants": _("Not residents of %(centre)s: %(cases)s.")
                % {"centre": centre.name, "cases": ", ".join(p.case_number for p in outside)}
            }
        )


@transaction.atomic
def session_record(
    *,
    actor,
    centre: Centre,
    kind: str,
    format: str,
    status: str,
    starts_at: datetime,
    duration_minutes: int,
    participants: list[Returnee],
    topic: str = "",
    notes: str = "",
    request=None,
) -> Session:
    """A planned or held session at one of the actor's centres, with its participants."""
    _require_own_centre(actor, centre)
    _check_session(
        actor=actor,
        centre=centre,
        kind=kind,
        format=format,
        status=status,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        participants=participants,
    )
    session = Session.objects.create(
        centre=centre,
        kind=kind,
        format=format,
        status=status,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        topic=topic.strip(),
        notes=notes.strip(),
        facilitator=actor,
    )
    session.participants.set(participants)
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=session,
        request=request,
        # The notes themselves never go into the audit trail.
        changes={
            "kind": [None, kind],
            "participants": [None, sorted(p.pk for p in participants)],
            "notes": [None, "***"] if notes.strip() else [None, ""],
        },
    )
    return session


SESSION_FIELDS = ("status", "duration_minutes", "notes")


@transaction.atomic
def session_update(*, actor, session_id: int, version: int, values: dict, request=None) -> Session:
    """Mark a session held or cancelled and write its notes. Only someone who may read the
    notes may change them; a stale version is refused."""
    session = Session.objects.select_for_update().get(pk=session_id)
    if session.version != version:
        raise StaleEdit(session)
    if (
        not policy.may_read_session_notes(actor, session)
        or not policy.user_centres(actor).filter(pk=session.centre_id).exists()
    ):
        raise ValidationError(_("Only the facilitator's discipline may change this session."))
    refuse_unknown_fields(values, SESSION_FIELDS)
    status = values.get("status", session.status)
    if status not in Session.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == Session.Status.HELD and session.starts_at > timezone.now():
        raise ValidationError({"status": _("The session has not started yet.")})
    duration = values.get("duration_minutes", session.duration_minutes)
    if not 5 <= duration <= 480:
        raise ValidationError({"duration_minutes": _("A session lasts from 5 minutes to 8 hours.")})
    values = {**values, "notes": values.get("notes", session.notes).strip()}
    changes = versioned_save(session, values)
    if not changes:
        return session
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=session,
        request=request,
        changes=masked(changes, {"notes"}),
    )
    return session


@transaction.atomic
def progress_rating_record(
    *,
    actor,
    returnee: Returnee,
    instrument: AssessmentInstrument,
    assessed_on: date,
    scores: dict[str, int],
    disengagement: str,
    comment: str = "",
    request=None,
) -> ProgressRating:
    """One rater's scores on an instrument. Raters are psychologists, psychiatrists, social
    workers and theologians; every domain is scored within the instrument's range."""
    if actor.discipline not in RATER_DISCIPLINES:
        raise ValidationError(
            _("Progress is rated by psychologists, psychiatrists, social workers and theologians.")
        )
    if not instrument.is_active:
        raise ValidationError({"instrument": _("This instrument is no longer in use.")})
    errors: dict[str, str] = {}
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("The assessment date is in the future.")
    codes = instrument.domain_codes()
    for code in set(scores) - set(codes):
        errors[f"score_{code}"] = _("This instrument has no such domain.")
    for code in codes:
        value = scores.get(code)
        if value is None:
            errors[f"score_{code}"] = _("Score every domain.")
        elif not instrument.score_min <= value <= instrument.score_max:
            errors[f"score_{code}"] = _("Scores run from %(low)d to %(high)d.") % {
                "low": instrument.score_min,
                "high": instrument.score_max,
            }
    if disengagement not in DisengagementStage.values:
        errors["disengagement"] = _("Choose the stage of disengagement.")
    if errors:
        raise ValidationError(errors)
    placed = Placement.objects.filter(
        returnee=returnee, ended_on__isnull=True, centre__in=policy.user_centres(actor)
    ).exists()
    if not placed:
        raise ValidationError(_("This person is not a resident of your centre."))
    try:
        with transaction.atomic():
            rating = ProgressRating.objects.create(
                returnee=returnee,
                instrument=instrument,
                assessed_on=assessed_on,
                rater=actor,
                discipline=actor.discipline,
                scores={code: scores[code] for code in codes},
                disengagement=disengagement,
                comment=comment.strip(),
            )
    except IntegrityError:
        raise ValidationError(
            {"assessed_on": _("You have already rated this person on this instrument that day.")}
        ) from None
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=rating,
        request=request,
        changes={"instrument": [None, instrument.code], "disengagement": [None, disengagement]},
    )
    return rating
