"""API schema fields built from the services' input rules (`teamkit.validation`).

The OpenAPI document shows each rule's limits (they are marshmallow's own validators),
and a client that breaks one reads the service's words, as a portal user does.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from teamkit.errors import InvalidInput
from teamkit.validation import (
    DATE_MAX,
    DATE_MESSAGE,
    DATE_MIN,
    DATETIME_MESSAGE,
    FINITE_MESSAGE,
    LINE_BREAKERS,
    NUMBER_MAX,
    NUMBER_MESSAGE,
    PYTHON_SPACE,
    RANGE_MESSAGE,
    Text,
    WholeNumber,
    to_datetime,
    too_long,
)


class TextLength(validate.Length):
    """A length check worded by a `Text` rule (trimmed, as the service trims it)."""

    def __init__(self, rule: Text) -> None:
        super().__init__(min=1 if rule.is_required else None, max=rule.maximum)
        self.rule = rule

    def __call__(self, value: Any) -> Any:
        problem = self.rule.message(value)
        if problem is None and isinstance(value, str) and len(value) > self.rule.maximum:
            # The document's maxLength counts what is sent, spaces around it included.
            problem = too_long(self.rule.maximum)
        if problem is not None:
            raise ValidationError(problem)
        return value


#: Text a database can store: no NUL character (teamkit.inputs refuses it with a 422).
STORABLE_TEXT = "^[^\\u0000]*$"
#: The same as STORABLE_TEXT, and not blank: a required text holds something the service
#: doesn't trim.
STORABLE_FILLED_TEXT = f"^[^\\u0000]*[^{PYTHON_SPACE}\\u0000][^\\u0000]*$"
_CORE = f"[^{PYTHON_SPACE}{LINE_BREAKERS}](?:[^{LINE_BREAKERS}]*[^{PYTHON_SPACE}{LINE_BREAKERS}])?"
#: A one-line text (`Text(is_one_line=True)`): what the service trims around it, and inside
#: no control character or line separator.
ONE_LINE_TEXT = f"^[{PYTHON_SPACE}]*(?:{_CORE})?[{PYTHON_SPACE}]*$"
#: The same as ONE_LINE_TEXT, and not blank.
ONE_LINE_FILLED_TEXT = f"^[{PYTHON_SPACE}]*{_CORE}[{PYTHON_SPACE}]*$"
#: A date in DATE_MIN..DATE_MAX, for the OpenAPI document (JSON Schema has no date range).
DATE_PATTERN = "^(?:19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"
#: A date and time from DATE_MIN's year to DATE_MAX's, for the OpenAPI document.
DATETIME_PATTERN = "^(?:19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}T"


def text_field(rule: Text, *, required: bool | None = None, **kwargs: Any) -> fields.String:
    """Return a string field checked by `rule`; required (on create) when the rule says so."""
    metadata = kwargs.pop("metadata", {})
    if rule.is_one_line:
        pattern = ONE_LINE_FILLED_TEXT if rule.is_required else ONE_LINE_TEXT
    else:
        pattern = STORABLE_FILLED_TEXT if rule.is_required else STORABLE_TEXT
    metadata.setdefault("pattern", pattern)
    kwargs["metadata"] = metadata
    required = rule.is_required if required is None else required
    if rule.is_required:
        kwargs.setdefault("error_messages", {"required": rule.missing, "null": rule.missing})
    else:
        kwargs.setdefault("allow_none", True)
    return fields.String(required=required, validate=TextLength(rule), **kwargs)


def number_field(**kwargs: Any) -> fields.Float:
    """Return a field for a finite number: no NaN, no infinity, no absurd magnitude."""
    return fields.Float(
        allow_nan=False,
        validate=validate.Range(-NUMBER_MAX, NUMBER_MAX, error=RANGE_MESSAGE),
        error_messages={"invalid": NUMBER_MESSAGE, "special": FINITE_MESSAGE},
        **kwargs,
    )


class JsonInteger(fields.Integer):
    """A JSON integer: 3, or 3.0 (the same number in JSON), never "3", 3.5 or true."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class JsonBoolean(fields.Boolean):
    """A JSON boolean: true or false, never 0, 1 or "true"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def whole_number_field(rule: WholeNumber, **kwargs: Any) -> fields.Integer:
    """Return an integer field checked by `rule`, with its words."""
    return JsonInteger(
        validate=validate.Range(rule.low, rule.high, error=rule.message),
        error_messages={"invalid": rule.message, "null": rule.message, "required": rule.message},
        **kwargs,
    )


def date_field(**kwargs: Any) -> fields.Date:
    """Return a field for a YYYY-MM-DD date from DATE_MIN to DATE_MAX, with the rule's words."""
    metadata = {"description": DATE_MESSAGE, "pattern": DATE_PATTERN, **kwargs.pop("metadata", {})}
    return fields.Date(
        validate=validate.Range(DATE_MIN, DATE_MAX, error=DATE_MESSAGE),
        error_messages={"invalid": DATE_MESSAGE},
        metadata=metadata,
        **kwargs,
    )


def _check_datetime(value: Any) -> None:
    try:
        to_datetime(value, "value")
    except InvalidInput:
        raise ValidationError(DATETIME_MESSAGE) from None


def datetime_field(**kwargs: Any) -> fields.DateTime:
    """Return a field for an ISO 8601 date and time from 1900 to 9999 (UTC without an offset),
    with the rule's words."""
    metadata = {"pattern": DATETIME_PATTERN, **kwargs.pop("metadata", {})}
    metadata.setdefault("description", f"{DATETIME_MESSAGE[:-1]}, in UTC or with an offset.")
    return fields.DateTime(
        validate=_check_datetime,
        error_messages={"invalid": DATETIME_MESSAGE},
        metadata=metadata,
        **kwargs,
    )
