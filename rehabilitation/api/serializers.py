from rest_framework import serializers

from rehabilitation.models import (
    Activity,
    Centre,
    CustodyPeriod,
    Enrolment,
    LegalProceeding,
    MonthlyAttendance,
    Placement,
    PlanGoal,
    ProgressRating,
    RehabilitationPlan,
    ReintegrationPlan,
    Session,
)
from rehabilitation.services.legal import PROCEEDING_FIELDS
from rehabilitation.services.reintegration import PLAN_FIELDS
from repatriation import policy


class CentreSerializer(serializers.ModelSerializer):
    operator = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Centre
        fields = ["id", "name", "region", "operator", "capacity", "services"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = read_only_fields = ["id", "centre", "kind", "name", "started_on", "ended_on"]


class PlacementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Placement
        fields = read_only_fields = [
            "id",
            "returnee",
            "centre",
            "kind",
            "started_on",
            "ended_on",
            "end_reason",
        ]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = read_only_fields = ["id", "domain", "description", "status", "target_date"]


class PlanSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = RehabilitationPlan
        fields = read_only_fields = [
            "id",
            "returnee",
            "version",
            "last_reviewed_on",
            "next_review_on",
            "goals",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = read_only_fields = [
            "id",
            "returnee",
            "level",
            "institution",
            "grade",
            "started_on",
            "ended_on",
            "teacher_notes",
            "version",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthlyAttendance
        fields = read_only_fields = ["id", "enrolment", "month", "days_expected", "days_present"]


class SessionSerializer(serializers.ModelSerializer):
    participants = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = read_only_fields = [
            "id",
            "centre",
            "kind",
            "format",
            "status",
            "starts_at",
            "duration_minutes",
            "topic",
            "participants",
            "notes",
        ]

    def get_participants(self, session) -> list[int]:
        return sorted(p.pk for p in session.participants.all())

    def get_notes(self, session) -> str | None:
        """None where the notes are confidential to a discipline the caller is not."""
        user = self.context.get("user")
        return session.notes if user and policy.may_read_session_notes(user, session) else None


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressRating
        fields = read_only_fields = [
            "id",
            "returnee",
            "instrument",
            "assessed_on",
            "discipline",
            "scores",
            "disengagement",
        ]


class CustodySerializer(serializers.ModelSerializer):
    class Meta:
        model = CustodyPeriod
        fields = read_only_fields = ["kind", "started_on", "ended_on"]


class LegalProceedingSerializer(serializers.ModelSerializer):
    custody_periods = CustodySerializer(many=True, read_only=True)

    class Meta:
        model = LegalProceeding
        fields = read_only_fields = [
            "id",
            "returnee",
            *PROCEEDING_FIELDS,
            "custody_periods",
            "version",
        ]


class ReintegrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReintegrationPlan
        fields = read_only_fields = ["id", "returnee", *PLAN_FIELDS, "version", "updated_at"]


class EnrolmentInputSerializer(serializers.Serializer):
    returnee = serializers.IntegerField(min_value=1)
    level = serializers.ChoiceField(choices=Enrolment.Level.choices)
    institution = serializers.CharField(max_length=200)
    grade = serializers.CharField(max_length=30, required=False, allow_blank=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, required=False)
    teacher_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AttendanceInputSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1)
    month = serializers.DateField(help_text="The first day of the month, e.g. 2026-10-01.")
    days_expected = serializers.IntegerField(min_value=0, max_value=31)
    days_present = serializers.IntegerField(min_value=0, max_value=31)


class PlacementInputSerializer(serializers.Serializer):
    returnee = serializers.IntegerField(min_value=1, help_text="The person placed.")
    family = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=30,
        help_text="Relatives who move with them (a family stays together as a rule).",
    )
    centre = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(
        choices=[c for c in Placement.Kind.choices if c[0] != Placement.Kind.ADAPTATION]
    )
    started_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    capacity_override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300
    )
    family_split_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
