"""Helpers shared by every capability's forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation

from teamkit.errors import ServiceError
from teamkit.validation import Text


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
