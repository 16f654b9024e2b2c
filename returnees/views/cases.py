from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rehabilitation.selectors import adaptation_status_from, case_sections_from
from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.medical.selectors import triage_from
from repatriation.policy import Action

from .. import selectors, services, workflow
from ..forms import DecisionForm, ReturneeEditForm, ReturneeFilterForm, TransitionForm
from ..models import ClosureReason
from ._common import apply_errors, back_to_case

EDIT_FIELDS = [name for name in ReturneeEditForm.base_fields if name != "version"]


@login_required
def returnee_index(request):
    if not policy.can(request.user, Action.VIEW):
        raise Http404
    sees_verification = FieldGroup.VERIFICATION in policy.field_groups_for(request.user)
    form = ReturneeFilterForm(request.GET or None, sees_verification=sees_verification)
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        filters = selectors.ReturneeFilters(
            status=data.get("status", ""),
            sex=data.get("sex", ""),
            age_group=data.get("age_group", ""),
            flags=tuple(data.get("flags", ())),
            caseworker=data["caseworker"].pk if data.get("caseworker") else None,
            verification=data.get("verification", "") if sees_verification else "",
            query=data.get("q", ""),
            sort=data.get("sort") or "newest",
        )
        try:
            page = selectors.returnee_list(
                user=request.user, filters=filters, cursor=data.get("cursor", "")
            )
        except selectors.BadCursor:
            form.add_error(None, _("That page link is no longer valid; start from the first page."))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "returnees/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            # The filter fields (choices only, never the search text) are the costliest part
            # of the page to render and the same for everyone: cached by their values.
            "filter_key": "&".join(
                f"{k}={v}" for k, v in sorted(query.lists()) if k not in ("q", "cursor")
            ),
            "can_register": policy.can(request.user, Action.REGISTER),
            "can_open_sealed": policy.can(request.user, Action.OPEN_SEALED),
            "sees_verification": sees_verification,
        },
    )


def case_context(request, person, **extra) -> dict:
    """Everything the case page shows, cut to the field groups this user may see. `person`
    comes from the access helper with `selectors.case_joins`; the rest is read in one
    round trip (`selectors.case_page_rows`)."""
    user = request.user
    groups = policy.field_groups_for(user, person)
    may_edit = policy.can(user, Action.EDIT)
    sees_intake = may_edit or FieldGroup.PSYCHOSOCIAL in groups
    verification = getattr(person, "verification", None)
    read = selectors.case_page_rows(
        user=user,
        person=person,
        groups=groups,
        hidden_event_kinds=_hidden_event_kinds(groups, sees_intake),
    )
    rows = read.rows
    visible = selectors.named_visible_from(rows)
    can_edit = may_edit and not person.sealed_at  # an opened sealed record is read-only
    context = {
        "person": person,
        "sees": {group.value: group in groups for group in FieldGroup},
        "relationships": [r for r in person.relationships.all() if r.relative_id in visible],
        "visible_ids": visible,
        "events": rows["events"],
        "can_edit": can_edit,
        "can_decide": policy.can(user, Action.DECIDE_VERIFICATION),
        "can_download": policy.can(user, Action.DOWNLOAD_DOCUMENT, person),
        "sees_intake": sees_intake,
        "can_edit_plan": policy.can(user, Action.EDIT_PLAN) and not person.sealed_at,
        "can_record_progress": policy.can(user, Action.RECORD_PROGRESS) and not person.sealed_at,
        "can_place": person.status in ("adaptation", "placed")
        and policy.can(user, Action.CHANGE_STATUS),
        "transitions": [
            (t, workflow.preconditions_failing(t, person))
            for t in workflow.transitions_available(person, user)
        ],
        "age": workflow.age_on(person),
        "closure_reasons": ClosureReason.choices,
        "goals": rows["goals"],
        "triage": triage_from(rows["triage"]).get(person.pk),
        "adaptation": next(iter(adaptation_status_from(rows.get("adaptation", []))), None),
        "medical": rows["medical"],
        "can_record_medical": policy.can(user, Action.RECORD_MEDICAL, person),
        "decision_form": DecisionForm(
            initial={"version": verification.version},
            parents=read.parents,
            parent_rows=read.parent_rows,
        )
        if verification
        else None,
    }
    context.update(case_sections_from(user=user, person=person, sees=read.sections_seen, rows=rows))
    context.update(extra)
    return context


def _hidden_event_kinds(groups, sees_intake) -> frozenset[str]:
    """Timeline events this user may not see: decisions need the verification group,
    intake events the intake section."""
    hidden = set()
    if FieldGroup.VERIFICATION not in groups:
        hidden.add("verification")
    if not sees_intake:
        hidden.add("intake")
    return frozenset(hidden)


@login_required
def returnee_page(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, with_related=selectors.case_joins)
    audit_record(actor=request.user, kind=AuditKind.READ, record=returnee, request=request)
    return render(request, "returnees/detail.html", case_context(request, returnee))


@login_required
def returnee_edit(request, pk):
    """Edit identity fields; a stale version is refused and what changed is shown."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.EDIT)
    initial = {name: getattr(returnee, name) for name in EDIT_FIELDS}
    initial["version"] = returnee.version
    form = ReturneeEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in form.changed_data if name in EDIT_FIELDS}
        try:
            services.returnee_update(
                actor=request.user,
                returnee_id=returnee.pk,
                version=data["version"],
                values=values,
                request=request,
            )
            return back_to_case(request, returnee, _("Saved."))
        except workflow.StaleEdit as stale:
            conflict = _conflict(form, stale.current)
            form.add_error(
                None,
                _(
                    "Someone else changed this record after you opened it. "
                    "Nothing was saved. Their changes are shown below; "
                    "reload to edit the current version."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
    return render(
        request, "returnees/edit.html", {"person": returnee, "form": form, "conflict": conflict}
    )


def _conflict(form, current) -> list[tuple[str, object, object, object]]:
    """(field, value when the page was loaded, value now, value you entered)."""
    rows = []
    for name in EDIT_FIELDS:
        field = form.fields[name]
        try:
            loaded = field.to_python(form.data.get(form.add_initial_prefix(name)))
        except ValidationError:
            loaded = None
        now = getattr(current, name)
        now = now.pk if hasattr(now, "pk") else now
        loaded = loaded.pk if hasattr(loaded, "pk") else loaded
        if str(loaded or "") != str(now or ""):
            rows.append((field.label, loaded, now, form.cleaned_data.get(name)))
    return rows


@login_required
@require_POST
def returnee_transition(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.CHANGE_STATUS)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; nothing changed."))
        return back_to_case(request, returnee)
    data = form.cleaned_data
    try:
        workflow.case_transition(
            actor=request.user,
            returnee_id=returnee.pk,
            name=data["transition"],
            version=data["version"],
            reason=data["reason"],
            closure_reason=data["closure_reason"],
            request=request,
        )
    except workflow.TransitionRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
        return back_to_case(request, returnee, anchor="workflow")
    except workflow.StaleEdit:
        messages.error(
            request,
            _(
                "The case changed after you opened it; nothing changed. "
                "Check the current status and try again."
            ),
        )
        return back_to_case(request, returnee, anchor="workflow")
    return back_to_case(request, returnee, _("Status changed."), anchor="workflow")
