"""Helpers shared by every capability's forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, Field
from wtforms.validators import Optional, StopValidation

from teamkit.dates import iso_date
from teamkit.errors import ServiceError
from teamkit.validation import DATE_MAX, DATE_MESSAGE, DATE_MIN, Text, date_message


class ConfirmForm(FlaskForm):
    """A button-only form: the CSRF token is its content."""


class TextCheck:
    """A form field's check by a service's `Text` rule, with the service's words.

    It also sets the input's `maxlength` (and `required`) attributes.
    """

    def __init__(self, rule: Text) -> None:
        self.rule = rule
        self.field_flags: dict[str, Any] = {"maxlength": rule.maximum}
        if rule.is_required:
            self.field_flags["required"] = True

    def __call__(self, form: FlaskForm, field: Field) -> None:
        problem = self.rule.message(field.data)
        if problem is not None:
            raise StopValidation(problem)


def text_rules(rule: Text) -> list[Any]:
    """Return the validators of a text field that `rule` checks."""
    return [TextCheck(rule)]


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's errors beside the form's fields; the rest goes above the form."""
    leftover = []
    for name, message in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), message]
        else:
            leftover.append(message)
    if not error.errors:
        leftover.append(error.detail)
    form.form_errors.extend(leftover)


def _check_date(form: FlaskForm, field: Field) -> None:
    problem = date_message(field.data) if field.data is not None else None
    if problem is not None:
        raise StopValidation(problem)


class IsoDateField(DateField):
    """An optional YYYY-MM-DD date in the shared range, always shown with a four-digit year.

    WTForms writes the value with strftime, which gives "1-01-01" for the year 1 on some
    platforms: a browser shows that as empty, and saving the form unchanged erased it.
    """

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label,
            validators=[Optional(), _check_date],
            invalid_value_message=DATE_MESSAGE,
            render_kw={"min": iso_date(DATE_MIN), "max": iso_date(DATE_MAX)},
            **kwargs,
        )

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return iso_date(self.data)
