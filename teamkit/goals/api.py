"""API: a team's goals, their check-ins and reinforcements."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, post_load, validate

from teamkit.api.fields import (
    JsonBoolean,
    JsonInteger,
    date_field,
    number_field,
    text_field,
    whole_number_field,
)
from teamkit.api.pagination import PageArgsSchema, PageSchema, paginate
from teamkit.db import get_session
from teamkit.errors import Conflict
from teamkit.goals import DIGESTS_STATUS, checkins, goal_timing, reinforcements, services
from teamkit.goals.models import Channel, GoalStatus
from teamkit.goals.summaries import GoalSummary, summaries_of, summarize_goal, with_stats
from teamkit.teams.guard import current_membership, current_team
from teamkit.urls import MAX_ID

blp = Blueprint("goals_api", __name__, description="Goals, check-ins and reinforcements.")

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
        services.GOALS_PER_DIGEST,
        required=True,
        metadata={
            "description": "How many goals each digest features, "
            f"{services.GOALS_PER_DIGEST.low} to {services.GOALS_PER_DIGEST.high}. "
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


def _summary(goal_id: int) -> GoalSummary:
    """Return the team's goal `goal_id` with its aggregates."""
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    return summarize_goal(db, goal, stale_days=goal_timing().stale_days)


@blp.get("/teams/<slug>/goals")
@blp.arguments(GoalListArgsSchema, location="query")
@blp.response(200, GoalPageSchema)
def list_goals(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's goals: pinned first, then in the team's order."""
    status = GoalStatus(args["status"]) if args.get("status") else None
    statement = services.goals_statement(current_team(), archived=args["archived"], status=status)
    page = paginate(get_session(), with_stats(statement), args, whole_rows=True)
    page["items"] = summaries_of(page["items"], stale_days=goal_timing().stale_days)
    return page


@blp.post("/teams/<slug>/goals")
@blp.arguments(GoalCreateSchema)
@blp.response(201, GoalSchema)
def create_goal(data: dict[str, Any], slug: str) -> GoalSummary:
    """Create a goal (owners and facilitators); only `title` and `why` are required."""
    goal = services.create_goal(get_session(), current_membership(), **data)
    return _summary(goal.id)


@blp.get("/teams/<slug>/goals/<int:goal_id>")
@blp.response(200, GoalSchema)
def get_goal(slug: str, goal_id: int) -> GoalSummary:
    """Return one of the team's goals with its progress and reminders."""
    return _summary(goal_id)


@blp.patch("/teams/<slug>/goals/<int:goal_id>")
@blp.arguments(GoalUpdateSchema, required=False)
@blp.response(200, GoalSchema)
def update_goal(data: dict[str, Any], slug: str, goal_id: int) -> GoalSummary:
    """Change a goal (owners and facilitators): any of its fields, its status, archiving."""
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    services.update_goal(db, current_membership(), goal, data)
    return _summary(goal.id)


@blp.delete("/teams/<slug>/goals/<int:goal_id>")
@blp.response(204)
def delete_goal(slug: str, goal_id: int) -> None:
    """Delete a goal with its check-ins and reminders, for good (owners only).

    It can't be undone; to hide a goal and keep its history, PATCH `{"archived": true}`.
    """
    db = get_session()
    services.delete_goal(db, current_membership(), services.get_goal(db, current_team(), goal_id))


@blp.post("/teams/<slug>/goals/<int:goal_id>/move")
@blp.arguments(MoveSchema)
@blp.response(200, GoalSchema)
def move_goal(data: dict[str, Any], slug: str, goal_id: int) -> GoalSummary:
    """Move a goal one place up or down in the team's order (owners and facilitators).

    Goals move among those pinned alike, as the portal's buttons move them. A goal already
    first (or last) stays where it is: 409. So does an archived goal.
    """
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    if not services.move_goal(db, current_membership(), goal, data["direction"]):
        raise Conflict(services.not_moved_message(goal, data["direction"]))
    return _summary(goal.id)


@blp.get("/teams/<slug>/goal-settings")
@blp.response(200, GoalSettingsSchema)
def get_goal_settings(slug: str) -> Any:
    """Return the team's goal settings."""
    return services.goal_settings(get_session(), current_team())


@blp.patch("/teams/<slug>/goal-settings")
@blp.arguments(GoalSettingsSchema)
@blp.response(200, GoalSettingsSchema)
def update_goal_settings(data: dict[str, Any], slug: str) -> Any:
    """Change the team's goal settings (owners and facilitators)."""
    return services.set_goals_per_digest(
        get_session(), current_membership(), data["goals_per_digest"]
    )


@blp.get("/teams/<slug>/goals/<int:goal_id>/checkins")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, CheckInPageSchema)
def list_check_ins(args: dict[str, Any], slug: str, goal_id: int) -> dict[str, Any]:
    """List a goal's check-ins, newest first."""
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    return paginate(db, checkins.check_ins_statement(goal), args)


@blp.post("/teams/<slug>/goals/<int:goal_id>/checkins")
@blp.arguments(CheckInCreateSchema)
@blp.response(201, CheckInSchema)
def create_check_in(data: dict[str, Any], slug: str, goal_id: int) -> Any:
    """Check in on a goal (any member): new value if measured, a note, confidence 1 to 5."""
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    return checkins.record_check_in(
        db,
        current_membership(),
        goal,
        value=data["value"],
        note=data["note"],
        confidence=data["confidence"],
    )


@blp.get("/teams/<slug>/goals/<int:goal_id>/reinforcements")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ReinforcementPageSchema)
def list_reinforcements(args: dict[str, Any], slug: str, goal_id: int) -> dict[str, Any]:
    """List the times the team was shown a goal (digests, reviews), newest first."""
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    return paginate(db, reinforcements.reinforcements_statement(goal), args)


@blp.post("/teams/<slug>/goals/<int:goal_id>/reinforcements")
@blp.response(201, ReinforcementSchema)
@blp.alt_response(
    200,
    schema=ReinforcementSchema,
    description="The review was already recorded within the hour: the existing one.",
    success=True,
)
def mark_reviewed(slug: str, goal_id: int) -> Any:
    """Record that the team reviewed the goal together (owners and facilitators).

    Digests record their own reinforcements ("email", "slack"); through the API a
    facilitator records a review in a meeting, as the portal's button does. A review
    within an hour of the last one is the same review: it answers 200 with that one.
    Only active goals are reviewed (409 otherwise).
    """
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    review = reinforcements.mark_reviewed(db, current_membership(), goal)
    return review.reinforcement, 201 if review.is_new else 200
