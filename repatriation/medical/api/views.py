"""Medical assessments: `/api/v1/medical-assessments/`, for callers with the medical group."""

from repatriation.accounts.roles import FieldGroup
from repatriation.api.base import PersonRecordViewSet
from repatriation.medical.models import MedicalAssessment

from . import serializers as s


class MedicalAssessmentViewSet(PersonRecordViewSet):
    serializer_class = s.MedicalAssessmentSerializer
    queryset = MedicalAssessment.objects.none()
    field_group = FieldGroup.MEDICAL
    filterset_fields = ["returnee", "stage", "triage", "operation"]
