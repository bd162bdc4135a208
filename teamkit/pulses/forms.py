"""Pulse forms: open a pulse, answer it, reply, settings, a team's templates.

The services check every value with their own words; the forms only carry them there
(and WTForms adds the CSRF token), so a rule has one home.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from teamkit.errors import InvalidInput
from teamkit.forms import number_rules, text_rules
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.answers import COMMENT
from teamkit.pulses.catalog import TemplateItem
from teamkit.pulses.models import CADENCE_WEEKS, WINDOW_DAYS_MAX, ItemKind, ReplyStatus
from teamkit.pulses.replies import REPLY
from teamkit.pulses.services import DEFAULT_WINDOW, MAX_WINDOW
from teamkit.pulses.surveys import (
    AGREEMENT_ITEMS_MAX,
    DESCRIPTION,
    QUESTIONS_MAX,
    TITLE,
    ItemInput,
    check_items,
)
from teamkit.validation import WholeNumber

#: How a line of the statements box marks a reverse-scored statement.
REVERSE_MARK = "R:"
CADENCE_CHOICES = [SelectChoice("", "None: open pulses by hand")] + [
    SelectChoice(str(weeks), "Every week" if weeks == 1 else f"Every {weeks} weeks")
    for weeks in CADENCE_WEEKS
]
DAYS_MESSAGE = f"Choose a whole number of days from 1 to {MAX_WINDOW.days}."


class OpenPulseForm(FlaskForm):
    #: Where a service's errors go (see teamkit.forms.show_service_error).
    service_fields = {"closes_at": "days"}

    template = SelectField("Template", choices=[], validate_choice=False)
    days = IntegerField(
        "Open for (days)",
        default=DEFAULT_WINDOW.days,
        invalid_value_message=DAYS_MESSAGE,
        validators=number_rules(WholeNumber(1, MAX_WINDOW.days, DAYS_MESSAGE)),
        description="It opens now and closes by itself after this many days "
        f"(1 to {MAX_WINDOW.days}).",
    )
    asks_goal_recall = BooleanField(
        "Ask “what is our team's most important goal right now?”",
        description="Shows whether the team's goals have stuck: answers are matched to the "
        "active goals.",
    )


class AnswerForm(FlaskForm):
    """The parts of an answer besides the ratings (read from `item-<id>` radio groups)."""

    comment = TextAreaField(
        "Anything else you want the team to hear?",
        validators=text_rules(COMMENT),
        description="Optional. Shown with the results, without your name, once enough "
        "people have answered.",
    )
    goal_recall = StringField(
        "In a few words, what is our team's most important goal right now?",
        validators=text_rules(COMMENT),
        description="Optional. teamkit matches your words to the team's active goals and "
        "keeps only which goal you named; your words themselves only if you tick the box below.",
    )
    share_goal_recall = BooleanField("Show my words with the comments")


class ReplyForm(FlaskForm):
    text = TextAreaField(
        "Reply",
        validators=text_rules(REPLY),
        description="Shown to the whole team, with your name.",
    )
    comment_id = HiddenField()
    owner_id = SelectField("Owner", choices=[], validate_choice=False)
    due_date = StringField("Due", render_kw={"type": "date"})
    status = SelectField(
        "Status",
        choices=[SelectChoice(status.value, status.label) for status in ReplyStatus],
        default=ReplyStatus.PLANNED.value,
        validate_choice=False,
    )

    def plan(self) -> dict[str, Any]:
        """Return the plan as the service takes it."""
        return {
            "owner_id": self.owner_id.data or None,
            "due_date": self.due_date.data or None,
            "status": self.status.data or "",
        }


class ReplyPlanForm(FlaskForm):
    """A plan's status, changed in place (its owner and due date come along unchanged)."""

    status = SelectField(
        "Status",
        choices=[SelectChoice(status.value, status.label) for status in ReplyStatus],
        validate_choice=False,
    )


class PulseSettingsForm(FlaskForm):
    threshold = IntegerField(
        "Threshold",
        validators=number_rules(pulse_settings.THRESHOLD),
        invalid_value_message=pulse_settings.THRESHOLD.message,
        description="Fewest answers before any result shows, comments included (at least 3).",
    )
    cadence_weeks = SelectField("Cadence", choices=CADENCE_CHOICES, validate_choice=False)
    window_days = IntegerField(
        "Days a pulse stays open",
        validators=number_rules(pulse_settings.WINDOW),
        invalid_value_message=pulse_settings.WINDOW.message,
        description=f"Scheduled pulses, and the default when opening one (1 to {WINDOW_DAYS_MAX}).",
    )
    template = SelectField("Template of scheduled pulses", choices=[], validate_choice=False)
    asks_goal_recall = BooleanField("Scheduled pulses ask about the team's most important goal")


class TemplateForm(FlaskForm):
    title = StringField("Title", validators=text_rules(TITLE))
    description = TextAreaField(
        "What it measures",
        validators=text_rules(DESCRIPTION),
        description="Optional; shown with the pulse.",
    )
    items = TextAreaField(
        "Statements to rate from 1 to 7",
        description=f"One per line, at most {AGREEMENT_ITEMS_MAX}. Start a line with "
        f"“{REVERSE_MARK}” when agreeing is the worrying answer: it is then reverse-scored "
        "(8 - value).",
    )
    questions = TextAreaField(
        "Open questions",
        description=f"Optional, one per line, at most {QUESTIONS_MAX}; answered in words.",
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Check every field, the statements too, so all the errors show in one round."""
        valid = super().validate(extra_validators)
        try:
            check_items(self.item_inputs())
        except InvalidInput as error:
            for name, message in error.errors.items():
                field = getattr(self, name)
                if not field.errors:
                    field.errors = [message]
            valid = False
        return valid

    def item_inputs(self) -> list[ItemInput]:
        """Return the statements and questions typed, one per non-empty line."""
        found = []
        for line in (self.items.data or "").splitlines():
            text = line.strip()
            reverse = text.upper().startswith(REVERSE_MARK)
            if reverse:
                text = text[len(REVERSE_MARK) :].strip()
            if text:
                found.append(ItemInput(text, reverse, ItemKind.AGREEMENT))
        for line in (self.questions.data or "").splitlines():
            if line.strip():
                found.append(ItemInput(line.strip(), False, ItemKind.TEXT))
        return found


def template_lines(items: Sequence[TemplateItem]) -> tuple[str, str]:
    """Return a template's statements and questions as the form's two boxes show them."""
    statements, questions = [], []
    for item in items:
        if item.kind is ItemKind.TEXT:
            questions.append(item.text)
        else:
            mark = f"{REVERSE_MARK} " if item.is_reverse_scored else ""
            statements.append(f"{mark}{item.text}")
    return "\n".join(statements), "\n".join(questions)
