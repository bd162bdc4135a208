"""Helpers shared by every capability's forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

from teamkit.errors import ServiceError


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


def required(missing: str, maximum: int) -> list[Any]:
    """Return the checks of a required field: present (else `missing`), at most `maximum` long."""
    return [
        DataRequired(missing),
        Length(max=maximum, message=f"Use at most {maximum} characters."),
    ]
