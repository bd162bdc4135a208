"""Helpers shared by every capability's forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_wtf import FlaskForm
from wtforms import DateField, Field
from wtforms.validators import Optional, StopValidation

from teamkit.dates import iso_date
from teamkit.db import get_session
from teamkit.errors import InvalidInput, ServiceError
from teamkit.validation import DATE_MAX, DATE_MESSAGE, DATE_MIN, Text, WholeNumber, date_message


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


class NumberCheck:
    """A form field's check by a service's `WholeNumber` rule, with the service's words.

    It sets no `min`/`max` on the input: the browser would then stop the form with its own
    words, where the page shows the rule's.
    """

    def __init__(self, rule: WholeNumber) -> None:
        self.rule = rule

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data is None:
            if field.errors:
                return  # the field's own message says it isn't a whole number
            raise StopValidation(self.rule.message)  # left out of the form altogether
        try:
            self.rule.clean(field.data, field.name)
        except InvalidInput:
            raise StopValidation(self.rule.message) from None


def number_rules(rule: WholeNumber) -> list[Any]:
    """Return the validators of a whole-number field that `rule` checks."""
    return [NumberCheck(rule)]


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's errors beside the form's fields; the rest goes above the form.

    A form whose fields are named otherwise than the service's says so in its
    `service_fields` (service's name -> field's name); one whose page shows some errors
    itself names their prefixes in `shown_elsewhere`; an error that names no field goes
    beside the form's `detail_field`, if it has one.
    """
    leftover = []
    renamed: dict[str, str] = getattr(form, "service_fields", {})
    elsewhere: tuple[str, ...] = getattr(form, "shown_elsewhere", ())
    for name, message in (error.errors or {}).items():
        if name.startswith(elsewhere):
            continue
        field = getattr(form, renamed.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), message]
        else:
            leftover.append(message)
    detail_field = getattr(form, getattr(form, "detail_field", None) or "", None)
    if not error.errors and detail_field is not None:
        detail_field.errors = [*list(detail_field.errors), error.detail]
    elif not error.errors:
        leftover.append(error.detail)
    form.form_errors.extend(leftover)


T = TypeVar("T")


@dataclass
class Attempt(Generic[T]):
    """What running a service for a request gave: its value, or the error it raised."""

    #: The form the service ran for, if any: its status says how to answer.
    form: FlaskForm | None = None
    #: True once the service ran and returned.
    ok: bool = False
    #: The service's error, when it raised one.
    error: ServiceError | None = None
    _value: Any = None

    @property
    def value(self) -> T:
        """Return what the service returned (only once it returned)."""
        if not self.ok:
            raise RuntimeError("the service did not run to the end")
        return self._value  # type: ignore[no-any-return]

    @property
    def status(self) -> int:
        """Return the status of the page that shows the form again: 422 once it was sent."""
        return form_status(self.form) if self.form is not None else 200


def form_status(form: FlaskForm) -> int:
    """Return the status of a page with `form`: 200 shown fresh, 422 sent back with errors."""
    return 422 if form.is_submitted() else 200


def attempt(service: Callable[[], T], form: FlaskForm | None = None) -> Attempt[T]:
    """Run `service` in a savepoint of the request's transaction.

    On a ServiceError the savepoint is rolled back, so the request keeps nothing the
    service wrote, whatever the view answers (a redirect, a page); the error goes beside
    `form`'s fields and is returned. Any other error propagates.
    """
    result: Attempt[T] = Attempt(form)
    try:
        with get_session().begin_nested():
            result._value = service()
    except ServiceError as error:
        result.error = error
        if form is not None:
            show_service_error(form, error)
        return result
    result.ok = True
    return result


def submit_form(form: FlaskForm, service: Callable[[], T]) -> Attempt[T]:
    """Run `service` (see `attempt`) if `form` was sent and is valid.

    The attempt's `status` answers the form's page: 200 when it is shown fresh, 422 when
    it comes back with errors, its own or the service's.
    """
    if not form.validate_on_submit():
        return Attempt(form)
    return attempt(service, form)


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
