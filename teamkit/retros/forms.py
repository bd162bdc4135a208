"""Retro, timeline, contributing factor, action item and retro settings forms.

Dates and times are plain text inputs (the browser offers its picker): the services parse
them, so a bad one gets the services' own words beside the field.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from teamkit.dates import iso_date
from teamkit.forms import text_rules
from teamkit.retros.models import (
    ACTION_TITLE_MAX,
    FACTOR_MAX,
    NOTE_MAX,
    SEVERITY_NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ActionStatus,
    FactorCategory,
    TimelineKind,
)
from teamkit.teams.zones import DEFAULT_TIMEZONE, read_local
from teamkit.validation import DATE_MAX, DATE_MIN, DATETIME_MAX, DATETIME_MIN, Text

#: A date and time input in the shared range (teamkit.validation): 1900 to 9999.
DATETIME_INPUT = {
    "type": "datetime-local",
    "step": "60",
    "min": f"{DATETIME_MIN:%Y-%m-%dT%H:%M}",
    "max": f"{DATETIME_MAX:%Y-%m-%dT%H:%M}",
}
DATE_INPUT = {"type": "date", "min": iso_date(DATE_MIN), "max": iso_date(DATE_MAX)}
COACHED = {"data-coach": "true"}


def optional(maximum: int) -> list[Any]:
    """Return the form's checks of a text field: at most `maximum` long, in the rule's words.

    Whether it is required the services say (with `Text`'s words too), so that a form shows
    every field's error in one answer: an empty title beside an end before the start.
    """
    return text_rules(Text(maximum))


def _markdown(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=optional(TEXT_MAX),
        description=f"{description} Markdown works.",
        render_kw={**COACHED, "rows": 4},
    )


class RetroForm(FlaskForm):
    title = StringField(
        "Title",
        validators=optional(TITLE_MAX),
        description="What happened, in a few words.",
        render_kw=COACHED,
    )
    summary = _markdown("Summary", "What happened, in a few sentences; needed to publish.")
    started_at = StringField(
        "Incident started", description="YYYY-MM-DDTHH:MM.", render_kw=DATETIME_INPUT
    )
    ended_at = StringField(
        "Incident ended",
        description="Leave empty while unknown; the duration follows from both.",
        render_kw=DATETIME_INPUT,
    )
    severity = SelectField("Severity", choices=[], validate_choice=False)
    customer_impact = _markdown("Customer impact", "Who felt it outside the team, and how.")
    detection = _markdown("How it was detected", "An alert, a customer, by chance?")
    went_well = _markdown("What went well", "What helped.")
    went_wrong = _markdown("What went wrong", "What got in the way.")
    got_lucky = _markdown("Where we got lucky", "What could have made it worse, but didn't.")
    lessons = _markdown("Lessons learned", "What the team takes from it.")
    tags = StringField("Tags", description="Separated by commas, e.g. database, payments.")
    participant_ids = SelectMultipleField(
        "Participants", choices=[], coerce=str, validate_choice=False
    )

    def with_choices(self, severity_names: dict[int, str], members: list[Any]) -> RetroForm:
        """Offer the team's severity names and its members."""
        self.severity.choices = [SelectChoice("", "Not set")] + [
            SelectChoice(str(level), name) for level, name in severity_names.items()
        ]
        self.participant_ids.choices = [SelectChoice(str(m.id), m.person.name) for m in members]
        return self

    def in_timezone(self, timezone: str) -> RetroForm:
        """Take and label the incident's times as wall-clock times in the team's zone."""
        self.timezone = timezone
        self.started_at.label.text = f"Incident started ({timezone})"
        self.ended_at.label.text = f"Incident ended ({timezone})"
        return self

    def values(self) -> dict[str, Any]:
        """Return the retro fields as the services take them."""
        zone = getattr(self, "timezone", DEFAULT_TIMEZONE)
        return {
            "title": self.title.data or "",
            "summary": self.summary.data or "",
            "started_at": read_local(self.started_at.data, zone),
            "ended_at": read_local(self.ended_at.data, zone),
            "severity": self.severity.data,
            "customer_impact": self.customer_impact.data or "",
            "detection": self.detection.data or "",
            "went_well": self.went_well.data or "",
            "went_wrong": self.went_wrong.data or "",
            "got_lucky": self.got_lucky.data or "",
            "lessons": self.lessons.data or "",
            "tags": self.tags.data or "",
            "participant_ids": self.participant_ids.data or [],
        }


class TimelineEntryForm(FlaskForm):
    occurred_at = StringField(
        "When",
        description="YYYY-MM-DDTHH:MM.",
        render_kw=DATETIME_INPUT,
    )
    kind = SelectField(
        "Marks",
        choices=[SelectChoice(kind.value, kind.label) for kind in TimelineKind],
        default=TimelineKind.EVENT.value,
        validate_choice=False,
    )
    note = TextAreaField(
        "What happened",
        validators=optional(NOTE_MAX),
        render_kw={**COACHED, "rows": 2},
    )
    author_id = SelectField("Who", choices=[], description="Optional.", validate_choice=False)

    def in_timezone(self, timezone: str) -> TimelineEntryForm:
        """Label the time as a wall-clock time in the team's zone."""
        self.occurred_at.label.text = f"When ({timezone})"
        return self

    def with_members(self, members: list[Any]) -> TimelineEntryForm:
        self.author_id.choices = [SelectChoice("", "Nobody in particular")] + [
            SelectChoice(str(m.id), m.person.name) for m in members
        ]
        return self


class FactorForm(FlaskForm):
    category = SelectField(
        "Category",
        choices=[SelectChoice(c.value, c.label) for c in FactorCategory],
        validate_choice=False,
    )
    description = TextAreaField(
        "Condition",
        validators=optional(FACTOR_MAX),
        description="A condition that made the incident possible or worse.",
        render_kw={**COACHED, "rows": 2},
    )


class ActionItemForm(FlaskForm):
    title = StringField(
        "Action",
        validators=optional(ACTION_TITLE_MAX),
        description="A change to the system, not “be more careful”.",
        render_kw=COACHED,
    )
    owner_id = SelectField("Owner", choices=[], validate_choice=False)
    due_date = StringField("Due", description="YYYY-MM-DD, optional.", render_kw=DATE_INPUT)
    goal_id = SelectField(
        "Serves the goal", choices=[], description="Optional.", validate_choice=False
    )

    def with_choices(self, members: list[Any], goals: list[Any]) -> ActionItemForm:
        self.owner_id.choices = [SelectChoice(str(m.id), m.person.name) for m in members]
        self.goal_id.choices = [SelectChoice("", "No goal")] + [
            SelectChoice(str(g.id), g.title) for g in goals
        ]
        return self


class ActionStatusForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(s.value, s.label) for s in ActionStatus])
    closing_note = TextAreaField(
        "Closing note",
        validators=optional(NOTE_MAX),
        description="What was done, or why it won't be; needed to close it.",
        render_kw={"rows": 2},
    )


class PublishForm(FlaskForm):
    confirmed = BooleanField("Publish with the coach's flags left")

    #: The reasons for each named person's flag are inputs of the page, beside each person.
    shown_elsewhere = ("reasons.",)


class RetroSettingsForm(FlaskForm):
    sev1_name = StringField(
        "Severity 1 (the worst)",
        validators=optional(SEVERITY_NAME_MAX),
    )
    sev2_name = StringField("Severity 2", validators=optional(SEVERITY_NAME_MAX))
    sev3_name = StringField("Severity 3", validators=optional(SEVERITY_NAME_MAX))
    sev4_name = StringField("Severity 4", validators=optional(SEVERITY_NAME_MAX))
