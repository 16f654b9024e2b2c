"""What every API view shares: every call is logged in the audit trail (client, endpoint,
records touched, status), lists are cursor-paginated, `?updated_since=` filters."""

from __future__ import annotations

from django.db import models
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from repatriation.accounts.models import ApiClient
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record


class IdCursorPagination(CursorPagination):
    """Keyset pages in id order (`ordering=-id` for newest first): the same cost at any
    depth, stable while rows are added. A bad `page_size` or cursor is a 400, not ignored."""

    ordering = "id"
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return int(value)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {"cursor": ["This cursor is not valid: follow the `next` link as given."]}
            ) from None


class IdFilterSet(filters.FilterSet):
    """Related records are filtered by their id as a plain number: a model choice would
    check the id against the whole table and so tell a caller which ids exist outside its
    scope (200 for someone hidden, 400 for no one)."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": filters.NumberFilter},
        models.OneToOneField: {"filter_class": filters.NumberFilter},
        models.ManyToManyField: {"filter_class": filters.NumberFilter},
    }


class IdFilterBackend(DjangoFilterBackend):
    filterset_base = IdFilterSet


class IdOrdering(OrderingFilter):
    """`ordering=id` (the default) or `ordering=-id`; anything else is a 400."""

    ordering_fields = ["id"]

    def get_ordering(self, request, queryset, view):
        value = request.query_params.get(self.ordering_param)
        if value is not None and value not in ("id", "-id"):
            raise exceptions.ValidationError({"ordering": ["Order by `id` or `-id`."]})
        return [value] if value else ["id"]

    def get_valid_fields(self, queryset, view, context=None):
        return [("id", "id")]


class AuditedViewSet(viewsets.ReadOnlyModelViewSet):
    """Logs each call once, after it is answered, with the ids of the records it returned."""

    pagination_class = IdCursorPagination
    filter_backends = [IdFilterBackend, IdOrdering]
    touched: list[int] = []

    def initial(self, request, *args, **kwargs):
        self.touched = []
        super().initial(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.touched = [row["id"] for row in response.data["results"] if "id" in row]
        return response

    def retrieve(self, request, *args, **kwargs):
        """One record, with its ETag: what `If-Match` must carry to change it."""
        from .writes import etag_of

        record = self.get_object()
        data = self.get_serializer(record).data
        self.touched = [record.pk]
        return Response(data, headers={"ETag": etag_of(record, data)})

    def updated_since(self, queryset):
        value = self.request.query_params.get("updated_since")
        if value is None:
            return queryset
        try:
            moment = parse_datetime(value)
        except ValueError:  # well-formed but impossible, e.g. month 13
            moment = None
        if moment is None or moment.tzinfo is None:
            raise exceptions.ValidationError(
                {"updated_since": ["Give a date and time with its offset, e.g. 2026-11-01T00:00Z."]}
            )
        return queryset.filter(updated_at__gte=moment)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = request.auth if isinstance(request.auth, ApiClient) else None
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            audit_record(
                actor=user,
                kind=AuditKind.API_CALL,
                record_type=self.queryset.model._meta.label_lower
                if getattr(self, "queryset", None) is not None
                else "",
                record_id=str(self.touched[0]) if len(self.touched) == 1 else "",
                changes={"records": [None, self.touched[:500]]} if len(self.touched) > 1 else {},
                detail=f"{request.method} {request.path} {response.status_code}"
                + (f" client={client.pk}" if client else ""),
                request=request,
            )
        return response


class PageContextMixin:
    """For serializers that need to know, for a whole page at once, what the caller may see
    of related people: `page_context(records)` adds to the serializer's context."""

    def page_context(self, records) -> dict:
        return {}

    def get_serializer(self, instance=None, *args, **kwargs):
        if getattr(self, "swagger_fake_view", False) or "data" in kwargs:
            return super().get_serializer(instance, *args, **kwargs)
        records = list(instance) if kwargs.get("many") else [instance] if instance else []
        kwargs["context"] = {**self.get_serializer_context(), **self.page_context(records)}
        return self.get_serializer_class()(
            records if kwargs.get("many") else instance, *args, **kwargs
        )


class PersonRecordViewSet(AuditedViewSet):
    """Records about a person: the caller sees them only for people the policy lets it see
    with the record's field group (a partner: people whose covering agreement grants it).

    `needs` is an action the caller must hold as well (legal proceedings: the role)."""

    field_group = None
    person_field = "returnee"
    needs = None

    def base_queryset(self):
        return self.queryset.model.objects.all()

    def get_queryset(self):
        from repatriation import policy

        model = self.queryset.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        user = self.request.user
        if self.needs is not None and not policy.can(user, self.needs):
            return model.objects.none()
        people = policy.returnees_visible_to(user, self.field_group)
        return self.base_queryset().filter(**{f"{self.person_field}__in": people})
