"""People: `/api/v1/people/` and `/api/v1/people/{id}/`, scoped and cut by the policy."""

from django.db.models import Exists, OuterRef, Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.api.base import AuditedViewSet, PageContextMixin, PersonRecordViewSet
from repatriation.api.writes import (
    PreconditionFailed,
    RecordCreate,
    RecordWrites,
    json_object,
    refuse_fields,
    version_from_if_match,
)
from returnees import selectors, services
from returnees.models import (
    CaseStatus,
    Guardianship,
    Household,
    NationalityVerification,
    Relationship,
    RelativeAtHome,
    Returnee,
    Sex,
)

from . import serializers as s
from .serializers import PersonSerializer


class PossibleDuplicates(exceptions.APIException):
    status_code = 409
    default_detail = (
        "This person may already be registered: check the people under `errors.duplicates` "
        "and, if none is the same person, send their ids in `not_duplicate_of`."
    )

    def __init__(self, candidates):
        super().__init__()
        self.errors = {"duplicates": candidates}


class StepRefused(exceptions.APIException):
    status_code = 409
    default_detail = "The case cannot take this step now; see `errors.transition` for why."

    def __init__(self, errors):
        super().__init__()
        self.errors = errors


class PersonFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    sex = filters.ChoiceFilter(choices=Sex.choices)
    born_after = filters.DateFilter(field_name="date_of_birth", lookup_expr="gte")
    born_before = filters.DateFilter(field_name="date_of_birth", lookup_expr="lte")

    class Meta:
        model = Returnee
        fields = ["status", "sex", "born_after", "born_before"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Case number, any name or alias in any script, or a date of birth; "
                "the best 100 matches, not paginated.",
            ),
            OpenApiParameter(
                "updated_since", str, description="ISO date-time with offset: changed since."
            ),
        ]
    )
)
class PersonViewSet(RecordWrites, PageContextMixin, AuditedViewSet):
    """People: register (`POST`), correct (`PATCH`/`PUT` with `If-Match`), move along the
    case workflow (`POST .../transitions/`), all through the registry's services."""

    serializer_class = PersonSerializer
    queryset = Returnee.objects.none()
    filterset_class = PersonFilter
    input_serializer = s.PersonInputSerializer
    create_fields = s.PERSON_CREATE_FIELDS
    update_fields = s.PERSON_UPDATE_FIELDS
    examples = {
        "create": [
            OpenApiExample(
                "A child registered with her mother",
                request_only=True,
                value={
                    "full_name": "Айша Касымова",
                    "name_latin": "Aisha Kassymova",
                    "sex": "F",
                    "date_of_birth": "2017-04-01",
                    "date_of_birth_estimated": True,
                    "claimed_nationality": "KZ",
                    "mother": 1204,
                    "not_duplicate_of": [877],
                },
            )
        ],
        "partial_update": [
            OpenApiExample(
                "A new phone number (send If-Match)",
                request_only=True,
                value={"phone": "+7 701 555 12 34"},
            )
        ],
    }

    def person_of(self, record):
        return record

    def create_person(self, values):
        return None  # the person is being registered

    def writable_groups(self, person):
        if person is None:
            return policy.writable_groups_for_registration(self.request.user)
        return super().writable_groups(person)

    def _create(self, request):
        if not policy.writable_groups_for_registration(request.user):
            raise exceptions.PermissionDenied("Your access does not let you register people.")
        return super()._create(request)

    def record_create(self, values, person):
        user = self.request.user
        mother = None
        if values.get("mother"):
            mother = (
                policy.returnees_visible_to(user, FieldGroup.FAMILY)
                .filter(pk=values["mother"])
                .first()
            )
            if mother is None:
                raise exceptions.ValidationError({"mother": ["There is no such person."]})
        candidates = selectors.duplicate_candidates(
            user=user,
            full_name=values["full_name"],
            date_of_birth=values["date_of_birth"],
            sex=values["sex"],
            estimated=values.get("date_of_birth_estimated", False),
            mother_name=mother.primary_name if mother else "",
        )
        checked = set(values.get("not_duplicate_of", []))
        unchecked = [c for c in candidates if c.returnee.pk not in checked]
        if unchecked:
            raise PossibleDuplicates([{"id": c.returnee.pk, "score": c.score} for c in unchecked])
        flags = {
            name: values[name]
            for name in (
                "is_unaccompanied",
                "is_separated",
                "is_orphan",
                "is_pregnant",
                "is_injured",
                "has_disability",
            )
            if name in values
        }
        person_input = services.PersonInput(
            **{
                name: values[name]
                for name in (
                    "full_name",
                    "sex",
                    "date_of_birth",
                    "date_of_birth_estimated",
                    "place_of_birth",
                    "claimed_nationality",
                    "name_latin",
                    "phone",
                )
                if name in values
            },
            flags=flags,
        )
        findings = [
            services.DuplicateFinding(
                candidate_id=c.returnee.pk,
                score=c.score,
                same_person=False,
                reason="Checked by the API client: not the same person.",
            )
            for c in candidates
        ]
        return services.returnee_register(
            actor=user, person=person_input, mother=mother, findings=findings, request=self.request
        )

    update_service = staticmethod(services.returnee_update)
    update_id_arg = "returnee_id"

    @extend_schema(request=s.TransitionSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        """Take one step of the case workflow (`If-Match` needed): the same steps, rules and
        preconditions as on the case page."""
        from returnees import workflow

        person = self.get_object()
        data = json_object(request)
        refuse_fields(data, dict.fromkeys(("transition", "reason", "closure_reason")), (), None)
        serializer = s.TransitionSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        step = workflow.TRANSITIONS.get(values["transition"])
        if step is None or not step.manual:
            names = sorted(n for n, t in workflow.TRANSITIONS.items() if t.manual)
            raise exceptions.ValidationError(
                {"transition": [f"There is no such step; one of: {', '.join(names)}."]}
            )
        if not policy.can(request.user, step.action, person):
            raise exceptions.PermissionDenied("Your access does not let you take this step.")
        version = version_from_if_match(request, person)
        try:
            person = workflow.case_transition(
                actor=request.user,
                returnee_id=person.pk,
                name=step.name,
                version=version,
                reason=values.get("reason", ""),
                closure_reason=values.get("closure_reason", ""),
                request=request,
            )
        except workflow.StaleEdit:
            raise PreconditionFailed() from None
        except workflow.TransitionRefused as refused:
            raise StepRefused({"transition": [str(r) for r in refused.reasons]}) from None
        return self._answer(person, 200)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Returnee.objects.none()
        user = self.request.user
        people = self.updated_since(policy.returnees_visible_to(user, FieldGroup.IDENTITY))
        return self._with_related(people)

    def _with_related(self, people):
        """Names always; household and relationships (family fields) only for a caller who
        may see that group of someone, and a relationship only to a person the caller sees."""
        user = self.request.user
        if FieldGroup.FAMILY in policy.field_groups_for(user):
            visible = policy.returnees_visible_to(user, FieldGroup.IDENTITY).values("pk")
            people = people.prefetch_related(
                Prefetch(
                    "relationships",
                    queryset=Relationship.objects.filter(relative__in=visible).order_by("id"),
                )
            ).select_related("household")
        return people

    def get_object(self):
        """The one person, as the policy opens it (an opened sealed record too); filters of
        the list, such as `updated_since`, do not apply."""
        return policy.returnee_get_for_user(
            self.request.user, self.kwargs["pk"], with_related=self._with_related
        )

    def page_context(self, records):
        """Field groups come from the policy, for a whole page of people at once; so do the
        names (one query of plain rows, not a prefetch of model instances)."""
        if self.action == "list":  # read through the caller's scope (get_queryset)
            groups = policy.field_groups_for_listed(self.request.user, records)
        else:
            groups = policy.field_groups_for_many(self.request.user, records)
        selectors.names_attach(records)
        return {"field_groups": lambda p: groups.get(p.pk, frozenset())}

    def list(self, request, *args, **kwargs):
        text = request.query_params.get("search", "").strip()
        if not text:
            return super().list(request, *args, **kwargs)
        people = self.filter_queryset(self.get_queryset())
        found = selectors.returnee_search(people=people, text=text[:200])
        data = self.get_serializer(found, many=True).data
        self.touched = [p.pk for p in found]
        return Response({"next": None, "previous": None, "results": data})


class HouseholdViewSet(AuditedViewSet):
    """Households with a member the caller sees with the family group; only those members."""

    serializer_class = s.HouseholdSerializer
    queryset = Household.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        people = policy.returnees_visible_to(self.request.user, FieldGroup.FAMILY)
        return Household.objects.filter(
            Exists(people.filter(household=OuterRef("pk")))
        ).prefetch_related(
            Prefetch(
                "members", queryset=people.only("pk", "household_id"), to_attr="visible_members"
            )
        )


class RelativeViewSet(RecordCreate, PersonRecordViewSet):
    """Relatives at home, for tracing and guardianship; `POST` adds one (family group)."""

    serializer_class = s.RelativeSerializer
    queryset = RelativeAtHome.objects.none()
    field_group = FieldGroup.FAMILY
    filterset_fields = ["returnee", "is_verified"]
    input_serializer = s.RelativeInputSerializer
    create_fields = {
        **dict.fromkeys(
            ("returnee", "full_name", "relationship", "region", "is_verified"), FieldGroup.FAMILY
        ),
        "contact": FieldGroup.CONTACT,
    }

    def record_create(self, values, person):
        return services.relative_add(
            actor=self.request.user,
            returnee=person,
            full_name=values["full_name"],
            relationship=values["relationship"],
            region=values["region"],
            contact=values.get("contact", ""),
            is_verified=values.get("is_verified", False),
        )


class GuardianshipViewSet(PageContextMixin, PersonRecordViewSet):
    serializer_class = s.GuardianshipSerializer
    queryset = Guardianship.objects.none()
    field_group = FieldGroup.FAMILY
    person_field = "child"
    filterset_fields = ["child", "guardian_kind"]

    def page_context(self, records):
        ids = {g.guardian_returnee_id for g in records if g.guardian_returnee_id}
        visible = policy.returnees_visible_to(self.request.user).filter(pk__in=ids)
        return {"visible_guardians": set(visible.values_list("pk", flat=True))}


class VerificationViewSet(PersonRecordViewSet):
    serializer_class = s.VerificationSerializer
    queryset = NationalityVerification.objects.none()
    field_group = FieldGroup.VERIFICATION
    filterset_fields = ["returnee", "decision"]

    def base_queryset(self):
        return NationalityVerification.objects.prefetch_related("evidence")
