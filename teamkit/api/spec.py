"""Document in the OpenAPI document the problem+json answers the API really gives."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import APISpec, BasePlugin
from marshmallow import Schema, fields

from teamkit.api.problems import PROBLEM_TYPE

#: Methods whose JSON body the API reads (and answers 400 or 415 about).
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class FieldErrorSchema(Schema):
    """One invalid field and what is wrong with it."""

    field = fields.String(required=True, metadata={"description": "e.g. `title`, `measure.unit`"})
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """An RFC 9457 problem: what went wrong, for people and for programs."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True, metadata={"example": "Unprocessable Content"})
    status = fields.Integer(required=True, metadata={"example": 422})
    detail = fields.String(required=True, metadata={"example": "Invalid fields: slogan."})
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata={"description": "The invalid fields, on a 422."},
    )


def _reference(status: int | str) -> str:
    return f"Problem{status}"


class ProblemResponses(BasePlugin):
    """Give every operation the error answers it may give, each as problem+json.

    401 for every call without a valid token; 404 where the path names a team or a row;
    403 inside a team (a role may not allow it); 400 and 415 where a JSON body is read;
    422 for invalid fields; `default` for the rest (409, 410, 429, 500), all with the
    Problem schema.
    """

    def init_spec(self, spec: APISpec) -> None:
        spec.components.schema("Problem", schema=ProblemSchema)
        for status in (400, 401, 403, 404, 415, 422):
            spec.components.response(
                _reference(status),
                {
                    "description": HTTPStatus(status).phrase,
                    "content": {PROBLEM_TYPE: {"schema": "Problem"}},
                },
            )
        spec.components.response(
            _reference("Default"),
            {
                "description": "Any other error (409, 410, 429, 500).",
                "content": {PROBLEM_TYPE: {"schema": "Problem"}},
            },
        )

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = [401]
            if "{" in (path or ""):
                statuses.append(404)
            if "{slug}" in (path or ""):
                statuses.append(403)
            # A DELETE may read a body too (a team's deletion repeats its slug in one).
            if method.upper() in BODY_METHODS or "requestBody" in operation:
                statuses.extend((400, 415, 422))
            if "parameters" in operation or "422" in operation["responses"]:
                statuses.append(422)
            responses = operation["responses"]
            for status in statuses:
                responses[str(status)] = _reference(status)
            responses["default"] = _reference("Default")
