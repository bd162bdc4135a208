"""Goals: the team's common goals with their why and slogan, kept alive by repetition."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from teamkit.teams.home import HomeSection, NavLink, register_home_section, register_nav_link


@dataclass(frozen=True)
class GoalTiming:
    """When a goal counts as stale, and when its target date as near (TEAMKIT_GOAL_*)."""

    stale_days: int
    near_days: int


def goal_timing(app: Flask | None = None) -> GoalTiming:
    """Return the goal timing settings of `app` (by default the current one), for services."""
    settings = (app or current_app).config["TEAMKIT"]
    return GoalTiming(int(settings["GOAL_STALE_DAYS"]), int(settings["GOAL_NEAR_TARGET_DAYS"]))


def register(app: Flask) -> None:
    """Add the goal pages, the goals section of the team home page and the Goals link."""
    from teamkit.goals.views import bp, home_context

    app.register_blueprint(bp)
    register_home_section(HomeSection(10, "goals/_home_section.html", home_context))
    register_nav_link(NavLink(10, "Goals", "goals.index"))
