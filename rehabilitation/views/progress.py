"""Centre staff's progress records: activities with monthly participation, sessions with
confidential notes, progress ratings and each person's trajectory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from repatriation import policy
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.policy import Action
from returnees.views._common import apply_errors, back_to_case
from returnees.workflow import StaleEdit

from .. import selectors, services
from ..forms import (
    ActivityForm,
    ParticipationForm,
    RatingForm,
    SessionForm,
    SessionUpdateForm,
    month_of,
)
from ..models import Activity, AssessmentInstrument
from ..selectors.charts import trajectory_chart


def _centre_staff_only(user):
    if not policy.can(user, Action.RECORD_PROGRESS) or not policy.user_centres(user).exists():
        raise Http404


@login_required
def activity_list(request):
    """The activities of the user's centres, and a form to start a new one."""
    _centre_staff_only(request.user)
    centres = policy.user_centres(request.user)
    form = ActivityForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_add(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Activity added."))
            return redirect("rehabilitation:activity", activity.pk)
    return render(
        request,
        "rehabilitation/activities.html",
        {"activities": selectors.activities_for(user=request.user), "form": form},
    )


def _activity_for(user, pk) -> Activity:
    _centre_staff_only(user)
    return get_object_or_404(Activity, pk=pk, centre__in=policy.user_centres(user))


@login_required
def activity_sheet(request, pk):
    """One activity's month: every resident of the centre with how often they took part.
    Each row saves on its own (htmx, no reload), or as a plain form without JavaScript."""
    activity = _activity_for(request.user, pk)
    month = month_of(request.GET.get("month", "")) or selectors.month_start(timezone.localdate())
    bad_month = "month" in request.GET and month_of(request.GET["month"]) is None
    rows, more_after = selectors.activity_sheet(
        user=request.user, activity=activity, month=month, after=request.GET.get("after", "")
    )
    return render(
        request,
        "rehabilitation/activity_sheet.html",
        {
            "activity": activity,
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "bad_month": bad_month,
            "more_after": more_after,
            "rows": [
                {
                    "person": p,
                    "row": r,
                    "value": r.times if r else "",
                    "shown": r.times if r else "",
                }
                for p, r in rows
            ],
        },
    )


@login_required
@require_POST
def activity_participation(request, pk, person_pk):
    activity = _activity_for(request.user, pk)
    person = policy.returnee_get_for_user(request.user, person_pk, Action.RECORD_PROGRESS)
    month = month_of(request.POST.get("month", ""))
    form = ParticipationForm(request.POST)
    error = ""
    row = None
    was = request.POST.get("shown", "")
    shown = int(was) if was.isascii() and was.isdigit() and len(was) < 4 else None
    if month is None:
        error = _("Choose a month (YYYY-MM).")
    elif not form.is_valid():
        error = " ".join(form.errors["times"])
    else:
        try:
            row = services.activity_participation_record(
                actor=request.user,
                activity=activity,
                returnee=person,
                month=month,
                times=form.cleaned_data["times"],
                shown=shown,
                request=request,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if error and month is not None:
        from ..models import ActivityParticipation

        current = ActivityParticipation.objects.filter(
            activity=activity, returnee=person, month=month
        ).first()
        shown = current.times if current else None
    if request.htmx:
        return render(
            request,
            "rehabilitation/_participation_row.html",
            {
                "activity": activity,
                "month_value": f"{month:%Y-%m}" if month else "",
                "item": {
                    "person": person,
                    "row": row,
                    "value": request.POST.get("times", "")[:3],
                    # What is saved now: the next save from this row is checked against it.
                    "shown": row.times if row else ("" if shown is None else shown),
                },
                "error": error,
                "saved": not error,
            },
        )
    if error:
        messages.error(request, f"{person.case_number}: {error}")
    else:
        messages.success(request, _("Saved."))
    suffix = f"?month={month:%Y-%m}" if month else ""
    return redirect(reverse("rehabilitation:activity", args=[activity.pk]) + suffix)


@login_required
def session_create(request):
    """Plan or record a session at the user's centre; `?person=` ticks one participant."""
    _centre_staff_only(request.user)
    centres = policy.user_centres(request.user)
    residents = list(
        policy.returnees_visible_to(request.user, policy.FieldGroup.PSYCHOSOCIAL)
        .filter(placements__ended_on__isnull=True, placements__centre__in=centres)
        .order_by("primary_name")
        .distinct()[:500]
    )
    initial = {"centre": centres.first(), "starts_at": timezone.localtime().replace(second=0)}
    if request.GET.get("person", "").isdigit():
        initial["participants"] = [request.GET["person"]]
        initial["format"] = "individual"
    form = SessionForm(request.POST or None, centres=centres, residents=residents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = {str(p) for p in data.pop("participants")}
        try:
            session = services.session_record(
                actor=request.user,
                participants=[p for p in residents if str(p.pk) in chosen],
                request=request,
                **data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("rehabilitation:session", session.pk)
    return render(request, "rehabilitation/session_form.html", {"form": form})


@login_required
def session_page(request, pk):
    """A session: everyone who sees it sees that it happened; the notes only those the
    policy allows (confidential kinds: the facilitator's discipline)."""
    row = selectors.session_get_for_user(user=request.user, pk=pk)
    session = row.session
    form = None
    if row.notes_visible and policy.user_centres(request.user).filter(pk=session.centre_id):
        form = SessionUpdateForm(
            request.POST or None,
            initial={
                "version": session.version,
                "status": session.status,
                "duration_minutes": session.duration_minutes,
                "notes": session.notes,
            },
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.session_update(
                    actor=request.user,
                    session_id=session.pk,
                    version=data["version"],
                    values={k: data[k] for k in ("status", "duration_minutes", "notes")},
                    request=request,
                )
            except StaleEdit:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this session after you opened it; nothing was "
                        "saved. Reload to see the current version."
                    ),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Session saved."))
                return redirect("rehabilitation:session", session.pk)
    elif row.notes_visible and session.notes:
        audit_record(actor=request.user, kind=AuditKind.READ, record=session, request=request)
    return render(request, "rehabilitation/session.html", {"row": row, "form": form})


@login_required
def rating_create(request, pk):
    """One rater's scores of a resident on an instrument (`?instrument=` code)."""
    person = policy.returnee_get_for_user(request.user, pk, Action.RECORD_PROGRESS)
    instruments = AssessmentInstrument.objects.filter(is_active=True)
    instrument = (
        instruments.filter(code=request.GET.get("instrument", "")).first() or instruments.first()
    )
    if instrument is None:
        raise Http404
    form = RatingForm(
        request.POST or None,
        instrument=instrument,
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_rating_record(
                actor=request.user,
                returnee=person,
                instrument=instrument,
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                disengagement=form.cleaned_data["disengagement"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_case(request, person, _("Assessment recorded."), anchor="progress")
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Rate progress: %(instrument)s") % {"instrument": instrument.name},
            "anchor": "progress",
        },
    )


@login_required
def trajectory_page(request, pk):
    """A person's progress over time: each domain's mean score and the stage of
    disengagement at every assessment, as a chart and a table."""
    person = policy.returnee_get_for_user(request.user, pk, Action.VIEW_PSYCHOSOCIAL)
    points = selectors.trajectory(returnee=person)
    audit_record(
        actor=request.user,
        kind=AuditKind.READ,
        record=person,
        request=request,
        detail="progress trajectory",
    )
    return render(
        request,
        "rehabilitation/trajectory.html",
        {
            "person": person,
            "points": points,
            "charts": [
                trajectory_chart(instrument, rows) for instrument, rows in _by_instrument(points)
            ],
        },
    )


def _by_instrument(points):
    grouped: dict = {}
    for point in points:
        grouped.setdefault(point.instrument, []).append(point)
    return list(grouped.items())


__all__ = [
    "activity_list",
    "activity_participation",
    "activity_sheet",
    "rating_create",
    "session_create",
    "session_page",
    "trajectory_page",
]
