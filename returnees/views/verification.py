from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from repatriation import policy
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.policy import Action

from .. import selectors, services, workflow
from ..forms import DecisionForm, DocumentForm, EvidenceForm
from ..models import Document
from ._common import apply_errors, back_to_case


@login_required
def evidence_create(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.EDIT)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_add(
                actor=request.user,
                returnee=returnee,
                kind=data["kind"],
                confidence=data["confidence"],
                notes=data["notes"],
                upload=data["file"],
            )
        except ValidationError as error:
            apply_errors(form, error) if hasattr(error, "error_dict") else form.add_error(
                "file", error
            )
        else:
            return back_to_case(request, returnee, _("Evidence added."), anchor="verification")
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": returnee,
            "form": form,
            "title": _("Add verification evidence"),
            "anchor": "verification",
            "multipart": True,
        },
    )


@login_required
def document_create(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.EDIT)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                actor=request.user,
                returnee=returnee,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return back_to_case(request, returnee, _("Document uploaded."), anchor="documents")
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": returnee,
            "form": form,
            "title": _("Upload a document"),
            "anchor": "documents",
            "multipart": True,
        },
    )


@login_required
def document_download(request, pk, document_pk):
    """The only way to a stored file: policy first, audit event, then the bytes."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.DOWNLOAD_DOCUMENT)
    document = get_object_or_404(Document, pk=document_pk, returnee=returnee)
    audit_record(actor=request.user, kind=AuditKind.DOWNLOAD, record=document, request=request)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{returnee.case_number}-{document.pk}.{document.file.name.rsplit('.', 1)[-1]}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def verification_decide(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.DECIDE_VERIFICATION)
    form = DecisionForm(
        request.POST, parents=selectors.parents_of(user=request.user, returnee=returnee)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.verification_decide(
                actor=request.user,
                returnee_id=returnee.pk,
                version=data["version"],
                decision=data["decision"],
                reason=data["reason"],
                via_parent=data["via_parent"],
                request=request,
            )
        except workflow.StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else decided on this claim after you opened the "
                    "page; nothing was saved. Reload to see their decision."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_case(request, returnee, _("Decision recorded."), anchor="verification")
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(
                request, f"{form.fields[field].label}: {error}" if field in form.fields else error
            )
    return back_to_case(request, returnee, anchor="verification")
