from rest_framework import serializers

from repatriation.medical.models import MedicalAssessment
from repatriation.medical.services import FIELDS


class MedicalAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MedicalAssessment
        fields = read_only_fields = ["id", "returnee", *FIELDS, "recorded_at"]


class MedicalAssessmentInputSerializer(serializers.ModelSerializer):
    """Types and ranges come from the model; the service adds the clinical checks."""

    returnee = serializers.IntegerField(min_value=1)

    class Meta:
        model = MedicalAssessment
        fields = ["returnee", *(f for f in FIELDS if f != "operation")]
