"""Medical assessments: `/api/v1/medical-assessments/`, for callers with the medical group."""

from repatriation.accounts.roles import FieldGroup
from repatriation.api.base import PersonRecordViewSet
from repatriation.api.writes import RecordCreate
from repatriation.medical.models import MedicalAssessment
from repatriation.medical.services import assessment_record

from . import serializers as s


class MedicalAssessmentViewSet(RecordCreate, PersonRecordViewSet):
    """Assessments are recorded (`POST`), never changed: a correction is a new assessment."""

    serializer_class = s.MedicalAssessmentSerializer
    queryset = MedicalAssessment.objects.none()
    field_group = FieldGroup.MEDICAL
    filterset_fields = ["returnee", "stage", "triage", "operation"]
    input_serializer = s.MedicalAssessmentInputSerializer
    create_fields = dict.fromkeys(
        s.MedicalAssessmentInputSerializer.Meta.fields, FieldGroup.MEDICAL
    )

    def record_create(self, values, person):
        values = {k: v for k, v in values.items() if k != "returnee"}
        return assessment_record(
            actor=self.request.user, returnee=person, values=values, request=self.request
        )
