"""The goals part of a team's export: goals with their check-ins and reinforcements, and
the goal settings. Other parts name a goal by the reference given here (`goal-1`, …)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.goals.models import CheckIn, Goal, GoalSettings, Reinforcement
from teamkit.transfer import BrokenExport, ExportContext, ImportContext, dump, load

GOAL_FIELDS = (
    "title",
    "why",
    "slogan",
    "measure_unit",
    "measure_start",
    "measure_target",
    "target_date",
    "status",
    "is_pinned",
    "position",
    "archived_at",
    "created_at",
    "updated_at",
)
CHECK_IN_FIELDS = ("value", "note", "confidence", "created_at")
REINFORCEMENT_FIELDS = ("channel", "channels", "reinforced_at")


def export(session: Session, context: ExportContext) -> dict[str, Any]:
    """Return the team's goals, each with its check-ins and reinforcements, and settings."""
    team = context.team
    goals = list(
        session.scalars(
            select(Goal).where(Goal.team_id == team.id).order_by(Goal.position, Goal.id)
        )
    )
    refs = context.add_refs("goal", (goal.id for goal in goals))
    check_ins = _by_goal(
        session.scalars(
            select(CheckIn)
            .join(Goal, Goal.id == CheckIn.goal_id)
            .where(Goal.team_id == team.id)
            .order_by(CheckIn.created_at, CheckIn.id)
        )
    )
    reinforcements = _by_goal(
        session.scalars(
            select(Reinforcement)
            .join(Goal, Goal.id == Reinforcement.goal_id)
            .where(Goal.team_id == team.id)
            .order_by(Reinforcement.reinforced_at, Reinforcement.id)
        )
    )
    settings = session.get(GoalSettings, team.id)
    return {
        "goals": [
            {
                "ref": refs[goal.id],
                **dump(goal, GOAL_FIELDS),
                "owner": context.member(goal.owner_id),
                "created_by": context.person(goal.created_by_id),
                "check_ins": [
                    {**dump(c, CHECK_IN_FIELDS), "person": context.person(c.person_id)}
                    for c in check_ins.get(goal.id, [])
                ],
                "reinforcements": [
                    {
                        **dump(r, REINFORCEMENT_FIELDS),
                        "recorded_by": context.person(r.recorded_by_id),
                    }
                    for r in reinforcements.get(goal.id, [])
                ],
            }
            for goal in goals
        ],
        "settings": {"goals_per_digest": settings.goals_per_digest} if settings else None,
    }


def _by_goal(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.goal_id, []).append(row)
    return grouped


def import_(session: Session, part: dict[str, Any], context: ImportContext) -> None:
    """Add the goals and settings of `part` to the new team."""
    team = context.team
    refs: dict[str, int] = context.ids.setdefault("goal", {})
    for entry in part["goals"]:
        if entry["ref"] in refs:
            raise BrokenExport(f"The file holds two goals called {entry['ref']}.")
        goal = load(
            Goal,
            entry,
            GOAL_FIELDS,
            team_id=team.id,
            owner_id=context.member(entry["owner"]),
            created_by_id=context.person(entry["created_by"]),
        )
        session.add(goal)
        session.flush()
        refs[entry["ref"]] = goal.id
        for check_in in entry["check_ins"]:
            session.add(
                load(
                    CheckIn,
                    check_in,
                    CHECK_IN_FIELDS,
                    goal_id=goal.id,
                    person_id=context.person(check_in["person"]),
                )
            )
        for shown in entry["reinforcements"]:
            session.add(
                load(
                    Reinforcement,
                    shown,
                    REINFORCEMENT_FIELDS,
                    goal_id=goal.id,
                    recorded_by_id=context.person(shown["recorded_by"]),
                )
            )
    if part["settings"] is not None:
        session.add(GoalSettings(team_id=team.id, **part["settings"]))
    session.flush()
