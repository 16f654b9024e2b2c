"""The OpenAPI schema says what the API does: writes document the fields a client may send
(not the read serializer's), the headers they need, and every error in its one shape."""

from __future__ import annotations

from functools import cache

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

_WRITE_ACTIONS = {"create": "Create", "update": "Update", "partial_update": "Update"}


@cache
def input_for(base, fields: frozenset[str], suffix: str):
    """`base` cut to `fields`, under its own component name (PersonInputCreate, ...)."""

    def cut(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                self.fields.pop(name)

    name = base.__name__.removesuffix("Serializer") + suffix
    return type(name, (base,), {"__init__": cut, "__module__": base.__module__})


class ApiSchema(AutoSchema):
    def _write_action(self) -> str | None:
        view = self.view
        action = getattr(view, "action", None)
        if getattr(view, "input_serializer", None) is None or action not in _WRITE_ACTIONS:
            return None
        return action

    def get_examples(self):
        """A viewset's `examples`: {action: [OpenApiExample, ...]}."""
        action = getattr(self.view, "action", None)
        return list(getattr(self.view, "examples", {}).get(action, []))

    def get_request_serializer(self):
        action = self._write_action()
        if action is None:
            return super().get_request_serializer()
        fields = self.view.create_fields if action == "create" else self.view.update_fields
        return input_for(self.view.input_serializer, frozenset(fields), _WRITE_ACTIONS[action])

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        action = getattr(self.view, "action", None)
        if action == "create" and self._write_action():
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    description="Any unique string (a UUID): a retry with the same key and "
                    "body returns the first answer; another body gets 422. Kept for 24 hours.",
                )
            )
        if action in ("update", "partial_update") or (action == "transitions"):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=True,
                    description="The record's ETag from GET: a stale one gets 412, none 428.",
                )
            )
        return parameters


PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "description": "For 400: each field's messages. For 409 on registration: the "
            "possible duplicates. For a refused workflow step: the reasons.",
            "oneOf": [{"type": "object"}, {"type": "array"}],
        },
    },
    "required": ["type", "title", "status", "detail"],
}
_ERRORS = {
    "400": "Invalid request: `errors` names each field and what is wrong.",
    "401": "No token, or one that is unknown, revoked, expired or used from another address.",
    "403": "The client's access does not allow this operation.",
    "404": "No such record within the client's scope (a record outside it reads the same).",
    "429": "Too many requests: wait for `Retry-After` seconds.",
}
_WRITE_ERRORS = {
    "POST": {
        "409": "A conflict: possible duplicates, a workflow step not possible now, or a key "
        "still in use.",
        "422": "This Idempotency-Key was used with another body.",
    },
    "PUT": {"412": "The record changed since it was read.", "428": "If-Match is missing."},
    "PATCH": {"412": "The record changed since it was read.", "428": "If-Match is missing."},
}


def add_problem_responses(result, generator, request, public):
    """Every operation documents its errors, all `application/problem+json`; a person's
    fields outside the identity group are optional, since each is sent only to callers
    granted its field group."""
    from returnees.api.serializers import PERSON_FIELD_GROUPS

    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    person = components.get("Person")
    if person is not None:
        person["required"] = [
            name for name in person.get("required", []) if PERSON_FIELD_GROUPS[name] == "identity"
        ]
        person["description"] = (
            "A person. A field is present only when the caller's field groups for this person "
            "include the field's group (identity, contact, family, verification, medical)."
        )
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            errors = dict(_ERRORS)
            errors.update(_WRITE_ERRORS.get(method.upper(), {}))
            if method.upper() == "POST" and path.endswith("/transitions/"):
                errors.update(_WRITE_ERRORS["PATCH"])
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result
