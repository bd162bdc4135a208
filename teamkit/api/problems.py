"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json
from marshmallow.exceptions import SCHEMA
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
INVALID_JSON = "The body is not valid JSON."

#: Friendlier words than the HTTP reason phrase, where the phrase says too little.
DETAILS = {
    400: "The request could not be read.",
    401: "Send a personal API token as “Authorization: Bearer <token>”. "
    "Create one on your account page or with `teamkit token create EMAIL`.",
    403: "Your role in this team does not allow this.",
    404: "Nothing here, or nothing you may see.",
    405: "This method is not allowed here.",
    415: "Send the body as JSON with “Content-Type: application/json”.",
    422: "Some fields are invalid.",
    429: "Too many requests; wait a little.",
    500: "Something went wrong on our side; nothing was saved.",
}


#: RFC 9110's names, where Python's HTTPStatus still has the older ones.
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Return a problem+json response.

    Its type is "about:blank", so its title is the status's name, the same for every
    problem with that status (RFC 9457); what went wrong is in `detail`.
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or DETAILS.get(status, HTTPStatus(status).phrase),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested {field: [messages]} into [{field, message}]."""
    found: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            # marshmallow files errors about the whole body (not an object, …) under "_schema".
            key = "body" if key == SCHEMA else key
            name = f"{prefix}.{key}" if prefix else str(key)
            found.extend(_flatten(value, name))
    elif isinstance(messages, list | tuple):
        for message in messages:
            found.extend(_flatten(message, prefix))
    else:
        found.append({"field": prefix or "body", "message": str(messages)})
    return found


def problem_from_http_exception(error: HTTPException) -> Response:
    """Answer a werkzeug/webargs HTTP error as problem+json, naming invalid fields."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    # Keep what the error says in headers (Allow on a 405, …), but not its HTML type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="teamkit"'
    if status == 400 and isinstance(getattr(error, "exc", None), ValueError):
        # webargs could not decode the body (JSON or UTF-8 error): no field to name.
        return problem(status, INVALID_JSON, headers=headers)
    if messages:
        # webargs groups messages by location (json, query, …); the field names matter.
        errors: list[dict[str, str]] = []
        for location_messages in messages.values():
            errors.extend(_flatten(location_messages))
        names = ", ".join(dict.fromkeys(item["field"] for item in errors))
        return problem(status, f"Invalid fields: {names}.", errors=errors, headers=headers)
    detail = DETAILS.get(status)
    if status not in DETAILS or (error.description and not _is_default_description(error)):
        detail = error.description or detail
    if status == 400 and data.get("message") is None and "JSON" in (error.description or ""):
        detail = INVALID_JSON
    return problem(status, detail, headers=headers)


def _is_default_description(error: HTTPException) -> bool:
    return type(error).description == error.description
