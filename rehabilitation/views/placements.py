from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.policy import Action
from returnees.views._common import apply_errors, back_to_case
from returnees.workflow import StaleEdit, TransitionRefused

from .. import selectors, services
from ..forms import (
    ClassMonthForm,
    EnrolmentForm,
    EnrolmentUpdateForm,
    GoalForm,
    GoalUpdateForm,
    PlacementForm,
    ReviewForm,
    month_of,
)
from ..models import Enrolment, PlanGoal, RehabilitationPlan


def _family_with_placements(user, returnee):
    """Mothers and children of the person who have a placement, as far as the user may see."""
    ids = services.mothers_and_children([returnee])
    return list(
        policy.returnees_visible_to(user)
        .filter(pk__in=ids, placements__ended_on__isnull=True)
        .distinct()
        .order_by("date_of_birth")
    )


@login_required
def placement_change(request, pk):
    """Place a person leaving adaptation, or transfer them, with their family as a rule."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.CHANGE_STATUS)
    family = _family_with_placements(request.user, returnee)
    form = PlacementForm(request.POST or None, family=family)
    people = [returnee, *family]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [returnee, *[p for p in family if str(p.pk) in data.get("family", ())]]
        try:
            services.placement_transfer(
                actor=request.user,
                people=chosen,
                centre=data["centre"],
                kind=data["kind"],
                started_on=data["started_on"],
                reason=data["reason"],
                capacity_override_reason=data["capacity_override_reason"],
                family_split_reason=data.get("family_split_reason", ""),
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except TransitionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            return back_to_case(request, returnee, _("Placement recorded."), anchor="identity")
    return render(
        request,
        "rehabilitation/placement.html",
        {
            "person": returnee,
            "form": form,
            "suggestions": selectors.placement_suggestions(people=people),
        },
    )


def _plan_page(request, returnee, *, goal_form=None, review_form=None, errors=()):
    plan = RehabilitationPlan.objects.filter(returnee=returnee).first()
    goals = list(plan.goals.select_related("owner")) if plan else []
    return render(
        request,
        "rehabilitation/plan.html",
        {
            "person": returnee,
            "plan": plan,
            "errors": errors,
            "goals": [
                (
                    goal,
                    GoalUpdateForm(
                        initial={
                            "version": goal.version,
                            "status": goal.status,
                            "target_date": goal.target_date,
                            "owner": goal.owner_id,
                        },
                        prefix=f"goal-{goal.pk}",
                    ),
                )
                for goal in goals
            ],
            "goal_form": goal_form or GoalForm(prefix="new"),
            "review_form": review_form or ReviewForm(prefix="review"),
            "history": list(plan.events.select_related("actor", "goal")[:50]) if plan else [],
        },
    )


@login_required
def plan_page(request, pk):
    """The individual plan: goals by domain with owner, target and status, the monthly
    review, and the history of every change."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.EDIT_PLAN)
    if request.method != "POST":
        return _plan_page(request, returnee)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form = GoalForm(request.POST, prefix="new")
            if not form.is_valid():
                return _plan_page(request, returnee, goal_form=form)
            services.plan_goal_add(
                actor=request.user, returnee=returnee, request=request, **form.cleaned_data
            )
        elif action == "review":
            form = ReviewForm(request.POST, prefix="review")
            if not form.is_valid():
                return _plan_page(request, returnee, review_form=form)
            services.plan_review_record(
                actor=request.user,
                returnee=returnee,
                note=form.cleaned_data["note"],
                request=request,
            )
        elif action.startswith("goal-") and action[5:].isascii() and action[5:].isdigit():
            goal = get_object_or_404(PlanGoal, pk=int(action[5:]), plan__returnee=returnee)
            form = GoalUpdateForm(request.POST, prefix=f"goal-{goal.pk}")
            if not form.is_valid():
                return _plan_page(
                    request,
                    returnee,
                    errors=[
                        f"{form.fields[f].label}: {e}" for f, es in form.errors.items() for e in es
                    ],
                )
            data = form.cleaned_data
            services.plan_goal_update(
                actor=request.user,
                goal_id=goal.pk,
                version=data["version"],
                values={k: data[k] for k in ("status", "target_date", "owner")},
                note=data["note"],
                request=request,
            )
        else:
            return _plan_page(request, returnee, errors=[_("The request was incomplete.")])
    except StaleEdit:
        return _plan_page(
            request,
            returnee,
            errors=[
                _(
                    "Someone else changed this goal after you opened the page; nothing was saved. "
                    "The current version is shown."
                )
            ],
        )
    except ValidationError as error:
        return _plan_page(request, returnee, errors=error.messages)
    return redirect("rehabilitation:plan", returnee.pk)


@login_required
def my_centre(request):
    """Centre staff's page: residents, capacity, plan reviews due, adaptation overdue."""
    centres = selectors.my_centres(user=request.user, after=request.GET.get("after", ""))
    if not centres:
        raise Http404
    return render(request, "rehabilitation/my_centre.html", {"centres": centres})


@login_required
def enrolment_create(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.RECORD_PROGRESS)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_add(
                actor=request.user, returnee=returnee, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_case(request, returnee, _("Enrolment recorded."), anchor="education")
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": returnee,
            "form": form,
            "title": _("Enrol in school or a course"),
            "anchor": "education",
        },
    )


@login_required
def enrolment_edit(request, pk, enrolment_pk):
    """The teacher's notes, grade and end of one enrolment."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.RECORD_PROGRESS)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, returnee=returnee)
    form = EnrolmentUpdateForm(
        request.POST or None,
        initial={
            "version": enrolment.version,
            "grade": enrolment.grade,
            "ended_on": enrolment.ended_on,
            "teacher_notes": enrolment.teacher_notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_update(
                actor=request.user,
                enrolment_id=enrolment.pk,
                version=data["version"],
                values={k: data[k] for k in services.ENROLMENT_FIELDS},
                request=request,
            )
        except StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else changed this enrolment after you opened it; nothing was "
                    "saved. Reload to see the current version."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_case(request, returnee, _("Enrolment saved."), anchor="education")
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": returnee,
            "form": form,
            "title": f"{enrolment.get_level_display()} · {enrolment.institution}",
            "anchor": "education",
        },
    )


@login_required
def class_attendance(request):
    """A month's attendance for a whole class on one screen: every pupil's school days and
    days present, saved together or not at all."""
    if (
        not policy.can(request.user, Action.RECORD_PROGRESS)
        or not policy.user_centres(request.user).exists()
    ):
        raise Http404
    classes = selectors.class_choices(user=request.user)
    picker = ClassMonthForm(request.GET or None, classes=classes)
    roster, errors, month = [], [], None
    if picker.is_valid():
        institution, _sep, grade = picker.cleaned_data["klass"].partition("|")
        month = month_of(picker.cleaned_data["month"])
        roster = selectors.class_roster(
            user=request.user, institution=institution, grade=grade, month=month
        )
        if request.method == "POST":
            rows = []
            for enrolment, _recorded in roster:
                expected = request.POST.get(f"expected-{enrolment.pk}", "")
                present = request.POST.get(f"present-{enrolment.pk}", "")
                if not (
                    expected.isascii()
                    and expected.isdigit()
                    and present.isascii()
                    and present.isdigit()
                    and len(expected) < 3
                    and len(present) < 3
                ):
                    errors.append(
                        _("Enter whole numbers of days for %(case)s.")
                        % {"case": enrolment.returnee.case_number}
                    )
                    continue
                rows.append((enrolment.pk, int(expected), int(present)))
            if not errors:
                try:
                    services.attendance_record_class(
                        actor=request.user,
                        month=month,
                        rows=rows,
                        allowed={e.pk for e, _r in roster},
                        request=request,
                    )
                except ValidationError as error:
                    errors = error.messages
                else:
                    messages.success(
                        request, _("Attendance saved for %(n)d pupils.") % {"n": len(rows)}
                    )
                    return redirect(request.get_full_path())
    # What the sheet shows: on a rejected save, what the user typed, so nothing is retyped.
    sheet = [
        {
            "enrolment": enrolment,
            "expected": request.POST.get(f"expected-{enrolment.pk}", "")[:3]
            if errors
            else (recorded.days_expected if recorded else ""),
            "present": request.POST.get(f"present-{enrolment.pk}", "")[:3]
            if errors
            else (recorded.days_present if recorded else ""),
        }
        for enrolment, recorded in roster
    ]
    return render(
        request,
        "rehabilitation/attendance.html",
        {"picker": picker, "sheet": sheet, "errors": errors, "month": month},
    )
