from rest_framework import serializers

from repatriation.operations.models import ManifestEntry, Operation, TransitLeg


class LegSerializer(serializers.ModelSerializer):
    origin = serializers.SlugRelatedField(slug_field="name", read_only=True)
    destination = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = TransitLeg
        fields = read_only_fields = [
            "sequence",
            "origin",
            "destination",
            "mode",
            "carrier",
            "flight_number",
            "scheduled_departure",
            "scheduled_arrival",
            "actual_departure",
            "actual_arrival",
            "arrives_home",
        ]


class OperationSerializer(serializers.ModelSerializer):
    legs = LegSerializer(many=True, read_only=True)
    lead_organisation = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )

    class Meta:
        model = Operation
        fields = read_only_fields = [
            "id",
            "code",
            "name",
            "origin_country",
            "status",
            "planned_departure",
            "planned_return",
            "started_on",
            "ended_on",
            "lead_organisation",
            "legs",
            "version",
        ]


class ManifestEntrySerializer(serializers.ModelSerializer):
    split_reason = serializers.SerializerMethodField()

    class Meta:
        model = ManifestEntry
        fields = read_only_fields = ["id", "operation", "returnee", "split_reason", "added_at"]

    def get_split_reason(self, entry) -> str | None:
        """Why the family travels apart: a family field, null without that group."""
        return entry.split_reason if entry.returnee_id in self.context.get("family", ()) else None
