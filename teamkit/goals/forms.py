"""Goal, check-in and goal-setting forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from teamkit.errors import InvalidInput
from teamkit.forms import IsoDateField, number_rules, text_rules
from teamkit.goals import DIGESTS_STATUS, services
from teamkit.goals import settings as goal_settings
from teamkit.goals.models import SLOGAN_MAX, GoalStatus

CONFIDENCE_CHOICES = [
    SelectChoice("1", "1 · not at all"),
    SelectChoice("2", "2 · doubtful"),
    SelectChoice("3", "3 · maybe"),
    SelectChoice("4", "4 · likely"),
    SelectChoice("5", "5 · sure"),
]
#: What pinning promises in digests: the selector keeps at least one slot rotating.
PINNED_IN_DIGESTS = (
    "north-star goals come first, leaving at least one slot for the other goals; "
    "with as many north stars as slots or more, they take turns."
)
STATUS_CHOICES = [SelectChoice(status.value, status.value.capitalize()) for status in GoalStatus]
STATUS_MESSAGE = f"Choose one of: {', '.join(status.value for status in GoalStatus)}."


#: Service error names -> form field names, where they differ.
FIELD_NAMES = {
    "measure.unit": "measure_unit",
    "measure.start": "measure_start",
    "measure.target": "measure_target",
}


class GoalForm(FlaskForm):
    #: Where a service's errors go (see teamkit.forms.show_service_error).
    service_fields = FIELD_NAMES

    title = StringField("Goal", validators=text_rules(services.TITLE), description="What to reach.")
    why = TextAreaField(
        "Why it matters",
        validators=text_rules(services.WHY),
        description="The belief or value behind the goal: what moves the team.",
    )
    slogan = StringField(
        "Slogan",
        validators=text_rules(services.SLOGAN),
        description=f"A short, catchy line to repeat, at most {SLOGAN_MAX} characters.",
    )
    is_pinned = BooleanField(
        "North star: first on the home page",
        description=f"In digests, {PINNED_IN_DIGESTS} {DIGESTS_STATUS}",
    )
    owner_id = SelectField(
        "Owner", choices=[], validate_choice=True, invalid_choice_message=services.OWNER_MESSAGE
    )
    target_date = IsoDateField("Target date")
    status = SelectField(
        "Status",
        choices=STATUS_CHOICES,
        default=GoalStatus.ACTIVE.value,
        invalid_choice_message=STATUS_MESSAGE,
    )
    measure_unit = StringField(
        "Unit",
        validators=text_rules(services.UNIT),
        description="Optional measure, e.g. %, customers, ms.",
    )
    measure_start = StringField("Start value", description="Where the team starts.")
    measure_target = StringField("Target value", description="The value that means done.")

    @property
    def measure(self) -> services.Measure | None:
        """Return the measure filled in, or None when all its fields are empty."""
        raw = (self.measure_unit.data, self.measure_start.data, self.measure_target.data)
        if not any((value or "").strip() for value in raw):
            return None
        return services.Measure(unit=raw[0], start=raw[1], target=raw[2])

    def validate(self, extra_validators: Any = None) -> bool:
        """Check every field, the measure too, so all the errors show in one round."""
        valid = super().validate(extra_validators)
        try:
            services.check_measure(self.measure)
        except InvalidInput as error:
            for name, message in error.errors.items():
                field = getattr(self, FIELD_NAMES.get(name, name))
                if not field.errors:
                    field.errors = [message]
            valid = False
        return valid


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
    """Goal settings; `set_goals_per_digest` checks the range, with the same words."""

    goals_per_digest = IntegerField(
        "Goals per digest",
        validators=number_rules(goal_settings.GOALS_PER_DIGEST),
        invalid_value_message=goal_settings.GOALS_PER_DIGEST.message,
        description=(f"Each digest features this many goals: {PINNED_IN_DIGESTS} {DIGESTS_STATUS}"),
    )
