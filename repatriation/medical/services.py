"""Writes for medical assessments. The audit trail records that an assessment was made, its
stage and triage level, never the clinical details (auditors read the audit trail)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record

from .models import Condition, MedicalAssessment, Stage

TRANSIT_STAGES = (Stage.PRE_DEPARTURE, Stage.TRANSIT, Stage.ARRIVAL)

FIELDS = (
    "stage",
    "assessed_on",
    "triage",
    "temperature_c",
    "pulse",
    "systolic",
    "diastolic",
    "weight_kg",
    "height_cm",
    "muac_mm",
    "conditions",
    "mental_health_score",
    "referrals",
    "follow_up_due",
    "notes",
    "operation",
)


@transaction.atomic
def assessment_record(*, actor, returnee, values: dict, request=None) -> MedicalAssessment:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    values = dict(values)
    if not values.get("operation") and values.get("stage") in TRANSIT_STAGES:
        # Checks around transit belong to the person's latest wave (arrival checklist).
        from repatriation.operations.models import ManifestEntry

        entry = ManifestEntry.objects.filter(returnee=returnee).order_by("-pk").first()
        values["operation"] = entry.operation if entry else None
    assessment = MedicalAssessment(returnee=returnee, assessor=actor, **values)
    assessment.full_clean()  # types and ranges first, so the checks below compare like with like
    errors = {}
    today = timezone.localdate()
    if assessment.assessed_on and assessment.assessed_on > today:
        errors["assessed_on"] = _("The date is in the future.")
    if (
        assessment.follow_up_due
        and assessment.assessed_on
        and assessment.follow_up_due < assessment.assessed_on
    ):
        errors["follow_up_due"] = _("The follow-up is due before the assessment.")
    if assessment.systolic and assessment.diastolic and assessment.diastolic >= assessment.systolic:
        errors["diastolic"] = _("The diastolic pressure must be below the systolic.")
    bad = set(assessment.conditions or []) - set(Condition.values)
    if bad:
        errors["conditions"] = _("Unknown conditions: %s") % ", ".join(sorted(bad))
    if errors:
        raise ValidationError(errors)
    assessment.save()
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=assessment,
        request=request,
        changes={"stage": [None, assessment.stage], "triage": [None, assessment.triage]},
    )
    return assessment
