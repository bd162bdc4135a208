"""API: a team's goals, their check-ins and reinforcements."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from teamkit.api.pagination import PageArgsSchema, paginate
from teamkit.db import get_session
from teamkit.errors import Conflict
from teamkit.goals import checkins, goal_timing, reinforcements, services
from teamkit.goals import settings as goal_settings
from teamkit.goals.models import GoalStatus
from teamkit.goals.schemas import (
    CheckInCreateSchema,
    CheckInPageSchema,
    CheckInSchema,
    GoalCreateSchema,
    GoalListArgsSchema,
    GoalPageSchema,
    GoalSchema,
    GoalSettingsSchema,
    GoalUpdateSchema,
    MoveSchema,
    ReinforcementPageSchema,
    ReinforcementSchema,
)
from teamkit.goals.summaries import GoalSummary, summaries_of, summarize_goal, with_stats
from teamkit.teams.guard import current_membership, current_team

blp = Blueprint("goals_api", __name__, description="Goals, check-ins and reinforcements.")


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
    return goal_settings.get_settings(get_session(), current_team())


@blp.patch("/teams/<slug>/goal-settings")
@blp.arguments(GoalSettingsSchema)
@blp.response(200, GoalSettingsSchema)
def update_goal_settings(data: dict[str, Any], slug: str) -> Any:
    """Change the team's goal settings (owners and facilitators)."""
    return goal_settings.set_goals_per_digest(
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
