"""Writes through the API: every change goes through the app's services, as on the pages.

- `ETag` on every record; `PATCH` and `PUT` need `If-Match` with it (`428` without, `412`
  when stale), and the service re-checks the version under a row lock, so of many clients
  patching one record at once exactly one wins and no acknowledged update is lost.
- `POST` accepts an `Idempotency-Key`: the same key and body get the first answer again; the
  same key with another body gets `422`.
- A field the caller may not write (outside its writable field groups, read-only, unknown)
  is refused with `400` naming it, never silently ignored.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.response import Response

from repatriation import policy
from repatriation.accounts.models import IdempotencyKey
from repatriation.accounts.roles import FieldGroup
from repatriation.accounts.services import IDEMPOTENCY_KEY_HOURS


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record changed since you read it: GET it again and send its ETag in If-Match."
    )


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the record's ETag (from GET) to change it."


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used with another request body."


def etag_of(record, data=None) -> str:
    """A strong ETag: the record's version where it has one, else a digest of what was sent."""
    version = getattr(record, "version", None)
    if version is not None:
        return f'"{version}"'
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return f'"h{hashlib.sha256(body).hexdigest()[:24]}"'


def version_from_if_match(request, record) -> int:
    """The version the client saw, from `If-Match`; `*` is refused like a missing header,
    since it would overwrite whatever is there."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag_of(record) not in tags:
        raise PreconditionFailed()
    return record.version


def as_api_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's validation error, field by field, in the API's shape."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                for name, messages in error.message_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in error.messages]})


def refuse_fields(data: dict, writable: dict[str, FieldGroup | None], readable, granted) -> None:
    """400 naming every field sent that the caller may not write here."""
    errors = {}
    for name in data:
        if name not in writable:
            errors[name] = [
                "This field is read-only." if name in readable else "There is no such field."
            ]
        elif writable[name] is not None and writable[name] not in granted:
            errors[name] = [
                f"Your access does not let you write the {writable[name].value} field group "
                "for this person."
            ]
    if errors:
        raise exceptions.ValidationError(errors)


def json_object(request) -> dict:
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError(
            {"non_field_errors": ["Send a JSON object with the record's fields."]}
        )
    return request.data


class RecordWriteBase:
    """What creating and changing share. A viewset sets `create_fields` and/or
    `update_fields` ({field: field group}) and an `input_serializer` that checks types;
    `person_of` gives the person a record is about (whose writable groups apply)."""

    create_fields: dict[str, FieldGroup] = {}
    update_fields: dict[str, FieldGroup] = {}
    input_serializer = None
    create_person_field = "returnee"

    def person_of(self, record):
        return getattr(record, self.person_field)

    def readable_fields(self) -> set[str]:
        return set(self.get_serializer_class()().fields)

    def writable_groups(self, person) -> frozenset[FieldGroup]:
        return policy.writable_groups_for_many(self.request.user, [person])[person.pk]

    def _validated(self, data: dict, *, partial: bool, fields) -> dict:
        serializer = self.input_serializer(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return {k: v for k, v in serializer.validated_data.items() if k in fields}

    def _answer(self, record, code) -> Response:
        policy.request_memo_forget(self.request.user)  # the write may have moved someone
        record = self.get_queryset().get(pk=record.pk)  # as the caller may read it
        data = self.get_serializer(record).data
        self.touched = [record.pk]
        headers = {"ETag": etag_of(record, data)}
        if code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(f"{record.pk}/")
        return Response(data, status=code, headers=headers)


class RecordCreate(RecordWriteBase):
    """`POST` through `record_create(values, person)`, which calls a service."""

    def create_person(self, values: dict):
        """The person a new record is about, in the caller's scope for the endpoint's group
        (an id out of scope reads exactly like one that does not exist)."""
        pk = values.get(self.create_person_field)
        person = (
            policy.returnees_visible_to(self.request.user, self.field_group)
            .filter(pk=getattr(pk, "pk", pk))
            .first()
        )
        if person is None:
            raise exceptions.ValidationError(
                {self.create_person_field: ["There is no such person."]}
            )
        return person

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return self._create(request)
        if not 1 <= len(key) <= 200:
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["Send a key of 1 to 200 characters, e.g. a UUID."]}
            )
        body = json.dumps(request.data, sort_keys=True, default=str)
        fingerprint = hashlib.sha256(
            f"{request.method} {request.path}\n{body}".encode()
        ).hexdigest()
        with transaction.atomic():
            # A concurrent request with the same key waits here for the first to finish.
            IdempotencyKey.objects.bulk_create(
                [IdempotencyKey(account=request.user, key=key, fingerprint=fingerprint)],
                ignore_conflicts=True,
            )
            row = IdempotencyKey.objects.select_for_update().get(account=request.user, key=key)
            if row.created_at < timezone.now() - timedelta(hours=IDEMPOTENCY_KEY_HOURS):
                # Expired, whether or not the hourly sweep has run: the key starts anew.
                row.fingerprint, row.created_at = fingerprint, timezone.now()
                row.status_code, row.response, row.location = None, None, ""
            if row.fingerprint != fingerprint:
                raise KeyReused()
            if row.status_code is not None:
                # The first answer again, only while the caller may still see its record.
                replayed = row.response.get("id") if isinstance(row.response, dict) else None
                if replayed is not None and not self.get_queryset().filter(pk=replayed).exists():
                    raise exceptions.NotFound()
                headers = {"Idempotent-Replayed": "true"}
                if row.location:
                    headers["Location"] = row.location
                self.touched = [replayed] if replayed is not None else []
                return Response(row.response, status=row.status_code, headers=headers)
            response = self._create(request)  # an error rolls the key back with the rest
            row.status_code = response.status_code
            row.response = response.data
            row.location = response.get("Location", "")
            row.save()
            return response

    def _create(self, request) -> Response:
        data = json_object(request)
        refuse_fields(data, self.create_fields, self.readable_fields(), set(FieldGroup))
        values = self._validated(data, partial=False, fields=self.create_fields)
        person = self.create_person(values)
        refuse_fields(data, self.create_fields, set(), self.writable_groups(person))
        try:
            record = self.record_create(values, person)
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        return self._answer(record, status.HTTP_201_CREATED)


class RecordUpdate(RecordWriteBase):
    """`PUT` and `PATCH` with `If-Match`, through `update_service`: a versioned service
    taking the actor, the record's id as `update_id_arg`, the version and the values."""

    update_service = None
    update_id_arg = ""

    def record_update(self, record, version, values):
        return self.update_service(
            actor=self.request.user,
            **{self.update_id_arg: record.pk},
            version=version,
            values=values,
            request=self.request,
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.get("partial", False)
        record = self.get_object()
        data = json_object(request)
        granted = self.writable_groups(self.person_of(record))
        if not granted:
            raise exceptions.PermissionDenied("Your access does not let you change this record.")
        version = version_from_if_match(request, record)
        refuse_fields(data, self.update_fields, self.readable_fields(), granted)
        fields = {name for name, group in self.update_fields.items() if group in granted}
        if not partial:
            missing = sorted(fields - set(data))
            if missing:
                raise exceptions.ValidationError(
                    {name: ["PUT replaces every field you may write: send it."] for name in missing}
                )
        values = self._validated(data, partial=True, fields=fields)
        from returnees.workflow import StaleEdit

        try:
            record = self.record_update(record, version, values)
        except StaleEdit:
            raise PreconditionFailed() from None
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        return self._answer(record, status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class RecordWrites(RecordCreate, RecordUpdate):
    """Both: `POST`, and `PUT`/`PATCH`."""
