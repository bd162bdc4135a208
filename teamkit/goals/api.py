"""API: a team's goals, their check-ins and reinforcements."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from teamkit.api.pagination import PageArgsSchema, PageSchema, paginate
from teamkit.db import get_session
from teamkit.errors import Conflict
from teamkit.goals import checkins, goal_timing, reinforcements, services
from teamkit.goals.models import (
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    NOTE_MAX,
    SLOGAN_MAX,
    TITLE_MAX,
    UNIT_MAX,
    WHY_MAX,
    Channel,
    Goal,
    GoalStatus,
)
from teamkit.goals.summaries import GoalSummary, summarize
from teamkit.teams.guard import current_membership, current_team
from teamkit.urls import MAX_ID

blp = Blueprint("goals_api", __name__, description="Goals, check-ins and reinforcements.")

STATUSES = [status.value for status in GoalStatus]
#: A membership id: a row id, so never past what the database's `integer` holds.
MEMBERSHIP_ID = validate.Range(min=1, max=MAX_ID)


def _number(**kwargs: Any) -> fields.Float:
    """Return a field for a finite measure value: no NaN, no infinity, no absurd magnitude."""
    limit = validate.Range(-services.NUMBER_MAX, services.NUMBER_MAX)
    return fields.Float(allow_nan=False, validate=limit, **kwargs)


class MeasureInSchema(Schema):
    unit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=UNIT_MAX))
    start = _number(required=True)
    target = _number(required=True)


class MeasureSchema(Schema):
    unit = fields.String(allow_none=True)
    start = fields.Float()
    target = fields.Float()
    current = fields.Float(
        metadata={"description": "Latest checked-in value, or the start value before any."}
    )
    progress = fields.Float(metadata={"description": "From start (0) to target (1)."})


class GoalCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    why = fields.String(
        required=True,
        validate=validate.Length(min=1, max=WHY_MAX),
        metadata={"description": "The belief or value behind the goal."},
    )
    slogan = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=SLOGAN_MAX)
    )
    pinned = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The team's north star: listed first. Once digests are sent "
            "(not yet), featured first in them, leaving one slot for the other goals."
        },
    )
    target_date = fields.Date(load_default=None, allow_none=True)
    measure = fields.Nested(MeasureInSchema, load_default=None, allow_none=True)
    owner_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=MEMBERSHIP_ID,
        metadata={"description": "Membership id of the owner (see /members)."},
    )


class GoalUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    why = fields.String(validate=validate.Length(min=1, max=WHY_MAX))
    slogan = fields.String(allow_none=True, validate=validate.Length(max=SLOGAN_MAX))
    pinned = fields.Boolean()
    target_date = fields.Date(allow_none=True)
    measure = fields.Nested(
        MeasureInSchema, allow_none=True, metadata={"description": "null removes the measure."}
    )
    owner_id = fields.Integer(
        allow_none=True,
        validate=MEMBERSHIP_ID,
        metadata={"description": "Membership id of the owner (see /members); null for none."},
    )
    status = fields.String(validate=validate.OneOf(STATUSES))
    archived = fields.Boolean(metadata={"description": "Archive (true) or bring back (false)."})


class OwnerSchema(Schema):
    id = fields.Integer(metadata={"description": "Membership id."})
    name = fields.String()


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
    goals_per_digest = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(services.GOALS_PER_DIGEST_MIN, services.GOALS_PER_DIGEST_MAX),
        metadata={
            "description": "How many goals each digest will feature, "
            f"{services.GOALS_PER_DIGEST_MIN} to {services.GOALS_PER_DIGEST_MAX}. "
            "Digests are not sent yet."
        },
    )


class GoalSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    why = fields.String()
    slogan = fields.String(allow_none=True)
    pinned = fields.Boolean()
    status = fields.String(metadata={"enum": STATUSES})
    position = fields.Integer(metadata={"description": "Manual order (lower first)."})
    target_date = fields.Date(allow_none=True)
    measure = fields.Nested(MeasureSchema, allow_none=True)
    owner = fields.Nested(OwnerSchema, allow_none=True)
    archived_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    check_in_count = fields.Integer()
    last_check_in_at = fields.DateTime(allow_none=True)
    is_stale = fields.Boolean(metadata={"description": "No check-in for the stale days."})
    is_overdue = fields.Boolean(metadata={"description": "Active, and its target date has passed."})
    reinforcement_count = fields.Integer(
        metadata={"description": "Times the team was reminded of it."}
    )
    last_reinforced_at = fields.DateTime(allow_none=True)


class GoalPageSchema(PageSchema):
    items = fields.List(fields.Nested(GoalSchema), required=True)


class GoalListArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    archived = fields.Boolean(load_default=False, metadata={"description": "List archived goals."})


class CheckInCreateSchema(Schema):
    value = _number(
        load_default=None,
        allow_none=True,
        metadata={"description": "New value of a measured goal."},
    )
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))
    confidence = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(CONFIDENCE_MIN, CONFIDENCE_MAX),
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
    reinforced_at = fields.DateTime()
    recorded_by = fields.Nested(PersonRefSchema, allow_none=True)


class ReinforcementPageSchema(PageSchema):
    items = fields.List(fields.Nested(ReinforcementSchema), required=True)


def _goal_out(summary: GoalSummary) -> dict[str, Any]:
    goal, stats = summary.goal, summary.stats
    measure = None
    if goal.is_measured:
        measure = {
            "unit": goal.measure_unit,
            "start": goal.measure_start,
            "target": goal.measure_target,
            "current": summary.current_value,
            "progress": summary.progress,
        }
    owner = None
    if goal.owner is not None:
        owner = {"id": goal.owner.id, "name": goal.owner.person.name}
    return {
        "id": goal.id,
        "title": goal.title,
        "why": goal.why,
        "slogan": goal.slogan,
        "pinned": goal.is_pinned,
        "status": goal.status.value,
        "position": goal.position,
        "target_date": goal.target_date,
        "measure": measure,
        "owner": owner,
        "archived_at": goal.archived_at,
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
        "check_in_count": stats.check_in_count,
        "last_check_in_at": stats.last_check_in_at,
        "is_stale": summary.is_stale,
        "is_overdue": summary.is_overdue,
        "reinforcement_count": stats.reinforcement_count,
        "last_reinforced_at": stats.last_reinforced_at,
    }


def _one_goal_out(goal: Goal) -> dict[str, Any]:
    return _goal_out(summarize(get_session(), [goal], stale_days=goal_timing().stale_days)[0])


def _measure(data: dict[str, Any] | None) -> services.Measure | None:
    if data is None:
        return None
    return services.Measure(unit=data.get("unit"), start=data["start"], target=data["target"])


@blp.get("/teams/<slug>/goals")
@blp.arguments(GoalListArgsSchema, location="query")
@blp.response(200, GoalPageSchema)
def list_goals(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's goals: pinned first, then in the team's order."""
    status = GoalStatus(args["status"]) if args.get("status") else None
    statement = services.goals_statement(current_team(), archived=args["archived"], status=status)
    db = get_session()
    page = paginate(db, statement, args)
    summaries = summarize(db, page["items"], stale_days=goal_timing().stale_days)
    page["items"] = [_goal_out(summary) for summary in summaries]
    return page


@blp.post("/teams/<slug>/goals")
@blp.arguments(GoalCreateSchema)
@blp.response(201, GoalSchema)
def create_goal(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Create a goal (owners and facilitators); only `title` and `why` are required."""
    goal = services.create_goal(
        get_session(),
        current_membership(),
        title=data["title"],
        why=data["why"],
        slogan=data["slogan"],
        is_pinned=data["pinned"],
        target_date=data["target_date"],
        measure=_measure(data["measure"]),
        owner_id=data["owner_id"],
    )
    return _one_goal_out(goal)


@blp.get("/teams/<slug>/goals/<int:goal_id>")
@blp.response(200, GoalSchema)
def get_goal(slug: str, goal_id: int) -> dict[str, Any]:
    """Return one of the team's goals with its progress and reminders."""
    return _one_goal_out(services.get_goal(get_session(), current_team(), goal_id))


@blp.patch("/teams/<slug>/goals/<int:goal_id>")
@blp.arguments(GoalUpdateSchema)
@blp.response(200, GoalSchema)
def update_goal(data: dict[str, Any], slug: str, goal_id: int) -> dict[str, Any]:
    """Change a goal (owners and facilitators): any of its fields, its status, archiving."""
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    changes = dict(data)
    if "pinned" in changes:
        changes["is_pinned"] = changes.pop("pinned")
    if "measure" in changes:
        changes["measure"] = _measure(changes["measure"])
    services.update_goal(db, current_membership(), goal, changes)
    return _one_goal_out(goal)


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
def move_goal(data: dict[str, Any], slug: str, goal_id: int) -> dict[str, Any]:
    """Move a goal one place up or down in the team's order (owners and facilitators).

    Goals move among those pinned alike, as the portal's buttons move them. A goal already
    first (or last) stays where it is: 409. So does an archived goal.
    """
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    if not services.move_goal(db, current_membership(), goal, data["direction"]):
        raise Conflict(services.not_moved_message(goal, data["direction"]))
    return _one_goal_out(goal)


@blp.get("/teams/<slug>/goal-settings")
@blp.response(200, GoalSettingsSchema)
def get_goal_settings(slug: str) -> dict[str, Any]:
    """Return the team's goal settings."""
    return {"goals_per_digest": current_team().goals_per_digest}


@blp.patch("/teams/<slug>/goal-settings")
@blp.arguments(GoalSettingsSchema)
@blp.response(200, GoalSettingsSchema)
def update_goal_settings(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Change the team's goal settings (owners and facilitators)."""
    team = services.set_goals_per_digest(
        get_session(), current_membership(), data["goals_per_digest"]
    )
    return {"goals_per_digest": team.goals_per_digest}


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
