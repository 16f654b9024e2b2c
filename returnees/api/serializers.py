"""People as partners see them: each field belongs to a field group, and a group the policy
does not grant for that person is absent from the response (never null, never masked)."""

from rest_framework import serializers
from rest_framework.fields import SkipField

from repatriation.accounts.roles import FieldGroup
from returnees.models import (
    ClosureReason,
    EvidenceItem,
    Guardianship,
    Household,
    NationalityVerification,
    Relationship,
    RelativeAtHome,
    Returnee,
    ReturneeName,
    Sex,
)
from returnees.services import EDITABLE_FIELDS

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
    household = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )

    class Meta:
        model = Returnee
        fields = list(PERSON_FIELD_GROUPS)
        read_only_fields = fields

    def to_representation(self, instance):
        """Only the field groups the view was told (by the policy) this caller may read; the
        others are not even read from the person.

        Written out field by field rather than through DRF's generic fields: a page of a
        hundred people spends a third of the time DRF would (no queryset per nested list;
        the prefetched names and relationships are read as they are). The output is the
        generic one's, byte for byte (tests/returnees/test_api_people.py compares them)."""
        groups = self.context["field_groups"](instance)
        data = {}
        for name, group, convert in _PERSON_FIELDS:
            if group in groups:
                data[name] = convert(instance)
        return data

    def generic_representation(self, instance):
        """DRF's own rendering of the same fields: what to_representation must equal."""
        groups = self.context["field_groups"](instance)
        data = {}
        for field in self._readable_fields:
            if PERSON_FIELD_GROUPS[field.field_name] not in groups:
                continue
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            data[field.field_name] = None if value is None else field.to_representation(value)
        return data


def _related(instance, name: str) -> list:
    """A prefetched relation as the list it already is; queried when it was not prefetched."""
    cached = getattr(instance, "_prefetched_objects_cache", {})
    return cached[name] if name in cached else list(getattr(instance, name).all())


def _names(person) -> list[dict]:
    """From the rows the view attached for the page (selectors.names_attach), else queried."""
    rows = getattr(person, "name_rows", None)
    if rows is None:
        rows = [(n.full_name, n.script, n.kind, n.is_primary) for n in _related(person, "names")]
    return [
        {"full_name": full_name, "script": script, "kind": kind, "is_primary": is_primary}
        for full_name, script, kind, is_primary in rows
    ]


def _iso_date(value):
    return None if value is None else value.isoformat()


_DATETIME = serializers.DateTimeField()


def _attribute(name):
    return lambda person: getattr(person, name)


def _person_converters():
    """(field, group, how to read it) for every field of a person, in the serializer's order."""
    special = {
        "date_of_birth": lambda p: _iso_date(p.date_of_birth),
        "updated_at": lambda p: (
            None if p.updated_at is None else _DATETIME.to_representation(p.updated_at)
        ),
        "names": _names,
        "relationships": lambda p: [
            {"kind": r.kind, "relative": r.relative_id} for r in _related(p, "relationships")
        ],
        "household": lambda p: None if p.household_id is None else p.household.reference,
    }
    return [
        (name, group, special.get(name) or _attribute(name))
        for name, group in PERSON_FIELD_GROUPS.items()
    ]


_PERSON_FIELDS = _person_converters()


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
    guardian_returnee = serializers.SerializerMethodField()

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

    def get_guardian_returnee(self, guardianship) -> int | None:
        """A guardian who is a returnee, by id, only if the caller may see that person."""
        pk = guardianship.guardian_returnee_id
        return pk if pk in self.context.get("visible_guardians", ()) else None


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


# What a client may send about a person: the registry's editable fields that are a
# person's own (not the internal assignment of a caseworker).
PERSON_UPDATE_FIELDS: dict[str, FieldGroup] = {
    name: PERSON_FIELD_GROUPS[name] for name in EDITABLE_FIELDS if name in PERSON_FIELD_GROUPS
}
PERSON_CREATE_FIELDS: dict[str, FieldGroup] = {
    "full_name": FG.IDENTITY,
    "name_latin": FG.IDENTITY,
    "not_duplicate_of": FG.IDENTITY,
    "mother": FG.FAMILY,
    **PERSON_UPDATE_FIELDS,
}


class PersonInputSerializer(serializers.Serializer):
    """Types and formats of what is sent; the registry's services apply the rules."""

    full_name = serializers.CharField(max_length=200, help_text="As recorded, in any script.")
    name_latin = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField()
    date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    place_of_birth = serializers.CharField(max_length=200, required=False, allow_blank=True)
    claimed_nationality = serializers.RegexField(
        r"^[A-Z]{2}$",
        required=False,
        default="KZ",
        error_messages={"invalid": "Two capital letters (ISO 3166), e.g. KZ."},
    )
    phone = serializers.RegexField(
        r"^[+0-9 ()-]{5,40}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Digits, spaces, + ( ) - only, 5 to 40 characters."},
    )
    is_unaccompanied = serializers.BooleanField(required=False, default=False)
    is_separated = serializers.BooleanField(required=False, default=False)
    is_orphan = serializers.BooleanField(required=False, default=False)
    is_pregnant = serializers.BooleanField(required=False, default=False)
    is_injured = serializers.BooleanField(required=False, default=False)
    has_disability = serializers.BooleanField(required=False, default=False)
    mother = serializers.IntegerField(
        required=False, min_value=1, help_text="The mother's id: the child joins her household."
    )
    not_duplicate_of = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=20,
        help_text="People the registry suggested as possible duplicates whom you have checked "
        "and found to be someone else.",
    )


class TransitionSerializer(serializers.Serializer):
    transition = serializers.CharField(max_length=40)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, required=False, allow_blank=True
    )


class RelativeInputSerializer(serializers.Serializer):
    returnee = serializers.IntegerField(min_value=1)
    full_name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=40)
    region = serializers.CharField(max_length=100)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_verified = serializers.BooleanField(required=False, default=False)
