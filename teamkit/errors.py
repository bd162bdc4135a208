"""Errors a service raises; the portal and the API each turn them into an answer a person reads."""

from __future__ import annotations

import enum
from typing import TypeVar

from flask import g, has_request_context

Choice = TypeVar("Choice", bound=enum.StrEnum)


class ServiceError(Exception):
    """A request that can't be carried out, with a message for a person."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        #: Field name -> message, for errors that belong beside a form field.
        self.errors: dict[str, str] = {field: detail} if field else {}
        # A view may catch this and still answer 303 (flash and redirect), so the request's
        # transaction can't tell from the status that a service failed: it is told here,
        # and keeps nothing the service wrote before raising (see db.init_app).
        if has_request_context():
            g.setdefault("service_errors", []).append(self)

    def dismiss(self) -> None:
        """Say this error was dealt with where it was caught and nothing was half-written
        (a lookup that may find nothing), so the request may keep what it writes."""
        if has_request_context() and self in g.get("service_errors", ()):
            g.service_errors.remove(self)


class InvalidInput(ServiceError):
    """Input that breaks a rule; `errors` names the fields."""

    status = 422
    title = "Invalid input"

    def __init__(self, errors: dict[str, str]) -> None:
        detail = "; ".join(f"{name}: {message}" for name, message in errors.items())
        super().__init__(detail)
        self.errors = dict(errors)


class Conflict(ServiceError):
    """Input that clashes with what exists (a taken email or slug)."""

    status = 409
    title = "Conflict"


class Forbidden(ServiceError):
    """A member whose role doesn't allow this."""

    status = 403
    title = "Forbidden"


class NotFound(ServiceError):
    """Nothing here, or nothing this person may see (the same answer, on purpose)."""

    status = 404
    title = "Not found"


class Gone(ServiceError):
    """Something that was valid once and no longer is (an expired or used invite)."""

    status = 410
    title = "Gone"


def parse_choice(kind: type[Choice], value: str | Choice, field: str) -> Choice:
    """Return the member of `kind` named `value`, or raise InvalidInput naming the choices."""
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise InvalidInput({field: f"Choose one of: {names}."}) from None
