from rest_framework import serializers

from repatriation.medical.models import MedicalAssessment
from repatriation.medical.services import FIELDS


class MedicalAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MedicalAssessment
        fields = read_only_fields = ["id", "returnee", *FIELDS, "recorded_at"]
