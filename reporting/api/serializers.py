from django.conf import settings
from rest_framework import serializers

from reporting.models import ReportRun


class ReportRunSerializer(serializers.ModelSerializer):
    month = serializers.DateField(source="period", format="%Y-%m")
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = read_only_fields = [
            "id",
            "kind",
            "month",
            "audience",
            "agreement",
            "centre",
            "language",
            "status",
            "progress",
            "error",
            "sha256",
            "created_at",
            "finished_at",
            "signed_off_at",
            "pdf",
        ]

    def get_pdf(self, run) -> str | None:
        """Where to download the PDF, once the run is done."""
        if run.status != ReportRun.Status.DONE:
            return None
        request = self.context.get("request")
        path = f"/api/v1/reports/{run.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportRun.Kind.choices)
    month = serializers.DateField(
        input_formats=["%Y-%m", "%Y-%m-%d"], help_text="The month reported on, e.g. 2026-10."
    )
    audience = serializers.ChoiceField(choices=ReportRun.Audience.choices)
    agreement = serializers.IntegerField(
        required=False, min_value=1, help_text="For a partner's report: the agreement's id."
    )
    centre = serializers.IntegerField(
        required=False, min_value=1, help_text="For a centre's report: the centre's id."
    )
    language = serializers.ChoiceField(choices=[code for code, _n in settings.LANGUAGES])


class ReportTablesSerializer(serializers.Serializer):
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
