"""Input rules every capability shares, each with one wording.

A service checks its input with these rules; its forms (`teamkit.forms`) and API
schemas (`teamkit.api.fields`) are built from the same rules, so a portal user and an
API client who make the same mistake read the same message.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.errors import InvalidInput

#: Largest magnitude a number may have: well inside a double, and readable.
NUMBER_MAX = 1e12
NUMBER_MESSAGE = "Enter a number, e.g. 42 or 3.5."
FINITE_MESSAGE = "Enter a finite number, not infinity or NaN."
RANGE_MESSAGE = f"Enter a number between -{NUMBER_MAX:g} and {NUMBER_MAX:g}."
SEPARATOR_MESSAGE = "Use a dot for decimals and no thousands separators, e.g. 1234.5."
#: Dates teamkit takes: four-digit years that every page, form and database writes alike.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(9999, 12, 31)
#: Times teamkit takes: within the same years, so every page shows a four-digit year.
DATETIME_MIN = datetime(DATE_MIN.year, 1, 1, tzinfo=UTC)
DATETIME_MAX = datetime(DATE_MAX.year, 12, 31, 23, 59, 59, tzinfo=UTC)
#: The portal takes times in the team's zone, the API in UTC or with an offset: the rule's
#: words name no zone, and the API's description adds its own.
DATETIME_MESSAGE = (
    f"Enter a date and time from {DATE_MIN.year} to {DATE_MAX.year}, as YYYY-MM-DDTHH:MM."
)
DATE_MESSAGE = f"Enter a date from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}, as YYYY-MM-DD."


#: The largest id a row can have: PostgreSQL's `integer`.
ROW_ID_MAX = 2**31 - 1


def to_row_id(value: Any) -> int | None:
    """Return `value` as an id a row could have (1 to PostgreSQL's `integer`), or None.

    A form's select sends the id as text; anything else names no row, and a number past
    the column's range must not reach the database, where PostgreSQL refuses it outright.
    """
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= ROW_ID_MAX else None


def team_row_ids(
    session: Session, model: Any, team_id: int, values: Iterable[Any], field: str, message: str
) -> list[int]:
    """Return `values` as ids of the team's `model` rows (each once, in order), or raise
    InvalidInput naming `field` with `message` when one is not an id of such a row.

    `model` is a mapped class with `id` and `team_id` columns (a membership, a goal, …).
    """
    wanted: list[int] = []
    for value in values:
        number = to_row_id(value)
        if number is None:
            raise InvalidInput({field: message})
        if number not in wanted:
            wanted.append(number)
    if wanted:
        found = session.scalars(
            select(model.id).where(model.team_id == team_id, model.id.in_(wanted))
        )
        if set(found) != set(wanted):
            raise InvalidInput({field: message})
    return wanted


def team_row_id(
    session: Session, model: Any, team_id: int, value: Any, field: str, message: str
) -> int | None:
    """Return `value` as the id of one of the team's `model` rows, None when blank, or
    raise InvalidInput naming `field` (see team_row_ids).
    """
    if value is None or value == "":
        return None
    [number] = team_row_ids(session, model, team_id, [value], field, message)
    return number


#: What Python's str.strip() (and so `Text`) trims: every character str.isspace() names.
#: Spelled out, because `\s` means less in JSON Schema's regular expressions (no
#: U+001C..U+001F, no U+0085) and more (U+FEFF), so a text of those would be judged
#: "filled" by the OpenAPI document and empty by the service, or the other way round.
#: For a character class in a pattern: `[^{PYTHON_SPACE}]` is anything Text keeps.
PYTHON_SPACE = (
    "\\t\\n\\u000b\\u000c\\r\\u001c-\\u0020\\u0085\\u00a0\\u1680"
    "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)


#: What a service says of a field it doesn't take.
CANT_BE_SET = "This field can't be set."

Member = TypeVar("Member", bound=enum.StrEnum)
#: What a one-line text (a name, a title, a slogan) can't hold inside it: control
#: characters (line breaks, tabs, escapes) and Unicode's line and paragraph separators.
#: Spelled for a character class, as PYTHON_SPACE is.
LINE_BREAKERS = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029"
_LINE_BREAKERS = re.compile(f"[{LINE_BREAKERS}]")
ONE_LINE_MESSAGE = "Keep it on one line: remove line breaks, tabs and other control characters."


def too_long(maximum: int) -> str:
    """Say that a text is longer than `maximum` characters."""
    return f"Use at most {maximum} characters."


def whole_number_range(low: int, high: int) -> str:
    """Say which whole numbers a field takes."""
    return f"Choose a whole number from {low} to {high}."


@dataclass(frozen=True)
class Text:
    """A text field's rule: at most `maximum` characters; required when `missing` is set;
    with `is_one_line`, no line break or other control character inside."""

    maximum: int
    #: What to say when it is empty; None makes the field optional.
    missing: str | None = None
    #: A name, title or slogan: it goes into headers, subjects and single lines.
    is_one_line: bool = False

    @property
    def is_required(self) -> bool:
        return self.missing is not None

    def message(self, value: str | None) -> str | None:
        """Return what is wrong with `value` (after trimming), or None."""
        text = (value or "").strip()
        if self.missing is not None and not text:
            return self.missing
        if len(text) > self.maximum:
            return too_long(self.maximum)
        if self.is_one_line and _LINE_BREAKERS.search(text):
            return ONE_LINE_MESSAGE
        return None

    def clean(self, value: str | None, field: str) -> str:
        """Return `value` trimmed, or raise InvalidInput naming `field`."""
        problem = self.message(value)
        if problem is not None:
            raise InvalidInput({field: problem})
        return (value or "").strip()

    __call__ = clean


@dataclass(frozen=True)
class WholeNumber:
    """A whole-number field's rule: from `low` to `high`."""

    low: int
    high: int
    #: What to say when the number is missing or out of range, where the plain range
    #: wouldn't tell a person why.
    wording: str | None = None

    @property
    def message(self) -> str:
        return self.wording or whole_number_range(self.low, self.high)

    def clean(self, value: int | str | None, field: str) -> int:
        """Return `value` as an int in range, or raise InvalidInput naming `field`."""
        if isinstance(value, bool):
            raise InvalidInput({field: self.message})
        try:
            number = int(str(value).strip())
        except ValueError:
            raise InvalidInput({field: self.message}) from None
        if not self.low <= number <= self.high:
            raise InvalidInput({field: self.message})
        return number

    __call__ = clean


def parse_choice(kind: type[Member], value: str | Member, field: str) -> Member:
    """Return the member of `kind` named `value`, or raise InvalidInput naming the choices."""
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise InvalidInput({field: f"Choose one of: {names}."}) from None


@dataclass(frozen=True)
class Choice(Generic[Member]):
    """A field's rule: one of the members of `kind`; an empty value means `default`."""

    kind: type[Member]
    default: str = ""

    def clean(self, value: str | Member | None, field: str) -> Member:
        """Return the member named `value`, or raise InvalidInput naming the choices."""
        return parse_choice(self.kind, value or self.default, field)

    __call__ = clean


@dataclass(frozen=True)
class DateTime:
    """A date-and-time field's rule (UTC); required when `missing` is set."""

    #: What to say when it is empty; None makes the field optional.
    missing: str | None = None

    def clean(self, value: datetime | str | None, field: str) -> datetime | None:
        """Return `value` as an aware UTC datetime, or raise InvalidInput naming `field`."""
        moment = to_datetime(value, field)
        if moment is None and self.missing is not None:
            raise InvalidInput({field: self.missing})
        return moment

    __call__ = clean


@dataclass(frozen=True)
class Flag:
    """A yes-or-no field's rule: true or false, nothing else."""

    message: str = "Say true or false."

    def clean(self, value: object, field: str) -> bool:
        """Return `value` if it is a boolean, or raise InvalidInput naming `field`."""
        if not isinstance(value, bool):
            raise InvalidInput({field: self.message})
        return value

    __call__ = clean


#: A field's check: `(value, field) -> checked value`, or raise InvalidInput.
Rule = Callable[[Any, str], Any]


def check_changes(changes: Mapping[str, Any], rules: Mapping[str, Rule]) -> dict[str, Any]:
    """Return every change checked by its field's rule, or raise InvalidInput once.

    A field without a rule is refused; every field is checked, so the error names each
    field that is wrong, not only the first.
    """
    unknown = set(changes) - set(rules)
    if unknown:
        raise InvalidInput({name: CANT_BE_SET for name in sorted(unknown)})
    checked: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in changes.items():
        try:
            checked[name] = rules[name](value, name)
        except InvalidInput as error:
            errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    return checked


def clean_text(value: str | None, field: str, maximum: int, *, required: str | None = None) -> str:
    """Return `value` stripped, or raise InvalidInput naming `field` (too long, or required)."""
    return Text(maximum, required).clean(value, field)


def number_message(value: float | int | str | None) -> str | None:
    """Return what is wrong with `value` as a number (blank is fine), or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return NUMBER_MESSAGE
    if isinstance(value, str):
        value = value.strip()
        # "1,000" is a thousand to some and one to others: refuse to guess.
        if any(char in ",_'" or char.isspace() for char in value):
            return SEPARATOR_MESSAGE
    try:
        number = float(value)
    except (TypeError, ValueError):
        return NUMBER_MESSAGE
    if not math.isfinite(number):
        return FINITE_MESSAGE
    if abs(number) > NUMBER_MAX:
        return RANGE_MESSAGE
    return None


def to_number(value: float | int | str | None, field: str) -> float | None:
    """Return `value` as a finite float (None when blank), or raise InvalidInput naming `field`."""
    problem = number_message(value)
    if problem is not None:
        raise InvalidInput({field: problem})
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)


def date_message(value: date | None) -> str | None:
    """Return what is wrong with `value` as a date (None is fine), or None."""
    if value is None:
        return None
    if not isinstance(value, date) or not DATE_MIN <= value <= DATE_MAX:
        return DATE_MESSAGE
    return None


def check_date(value: date | None, field: str) -> date | None:
    """Return `value` if it is a date in range (or None), or raise InvalidInput naming `field`."""
    problem = date_message(value)
    if problem is not None:
        raise InvalidInput({field: problem})
    return value


def to_date(value: date | str | None, field: str) -> date | None:
    """Return `value` (a date, or text as YYYY-MM-DD) as a date in range; None when blank.

    Raise InvalidInput naming `field` for anything else, a year before 1900 included.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput({field: DATE_MESSAGE}) from None
    if isinstance(value, datetime):
        value = value.date()
    return check_date(value, field)


def to_datetime(value: datetime | str | None, field: str) -> datetime | None:
    """Return `value` as an aware UTC datetime to the second, from 1900 to 9999 (None when
    blank); a naive one is UTC. Raise InvalidInput naming `field` for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput({field: DATETIME_MESSAGE}) from None
    if not isinstance(value, datetime):
        raise InvalidInput({field: DATETIME_MESSAGE})
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        moment = value.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, ValueError):
        raise InvalidInput({field: DATETIME_MESSAGE}) from None
    if not DATETIME_MIN <= moment <= DATETIME_MAX:
        raise InvalidInput({field: DATETIME_MESSAGE})
    return moment
