"""Goal, check-in and goal-setting forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from teamkit.errors import ServiceError
from teamkit.forms import show_service_error
from teamkit.goals.models import (
    NOTE_MAX,
    SLOGAN_MAX,
    TITLE_MAX,
    UNIT_MAX,
    WHY_MAX,
    GoalStatus,
)
from teamkit.goals.services import GOALS_PER_DIGEST_MAX, GOALS_PER_DIGEST_MIN

CONFIDENCE_CHOICES = [
    SelectChoice("1", "1 · not at all"),
    SelectChoice("2", "2 · doubtful"),
    SelectChoice("3", "3 · maybe"),
    SelectChoice("4", "4 · likely"),
    SelectChoice("5", "5 · sure"),
]
#: What pinning promises in digests: the selector keeps at least one slot rotating.
PINNED_IN_DIGESTS = (
    "North-star goals are featured first, leaving at least one slot for the other goals; "
    "with as many north stars as slots or more, they take turns."
)
STATUS_CHOICES = [SelectChoice(status.value, status.value.capitalize()) for status in GoalStatus]


class GoalForm(FlaskForm):
    title = StringField(
        "Goal", validators=[DataRequired(), Length(max=TITLE_MAX)], description="What to reach."
    )
    why = TextAreaField(
        "Why it matters",
        validators=[DataRequired(message="Say why this goal matters."), Length(max=WHY_MAX)],
        description="The belief or value behind the goal: what moves the team.",
    )
    slogan = StringField(
        "Slogan",
        validators=[Optional(), Length(max=SLOGAN_MAX)],
        description=f"A short, catchy line to repeat, at most {SLOGAN_MAX} characters.",
    )
    is_pinned = BooleanField(
        "North star: first on the home page, featured first in digests",
        description=PINNED_IN_DIGESTS,
    )
    owner_id = SelectField("Owner", choices=[], validate_choice=True)
    target_date = DateField("Target date", validators=[Optional()])
    status = SelectField("Status", choices=STATUS_CHOICES, default=GoalStatus.ACTIVE.value)
    measure_unit = StringField(
        "Unit",
        validators=[Optional(), Length(max=UNIT_MAX)],
        description="Optional measure, e.g. %, customers, ms.",
    )
    measure_start = StringField("Start value", description="Where the team starts.")
    measure_target = StringField("Target value", description="The value that means done.")


class CheckInForm(FlaskForm):
    """A check-in; `record_check_in` checks every field at once, so all errors show together."""

    value = StringField("New value", description="Where the measure stands now.")
    confidence = RadioField(
        "How confident are you that we reach it?",
        choices=CONFIDENCE_CHOICES,
        validate_choice=False,
    )
    note = TextAreaField("Note", description="What happened, what helps, what's in the way.")


class GoalSettingsForm(FlaskForm):
    goals_per_digest = IntegerField(
        "Goals per digest",
        validators=[
            InputRequired(),
            NumberRange(min=GOALS_PER_DIGEST_MIN, max=GOALS_PER_DIGEST_MAX),
        ],
        description=PINNED_IN_DIGESTS,
    )


#: Service error names -> form field names, where they differ.
FIELD_NAMES = {
    "measure.unit": "measure_unit",
    "measure.start": "measure_start",
    "measure.target": "measure_target",
}


def show_goal_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a goal service's errors beside the goal form's fields."""
    error.errors = {FIELD_NAMES.get(name, name): message for name, message in error.errors.items()}
    show_service_error(form, error)
