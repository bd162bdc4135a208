"""The goals API's schemas, input and output, with fields built from the services' rules."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from teamkit.api.fields import (
    JsonBoolean,
    JsonInteger,
    date_field,
    number_field,
    text_field,
    whole_number_field,
)
from teamkit.api.pagination import PageArgsSchema, PageSchema
from teamkit.goals import DIGESTS_STATUS, checkins, services
from teamkit.goals import settings as goal_settings
from teamkit.goals.models import Channel, GoalStatus
from teamkit.urls import MAX_ID

STATUSES = [status.value for status in GoalStatus]
#: A membership id: a row id, so never past what the database's `integer` holds.
MEMBERSHIP_ID = validate.Range(min=1, max=MAX_ID)


class MeasureInSchema(Schema):
    unit = text_field(services.UNIT, load_default=None)
    start = number_field(required=True)
    target = number_field(required=True)

    @post_load
    def _measure(self, data: dict[str, Any], **_: Any) -> services.Measure:
        return services.Measure(unit=data.get("unit"), start=data["start"], target=data["target"])


class MeasureSchema(Schema):
    """A goal's measure, read from its summary."""

    unit = fields.String(attribute="goal.measure_unit", allow_none=True)
    start = fields.Float(attribute="goal.measure_start")
    target = fields.Float(attribute="goal.measure_target")
    current = fields.Float(
        attribute="current_value",
        metadata={"description": "Latest checked-in value, or the start value before any."},
    )
    progress = fields.Float(metadata={"description": "From start (0) to target (1)."})
    progress_text = fields.String(
        metadata={
            "description": "The measure in words, as the portal and the digest say it: "
            '"610 ms now, from 820 down to 300 ms · 40% of the way".'
        }
    )


PINNED_DESCRIPTION = (
    f"The team's north star: listed first, and featured first in digests, leaving one slot "
    f"for the other goals. {DIGESTS_STATUS}"
)


class GoalCreateSchema(Schema):
    title = text_field(services.TITLE)
    why = text_field(services.WHY, metadata={"description": "The belief or value behind the goal."})
    slogan = text_field(services.SLOGAN, load_default=None)
    is_pinned = JsonBoolean(
        data_key="pinned", load_default=False, metadata={"description": PINNED_DESCRIPTION}
    )
    target_date = date_field(load_default=None, allow_none=True)
    measure = fields.Nested(MeasureInSchema, load_default=None, allow_none=True)
    owner_id = JsonInteger(
        load_default=None,
        allow_none=True,
        validate=MEMBERSHIP_ID,
        metadata={"description": "Membership id of the owner (see /members)."},
    )


class GoalUpdateSchema(Schema):
    title = text_field(services.TITLE, required=False)
    why = text_field(services.WHY, required=False)
    slogan = text_field(services.SLOGAN)
    is_pinned = JsonBoolean(data_key="pinned")
    target_date = date_field(allow_none=True)
    measure = fields.Nested(
        MeasureInSchema, allow_none=True, metadata={"description": "null removes the measure."}
    )
    owner_id = JsonInteger(
        allow_none=True,
        validate=MEMBERSHIP_ID,
        metadata={"description": "Membership id of the owner (see /members); null for none."},
    )
    status = fields.String(validate=validate.OneOf(STATUSES))
    archived = JsonBoolean(metadata={"description": "Archive (true) or bring back (false)."})


class OwnerSchema(Schema):
    id = fields.Integer(metadata={"description": "Membership id."})
    name = fields.String(attribute="person.name")


class MoveSchema(Schema):
    direction = fields.String(
        required=True,
        validate=validate.OneOf(services.DIRECTIONS),
        metadata={
            "description": "Swap places with the goal before (up) or after (down) it, among "
            "the goals in use that are pinned alike."
        },
    )


class GoalSettingsSchema(Schema):
    goals_per_digest = whole_number_field(
        goal_settings.GOALS_PER_DIGEST,
        required=True,
        metadata={
            "description": "How many goals each digest features, "
            f"{goal_settings.GOALS_PER_DIGEST.low} to {goal_settings.GOALS_PER_DIGEST.high}. "
            f"{DIGESTS_STATUS}"
        },
    )


class GoalSchema(Schema):
    """A goal, read from its summary (the goal and its aggregates)."""

    id = fields.Integer(attribute="goal.id")
    title = fields.String(attribute="goal.title")
    why = fields.String(attribute="goal.why")
    slogan = fields.String(attribute="goal.slogan", allow_none=True)
    pinned = fields.Boolean(attribute="goal.is_pinned")
    status = fields.String(attribute="goal.status", metadata={"enum": STATUSES})
    position = fields.Integer(
        attribute="goal.position", metadata={"description": "Manual order (lower first)."}
    )
    target_date = fields.Date(attribute="goal.target_date", allow_none=True)
    measure = fields.Nested(MeasureSchema, allow_none=True)
    owner = fields.Nested(OwnerSchema, attribute="goal.owner", allow_none=True)
    archived_at = fields.DateTime(attribute="goal.archived_at", allow_none=True)
    created_at = fields.DateTime(attribute="goal.created_at")
    updated_at = fields.DateTime(attribute="goal.updated_at")
    check_in_count = fields.Integer(attribute="stats.check_in_count")
    last_check_in_at = fields.DateTime(attribute="stats.last_check_in_at", allow_none=True)
    is_stale = fields.Boolean(metadata={"description": "No check-in for the stale days."})
    is_overdue = fields.Boolean(metadata={"description": "Active, and its target date has passed."})
    reinforcement_count = fields.Integer(
        attribute="stats.reinforcement_count",
        metadata={"description": "Times the team was reminded of it."},
    )
    last_reinforced_at = fields.DateTime(attribute="stats.last_reinforced_at", allow_none=True)


class GoalPageSchema(PageSchema):
    items = fields.List(fields.Nested(GoalSchema), required=True)


class GoalListArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    archived = fields.Boolean(load_default=False, metadata={"description": "List archived goals."})


class CheckInCreateSchema(Schema):
    value = number_field(
        load_default=None,
        allow_none=True,
        metadata={"description": "New value of a measured goal."},
    )
    note = text_field(checkins.NOTE, load_default="")
    confidence = whole_number_field(
        checkins.CONFIDENCE,
        required=True,
        metadata={"description": "How sure the member is the team will reach it, 1 to 5."},
    )


class PersonRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CheckInSchema(Schema):
    id = fields.Integer()
    goal_id = fields.Integer()
    value = fields.Float(allow_none=True)
    note = fields.String()
    confidence = fields.Integer()
    person = fields.Nested(PersonRefSchema, allow_none=True)
    created_at = fields.DateTime()


class CheckInPageSchema(PageSchema):
    items = fields.List(fields.Nested(CheckInSchema), required=True)


class ReinforcementSchema(Schema):
    id = fields.Integer()
    goal_id = fields.Integer()
    channel = fields.String(metadata={"enum": [channel.value for channel in Channel]})
    channels = fields.List(
        fields.String(metadata={"enum": [channel.value for channel in Channel]}),
        attribute="channel_list",
        metadata={"description": "Every channel it went out through: one digest, one reminder."},
    )
    reinforced_at = fields.DateTime()
    recorded_by = fields.Nested(PersonRefSchema, allow_none=True)


class ReinforcementPageSchema(PageSchema):
    items = fields.List(fields.Nested(ReinforcementSchema), required=True)
