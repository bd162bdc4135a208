"""Errors a service raises; the portal and the API each turn them into an answer a person reads."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that can't be carried out, with a message for a person.

    A plain exception: raised, it answers the request with an error status, and the
    request's transaction rolls back. A view that catches one and still answers runs the
    service through `teamkit.forms.attempt`, in a savepoint that the error rolls back.
    """

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        #: Field name -> message, for errors that belong beside a form field.
        self.errors: dict[str, str] = {field: detail} if field else {}


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
