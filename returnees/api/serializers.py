"""People as partners see them: each field belongs to a field group, and a group the policy
does not grant for that person is absent from the response (never null, never masked)."""

from rest_framework import serializers

from repatriation.accounts.roles import FieldGroup
from returnees.models import (
    EvidenceItem,
    Guardianship,
    Household,
    NationalityVerification,
    Relationship,
    RelativeAtHome,
    Returnee,
    ReturneeName,
)

FG = FieldGroup
# Which field group each field of a person belongs to.
PERSON_FIELD_GROUPS: dict[str, FieldGroup] = {
    "id": FG.IDENTITY,
    "case_number": FG.IDENTITY,
    "primary_name": FG.IDENTITY,
    "name_latin": FG.IDENTITY,
    "names": FG.IDENTITY,
    "sex": FG.IDENTITY,
    "date_of_birth": FG.IDENTITY,
    "date_of_birth_estimated": FG.IDENTITY,
    "status": FG.IDENTITY,
    "updated_at": FG.IDENTITY,
    "place_of_birth": FG.IDENTITY,
    "is_unaccompanied": FG.FAMILY,
    "is_separated": FG.FAMILY,
    "is_orphan": FG.FAMILY,
    "household": FG.FAMILY,
    "relationships": FG.FAMILY,
    "phone": FG.CONTACT,
    "claimed_nationality": FG.VERIFICATION,
    "verification_status": FG.VERIFICATION,
    "is_pregnant": FG.MEDICAL,
    "is_injured": FG.MEDICAL,
    "has_disability": FG.MEDICAL,
}


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturneeName
        fields = ["full_name", "script", "kind", "is_primary"]


class RelationshipSerializer(serializers.ModelSerializer):
    relative = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Relationship
        fields = ["kind", "relative"]


class PersonSerializer(serializers.ModelSerializer):
    names = NameSerializer(many=True, read_only=True)
    relationships = RelationshipSerializer(many=True, read_only=True)
    household = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = Returnee
        fields = list(PERSON_FIELD_GROUPS)
        read_only_fields = fields

    def to_representation(self, instance):
        """Only the field groups the view was told (by the policy) this caller may read."""
        groups = self.context["field_groups"](instance)
        data = super().to_representation(instance)
        return {k: v for k, v in data.items() if PERSON_FIELD_GROUPS[k] in groups}


class HouseholdSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = read_only_fields = ["id", "reference", "members"]

    def get_members(self, household) -> list[int]:
        """Only the members the caller may see with the family group (prefetched so)."""
        return sorted(p.pk for p in household.visible_members)


class RelativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RelativeAtHome
        fields = read_only_fields = [
            "id",
            "returnee",
            "full_name",
            "relationship",
            "region",
            "contact",
            "is_verified",
            "version",
        ]


class GuardianshipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guardianship
        fields = read_only_fields = [
            "id",
            "child",
            "guardian_kind",
            "guardian_relative",
            "guardian_returnee",
            "state_body",
            "legal_basis",
            "started_on",
            "ended_on",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceItem
        fields = read_only_fields = ["kind", "confidence", "notes", "added_at"]


class VerificationSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = NationalityVerification
        fields = read_only_fields = [
            "id",
            "returnee",
            "claimed_nationality",
            "claim_notes",
            "decision",
            "decision_reason",
            "decided_at",
            "via_parent",
            "opened_at",
            "evidence",
            "version",
        ]
